package org.yizhan.gateway.simulation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.Claim;
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
 * @param accounts per prepayment account, by office then hospital: its balance and what it would
 *     pay out on each side, played in settlement order against its balance ({@link Accounts})
 * @param balanceRefusals the claims an account refused (or would refuse) for want of balance, the
 *     largest first, at most {@link Accounts#REFUSALS_LISTED}
 * @param balancesApplied whether the accounts' balances were played (false when the simulation did
 *     not read them, or when more claims had assistance than {@link Accounts#MAX_DRAWDOWNS})
 * @param inForcePolicies the versions in force the replay compared with (the book's, by the claims'
 *     dates), in id order
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
    List<AccountEffect> accounts,
    List<BalanceRefusal> balanceRefusals,
    boolean balancesApplied,
    List<String> inForcePolicies) {

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

    /** This side with {@code fen} of assistance refused for want of balance: the person pays it. */
    Side refused(long fen) {
      return new Side(
          claims,
          totalFen,
          inScopeFen,
          basicFen,
          criticalIllnessFen,
          assistanceFen - fen,
          personalFen + fen);
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

  /** A prepayment account as the period found it: its mode and its balance at the first day. */
  public record AccountStart(
      String officeCode, String hospitalCode, PrepaymentMode mode, long openingFen) {}

  /**
   * What one account paid out on one side, its claims played in settlement order.
   *
   * @param assistanceFen the assistance its claims carry by the rules
   * @param drawnFen taken from the prepaid balance
   * @param advanceFen advanced by the hospital (HOSPITAL_ADVANCE accounts)
   * @param refusedClaims claims refused for want of balance (REFUSE accounts)
   * @param refusedFen their assistance, paid by the persons instead
   */
  public record AccountSide(
      long assistanceFen, long drawnFen, long advanceFen, long refusedClaims, long refusedFen) {
    public long paidFen() {
      return drawnFen + advanceFen;
    }
  }

  /** One prepayment account (office × hospital) on both sides. */
  public record AccountEffect(
      String officeCode,
      String hospitalCode,
      PrepaymentMode mode,
      long openingFen,
      long topUpsFen,
      AccountSide inForce,
      AccountSide candidate) {
    /** The change of what the account pays out (drawn and advanced). */
    public long deltaFen() {
      return candidate.paidFen() - inForce.paidFen();
    }
  }

  /** A claim an account refuses for want of balance on one side or both (0: paid on that side). */
  public record BalanceRefusal(
      String settlementId,
      String officeCode,
      String hospitalCode,
      long inForceRefusedFen,
      long candidateRefusedFen) {
    public long refusedFen() {
      return Math.max(inForceRefusedFen, candidateRefusedFen);
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

    private static final int NONE_SLOT = IdentityCategory.values().length;

    private final int largestMax;
    private final Accounts accounts;
    private long claims;
    private long refusedInForce;
    private long refusedCandidate;
    private long persons;
    private long better;
    private long worse;
    private Side inForce = Side.ZERO;
    private Side candidate = Side.ZERO;
    private final Side[][] byCategory = new Side[NONE_SLOT + 1][];
    private final long[] personsByCategory = new long[NONE_SLOT + 1];
    private final PriorityQueue<Change> largest = new PriorityQueue<>(BY_SIZE);
    private final Set<String> inForcePolicies = new TreeSet<>();

    /** The current person's: categories seen, claims compared, out-of-pocket change. */
    private final boolean[] personSlots = new boolean[NONE_SLOT + 1];

    private long personClaims;
    private long personDeltaFen;

    /**
     * @param accounts the prepayment accounts to play the claims' assistance against, or null to
     *     leave balances out (the rules' figures alone)
     */
    Tally(int largestMax, Accounts accounts) {
      if (largestMax < 0 || largestMax > 1_000) {
        throw new IllegalArgumentException("largestMax must be 0..1000: " + largestMax);
      }
      this.largestMax = largestMax;
      this.accounts = accounts;
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
      inForcePolicies.add(a.policyId());
      IdentityCategory category = categoryOf(rc.identities(), rc.claim().dischargeDate());
      int slot = category == null ? NONE_SLOT : category.ordinal();
      Side[] sides = byCategory[slot];
      if (sides == null) {
        sides = byCategory[slot] = new Side[] {Side.ZERO, Side.ZERO};
      }
      sides[0] = sides[0].plus(a);
      sides[1] = sides[1].plus(b);
      personSlots[slot] = true;
      long delta = b.personalPayFen() - a.personalPayFen();
      personDeltaFen += delta;
      long was = a.assistance().paidFen();
      long would = b.assistance().paidFen();
      if (accounts != null && (was > 0 || would > 0)) {
        Claim c = rc.claim();
        int account = accounts.indexOf(c.officeCode(), c.hospitalCode());
        accounts.record(account, rc.settledAtMicros(), slot, rc.settlementId(), was, would);
      }
      if (delta != 0 && largestMax > 0) {
        largest.add(change(rc, category, a, b));
        if (largest.size() > largestMax) {
          largest.poll();
        }
      }
    }

    private static Change change(
        ReplayClaim rc, IdentityCategory category, Settlement a, Settlement b) {
      return new Change(
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
    }

    /** Closes the current person's figures (no-op before the first). */
    void personDone() {
      if (personClaims > 0) {
        persons++;
        better += personDeltaFen < 0 ? 1 : 0;
        worse += personDeltaFen > 0 ? 1 : 0;
        for (int i = 0; i < personSlots.length; i++) {
          personsByCategory[i] += personSlots[i] ? 1 : 0;
        }
      }
      Arrays.fill(personSlots, false);
      personClaims = 0;
      personDeltaFen = 0;
    }

    Impact impact() {
      Accounts.Played played = accounts == null ? null : accounts.finish();
      long[][] refused = played == null ? new long[NONE_SLOT + 1][2] : played.refusedBySlot();
      IdentityCategory[] all = IdentityCategory.values();
      List<CategoryFigures> categories = new ArrayList<>();
      long refusedWas = 0;
      long refusedWould = 0;
      for (int slot = 0; slot <= NONE_SLOT; slot++) {
        Side[] sides = byCategory[slot];
        refusedWas += refused[slot][0];
        refusedWould += refused[slot][1];
        if (sides != null) {
          categories.add(
              new CategoryFigures(
                  slot < all.length ? all[slot] : null,
                  personsByCategory[slot],
                  sides[0].refused(refused[slot][0]),
                  sides[1].refused(refused[slot][1])));
        }
      }
      List<Change> changes = new ArrayList<>(largest);
      changes.sort(BY_SIZE.reversed());
      return new Impact(
          claims,
          refusedInForce,
          refusedCandidate,
          persons,
          better,
          worse,
          inForce.refused(refusedWas),
          candidate.refused(refusedWould),
          List.copyOf(categories),
          List.copyOf(changes),
          played == null ? List.of() : played.effects(),
          played == null ? List.of() : played.refusals(),
          played != null && !played.truncated(),
          List.copyOf(inForcePolicies));
    }
  }
}
