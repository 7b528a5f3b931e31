package org.yizhan.core.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every loaded policy version, and the choice of the one that governs a claim.
 *
 * <p>Regions are 6-digit administrative codes: 445202 (a district) lies in 445200 (its city), which
 * lies in 440000 (the province). A claim is governed by the most specific region that has a policy
 * for its scheme in force on the discharge date: the office's own code, then its city, then its
 * province. Residents' insurance is pooled at city level in Guangdong, so the shipped policies are
 * city policies; a district or province could add its own without code changes.
 */
public final class PolicyBook {
  private final Map<String, List<Policy>> byRegionAndScheme;
  private final List<Policy> all;

  private PolicyBook(Map<String, List<Policy>> byRegionAndScheme, List<Policy> all) {
    this.byRegionAndScheme = byRegionAndScheme;
    this.all = all;
  }

  /** Builds the book; throws naming both versions when two of a region and scheme overlap. */
  public static PolicyBook of(List<Policy> policies) {
    Map<String, List<Policy>> grouped = new HashMap<>();
    for (Policy p : policies) {
      grouped.computeIfAbsent(key(p.id().region(), p.id().scheme()), k -> new ArrayList<>()).add(p);
    }
    Map<String, List<Policy>> frozen = new HashMap<>();
    for (Map.Entry<String, List<Policy>> g : grouped.entrySet()) {
      List<Policy> versions = g.getValue();
      versions.sort(Comparator.comparing(Policy::validFrom));
      for (int i = 1; i < versions.size(); i++) {
        Policy a = versions.get(i - 1);
        Policy b = versions.get(i);
        if (!a.validTo().isBefore(b.validFrom())) {
          throw new IllegalArgumentException(
              "policies "
                  + a.id()
                  + " and "
                  + b.id()
                  + " overlap: "
                  + a.validTo()
                  + " ≥ "
                  + b.validFrom());
        }
      }
      frozen.put(g.getKey(), List.copyOf(versions));
    }
    List<Policy> sorted = new ArrayList<>(policies);
    sorted.sort(Comparator.comparing((Policy p) -> p.id().toString()));
    return new PolicyBook(Map.copyOf(frozen), List.copyOf(sorted));
  }

  /** The policy governing a claim of {@code officeCode} and {@code scheme} discharged on date. */
  public Optional<Policy> find(String officeCode, String scheme, LocalDate dischargeDate) {
    if (officeCode == null || officeCode.length() != 6) {
      return Optional.empty();
    }
    String[] regions = {
      officeCode, officeCode.substring(0, 4) + "00", officeCode.substring(0, 2) + "0000"
    };
    for (String region : regions) {
      List<Policy> versions = byRegionAndScheme.get(key(region, scheme));
      if (versions != null) {
        for (Policy p : versions) {
          if (p.governs(dischargeDate)) {
            return Optional.of(p);
          }
        }
      }
    }
    return Optional.empty();
  }

  public List<Policy> all() {
    return all;
  }

  private static String key(String region, String scheme) {
    return region + '/' + scheme;
  }
}
