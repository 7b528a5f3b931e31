package org.yizhan.gateway.insured;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yizhan.core.policy.PolicyBook;

/**
 * The insurance regions (参保地, 6-digit admdvs) the gateway knows, and which regions an agency
 * covers.
 *
 * <p>A region is known when it is a registered hospital's region, a policy's region, or a district
 * or county inside the city or province of a policy (the policy governs it: see PolicyBook). An
 * enrolment in any other region could never settle under a policy of this gateway, so the register
 * refuses it. The policies' regions are those of the book in force now, so a version approved for a
 * new region is known to the register of every instance once the instance's book has it. An agency
 * acts for its own region and, when that region is a city ({@code xxxx00}) or a province ({@code
 * xx0000}), for the districts inside it.
 */
public final class Regions {
  static final Pattern ADMDVS = Pattern.compile("[1-9][0-9]{5}");

  /** The regions known under one state of the policy book. */
  private record Known(PolicyBook book, Set<String> exact, Set<String> policyRegions) {}

  private final Set<String> hospitalRegions;
  private final Supplier<PolicyBook> book;
  private final AtomicReference<Known> known = new AtomicReference<>();

  /**
   * @param hospitalRegions the registered hospitals' regions
   * @param book the policy book in force now: the regions of its policies are known; a book swapped
   *     in after an approval (policy.PolicyBooks, in every instance on its NOTIFY) brings its new
   *     regions with it, without a restart
   */
  public Regions(Collection<String> hospitalRegions, Supplier<PolicyBook> book) {
    this.hospitalRegions = Set.copyOf(hospitalRegions);
    this.book = book;
  }

  /** Whether the register may hold an enrolment in {@code admdvs}. */
  public boolean known(String admdvs) {
    if (admdvs == null || !ADMDVS.matcher(admdvs).matches()) {
      return false;
    }
    Known k = current();
    if (k.exact().contains(admdvs)) {
      return true;
    }
    for (String p : k.policyRegions()) {
      if (covers(p, admdvs)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The regions of the book in force, worked out once per book (a book is immutable and replaced
   * whole, so its identity says whether the sets are still its own).
   */
  private Known current() {
    PolicyBook now = book.get();
    Known k = known.get();
    if (k != null && k.book() == now) {
      return k;
    }
    Set<String> policies = new TreeSet<>();
    now.all().forEach(p -> policies.add(p.id().region()));
    Set<String> exact = new TreeSet<>(hospitalRegions);
    exact.addAll(policies);
    Known next = new Known(now, Set.copyOf(exact), Set.copyOf(policies));
    known.set(next);
    return next;
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
