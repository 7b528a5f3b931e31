package org.yizhan.gateway.insured;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The insurance regions (参保地, 6-digit admdvs) the gateway knows, and which regions an agency
 * covers.
 *
 * <p>A region is known when it is a registered hospital's region, a policy's region, or a district
 * or county inside the city or province of a policy (the policy governs it: see PolicyBook). An
 * enrolment in any other region could never settle under a policy of this gateway, so the register
 * refuses it. An agency acts for its own region and, when that region is a city ({@code xxxx00}) or
 * a province ({@code xx0000}), for the districts inside it.
 */
public final class Regions {
  static final Pattern ADMDVS = Pattern.compile("[1-9][0-9]{5}");

  private final Set<String> exact;
  private final Set<String> policyRegions;

  /**
   * @param hospitalRegions the registered hospitals' regions
   * @param policyRegions the regions of the loaded policies
   */
  public Regions(Collection<String> hospitalRegions, Collection<String> policyRegions) {
    Set<String> e = new TreeSet<>(hospitalRegions);
    e.addAll(policyRegions);
    this.exact = Set.copyOf(e);
    this.policyRegions = Set.copyOf(policyRegions);
  }

  /** Whether the register may hold an enrolment in {@code admdvs}. */
  public boolean known(String admdvs) {
    if (admdvs == null || !ADMDVS.matcher(admdvs).matches()) {
      return false;
    }
    if (exact.contains(admdvs)) {
      return true;
    }
    for (String p : policyRegions) {
      if (covers(p, admdvs)) {
        return true;
      }
    }
    return false;
  }

  /** Every region known exactly (hospitals' and policies'), for the import's set-based check. */
  Set<String> exact() {
    return exact;
  }

  Set<String> policyRegions() {
    return policyRegions;
  }

  /**
   * Whether the agency of {@code agency} acts for {@code admdvs}: the same region, or one inside
   * the agency's city or province.
   */
  public static boolean covers(String agency, String admdvs) {
    if (agency.equals(admdvs)) {
      return true;
    }
    if (agency.endsWith("0000")) {
      return admdvs.startsWith(agency.substring(0, 2));
    }
    if (agency.endsWith("00")) {
      return admdvs.startsWith(agency.substring(0, 4));
    }
    return false;
  }

  /** The prefix of the regions an agency acts for (a LIKE prefix), or the region itself. */
  static String prefix(String agency) {
    if (agency.endsWith("0000")) {
      return agency.substring(0, 2);
    }
    if (agency.endsWith("00")) {
      return agency.substring(0, 4);
    }
    return agency;
  }
}
