package org.yizhan.gateway.simulation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Settlement;

/**
 * What a policy change would have done to a period's claims: each side's totals per fund, the
 * figures per identity category, how many persons end up better or worse off, the largest changes
 * claim by claim, and what assistance each prepayment account (office × hospital) would have paid
 * out. Every amount is fen.
 *
 * <p>A claim that either side refuses (no policy in force for it, a hospital level the candidate
 * has no figures for) is counted and left out of both sides, so the two sides always add up the
 * same claims.
 *
 * @param claims claims replayed and compared
 * @param refusedInForce claims the version in force refused (or that no version governed)
 * @param refusedCandidate claims the candidate refused
 * @param persons persons with at least one compared claim
 * @param better persons whose period's out-of-pocket falls under the candidate
 * @param worse persons whose period's out-of-pocket rises
 * @param inForce the in-force side's totals
 * @param candidate the candidate side's totals
 * @param categories per identity category (the first that counts on the discharge date, in the
 *     rules' tie order; {@code null} for persons without one), in that order, the none last
 * @param largest the largest changes of a claim's out-of-pocket, largest first (either sign)
 * @param accounts per prepayment account, by office then hospital
 */
public record Impact(
    long claims,
    long refusedInForce,
    long refusedCandidate,
    long persons,
    long better,
    long worse,
    Side inForce,
    Side candidate,
    List<CategoryFigures> categories,
    List<Change> largest,
    List<AccountEffect> accounts) {

  /** The most prepayment accounts one simulation reports (a city has a few thousand). */
  public static final int MAX_ACCOUNTS = 50_000;

  /** One side's sums over the compared claims. */
  public record Side(
      long claims,
      long totalFen,
      long inScopeFen,
      long basicFen,
      long criticalIllnessFen,
      long assistanceFen,
      long personalFen) {

    public long fundFen() {
      return basicFen + criticalIllnessFen + assistanceFen;
    }

    Side plus(Settlement s) {
      return new Side(
          claims + 1,
          totalFen + s.totalFen(),
          inScopeFen + s.inScopeFen(),
          basicFen + s.basic().paidFen(),
          criticalIllnessFen + s.criticalIllness().paidFen(),
          assistanceFen + s.assistance().paidFen(),
          personalFen + s.personalPayFen());
    }

    static final Side ZERO = new Side(0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * @param category the identity category, {@code null} for claims of persons holding none
   * @param persons persons with a claim in this category
   */
  public record CategoryFigures(
      IdentityCategory category, long persons, Side inForce, Side candidate) {}

  /** One claim whose out-of-pocket the candidate changes. */
  public record Change(
      String settlementId,
      String hospitalCode,
      String claimNo,
      String personIdNo,
      String officeCode,
      LocalDate dischargeDate,
      IdentityCategory category,
      long inForceFundFen,
      long candidateFundFen,
      long inForcePersonalFen,
      long candidatePersonalFen) {

    public long personalDeltaFen() {
      return candidatePersonalFen - inForcePersonalFen;
    }
  }

  /** Assistance a prepayment account would have paid out (drawdowns and advances together). */
  public record AccountEffect(
      String officeCode, String hospitalCode, long inForceFen, long candidateFen) {
    public long deltaFen() {
      return candidateFen - inForceFen;
    }
  }

  /** The category a claim is counted under: the first that counts on its discharge date. */
  static IdentityCategory categoryOf(List<Identity> identities, LocalDate dischargeDate) {
    IdentityCategory first = null;
    for (Identity i : identities) {
      if (i.countsOn(dischargeDate)
          && (first == null || i.category().ordinal() < first.ordinal())) {
        first = i.category();
      }
    }
    return first;
  }

  /** Sums claims into an {@link Impact}; bounded: the largest changes and the accounts are. */
  static final class Tally {
    private static final Comparator<Change> BY_SIZE =
        Comparator.comparingLong((Change c) -> Math.abs(c.personalDeltaFen()))
            .thenComparing(Change::settlementId);

    private final int largestMax;
    private long claims;
    private long refusedInForce;
    private long refusedCandidate;
    private long persons;
    private long better;
    private long worse;
    private Side inForce = Side.ZERO;
    private Side candidate = Side.ZERO;
    private final Map<Integer, Side[]> byCategory = new TreeMap<>();
    private final long[] personsByCategory = new long[IdentityCategory.values().length + 1];
    private final PriorityQueue<Change> largest = new PriorityQueue<>(BY_SIZE);
    private final Map<String, long[]> accounts = new TreeMap<>();

    /** The current person's: categories seen, claims compared, out-of-pocket change. */
    private final Set<IdentityCategory> personCategories = EnumSet.noneOf(IdentityCategory.class);

    private boolean personWithoutCategory;
    private long personClaims;
    private long personDeltaFen;

    Tally(int largestMax) {
      if (largestMax < 0 || largestMax > 1_000) {
        throw new IllegalArgumentException("largestMax must be 0..1000: " + largestMax);
      }
      this.largestMax = largestMax;
    }

    void add(ReplayClaim rc, Settlement a, Settlement b) {
      if (a == null || b == null) {
        refusedInForce += a == null ? 1 : 0;
        refusedCandidate += b == null ? 1 : 0;
        return;
      }
      claims++;
      personClaims++;
      inForce = inForce.plus(a);
      candidate = candidate.plus(b);
      IdentityCategory category = categoryOf(rc.identities(), rc.claim().dischargeDate());
      int slot = category == null ? IdentityCategory.values().length : category.ordinal();
      Side[] sides = byCategory.computeIfAbsent(slot, k -> new Side[] {Side.ZERO, Side.ZERO});
      sides[0] = sides[0].plus(a);
      sides[1] = sides[1].plus(b);
      if (category == null) {
        personWithoutCategory = true;
      } else {
        personCategories.add(category);
      }
      long delta = b.personalPayFen() - a.personalPayFen();
      personDeltaFen += delta;
      account(rc, a, b);
      if (delta != 0 && largestMax > 0) {
        Change c =
            new Change(
                rc.settlementId(),
                rc.claim().hospitalCode(),
                rc.claim().claimNo(),
                rc.claim().personIdNo(),
                rc.claim().officeCode(),
                rc.claim().dischargeDate(),
                category,
                a.fundPayFen(),
                b.fundPayFen(),
                a.personalPayFen(),
                b.personalPayFen());
        largest.add(c);
        if (largest.size() > largestMax) {
          largest.poll();
        }
      }
    }

    private void account(ReplayClaim rc, Settlement a, Settlement b) {
      long was = a.assistance().paidFen();
      long would = b.assistance().paidFen();
      if (was == 0 && would == 0) {
        return;
      }
      String key = rc.claim().officeCode() + '\u0000' + rc.claim().hospitalCode();
      long[] sums = accounts.get(key);
      if (sums == null) {
        if (accounts.size() >= MAX_ACCOUNTS) {
          throw new IllegalStateException("more than " + MAX_ACCOUNTS + " prepayment accounts");
        }
        sums = new long[2];
        accounts.put(key, sums);
      }
      sums[0] += was;
      sums[1] += would;
    }

    /** Closes the current person's figures (no-op before the first). */
    void personDone() {
      if (personClaims > 0) {
        persons++;
        better += personDeltaFen < 0 ? 1 : 0;
        worse += personDeltaFen > 0 ? 1 : 0;
        for (IdentityCategory c : personCategories) {
          personsByCategory[c.ordinal()]++;
        }
        if (personWithoutCategory) {
          personsByCategory[IdentityCategory.values().length]++;
        }
      }
      personCategories.clear();
      personWithoutCategory = false;
      personClaims = 0;
      personDeltaFen = 0;
    }

    Impact impact() {
      IdentityCategory[] all = IdentityCategory.values();
      List<CategoryFigures> categories = new ArrayList<>();
      for (Map.Entry<Integer, Side[]> e : byCategory.entrySet()) {
        int slot = e.getKey();
        categories.add(
            new CategoryFigures(
                slot < all.length ? all[slot] : null,
                personsByCategory[slot],
                e.getValue()[0],
                e.getValue()[1]));
      }
      List<Change> changes = new ArrayList<>(largest);
      changes.sort(BY_SIZE.reversed());
      Map<String, long[]> sorted = new LinkedHashMap<>(accounts);
      List<AccountEffect> effects = new ArrayList<>();
      for (Map.Entry<String, long[]> e : sorted.entrySet()) {
        String[] parts = e.getKey().split("\u0000", 2);
        effects.add(new AccountEffect(parts[0], parts[1], e.getValue()[0], e.getValue()[1]));
      }
      return new Impact(
          claims,
          refusedInForce,
          refusedCandidate,
          persons,
          better,
          worse,
          inForce,
          candidate,
          List.copyOf(categories),
          List.copyOf(changes),
          List.copyOf(effects));
    }
  }
}
