package org.yizhan.core.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.model.AccumulatorDelta;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Fund;
import org.yizhan.core.model.FundPayment;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.RejectionCode;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.core.policy.UnknownItems;

/**
 * The settlement engine: a pure function from a claim, the policy and catalogue in force on its
 * discharge date, the person's identities and year-to-date figures, to one combined settlement
 * across the three payers, or a rejection that names what the hospital must fix.
 *
 * <p>It reads no clock, touches no I/O and keeps no state between calls, so it is safe to call from
 * any thread and gives the same answer for the same input: a preview (预结算) and the settlement that
 * follows it agree to the fen. The caller applies {@link Settlement#delta()} to the year's figures
 * in the same transaction that stores the settlement, and a reversal applies {@link
 * Settlement#reversalDelta()}.
 *
 * <p>The steps follow the rules page: price the lines (§1), basic insurance per admission (§3),
 * critical illness over the year (§4), assistance over what is left (§5), the optional ceiling
 * (§6). Money is a long count of fen throughout; each layer rounds once, HALF_UP.
 */
public final class SettlementEngine {
  /** The most lines a claim may carry. */
  public static final int MAX_LINES = 2_000;

  private final PolicyBook policies;
  private final Catalogue catalogue;
  private final Map<String, UnknownItems> unknownItemsByHospital;

  public SettlementEngine(PolicyBook policies, Catalogue catalogue) {
    this(policies, catalogue, Map.of());
  }

  /**
   * @param unknownItemsByHospital hospitals (by code) whose own setting for unknown item codes
   *     takes precedence over the policy's; a hospital not listed follows the policy
   */
  public SettlementEngine(
      PolicyBook policies, Catalogue catalogue, Map<String, UnknownItems> unknownItemsByHospital) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    this.unknownItemsByHospital = Map.copyOf(unknownItemsByHospital);
  }

  /** The policy versions this engine settles by. */
  public PolicyBook policies() {
    return policies;
  }

  /** The policy that governs the claim, if any. */
  public Optional<Policy> policyFor(Claim claim) {
    return policies.find(claim.officeCode(), claim.scheme(), claim.dischargeDate());
  }

  /**
   * Settles {@code claim} under the policy in force on its discharge date.
   *
   * @param identities every identity the person holds, of any date; the engine keeps those in force
   *     on the discharge date
   * @param ytd the person's figures for the discharge year, before this claim
   */
  public SettlementOutcome settle(Claim claim, List<Identity> identities, Accumulators ytd) {
    Rejection early = checkHeader(claim);
    if (early != null) {
      return early;
    }
    Optional<Policy> policy = policyFor(claim);
    if (policy.isEmpty()) {
      return new Rejection(
          RejectionCode.NO_POLICY,
          "dischargeDate",
          "dischargeDate: no "
              + claim.scheme()
              + " policy governs office "
              + claim.officeCode()
              + " on "
              + claim.dischargeDate());
    }
    UnknownItems hospitalRule = unknownItemsByHospital.get(claim.hospitalCode());
    return settleChecked(claim, policy.get(), catalogue, identities, ytd, hospitalRule);
  }

  /**
   * Settles {@code claim} under {@code policy} in place of the one the book holds for it, with this
   * engine's catalogue and hospitals' settings: what an impact simulation replays a draft with. The
   * policy's dates are not checked (a draft for next year is tried on last year's claims).
   */
  public SettlementOutcome settleUnder(
      Policy policy, Claim claim, List<Identity> identities, Accumulators ytd) {
    Rejection early = checkHeader(claim);
    if (early != null) {
      return early;
    }
    UnknownItems hospitalRule = unknownItemsByHospital.get(claim.hospitalCode());
    return settleChecked(claim, policy, catalogue, identities, ytd, hospitalRule);
  }

  /**
   * Settles {@code claim} under two policies at once, each with its own year figures: what an
   * impact simulation does for every claim (the version in force and the candidate), as {@link
   * #settleUnder} twice would, to the fen. The lines are priced against the catalogue once when
   * both policies price them alike (the same rule for unknown item codes, or the hospital's own):
   * pricing is about half of a settlement's work and depends on nothing else a policy says.
   *
   * @param first the first policy, or null for none (its outcome is then null)
   * @return the outcomes under {@code first} and {@code second}, in that order
   */
  public SettlementOutcome[] settleUnderBoth(
      Policy first,
      Accumulators firstYtd,
      Policy second,
      Accumulators secondYtd,
      Claim claim,
      List<Identity> identities) {
    Rejection early = checkHeader(claim);
    if (early != null) {
      return new SettlementOutcome[] {first == null ? null : early, early};
    }
    UnknownItems hospitalRule = unknownItemsByHospital.get(claim.hospitalCode());
    UnknownItems firstRule =
        first == null ? null : hospitalRule != null ? hospitalRule : first.unknownItems();
    UnknownItems secondRule = hospitalRule != null ? hospitalRule : second.unknownItems();
    if (first == null || firstRule != secondRule) {
      return new SettlementOutcome[] {
        first == null
            ? null
            : settleChecked(claim, first, catalogue, identities, firstYtd, hospitalRule),
        settleChecked(claim, second, catalogue, identities, secondYtd, hospitalRule)
      };
    }
    PricedClaim pricing = null;
    SettlementOutcome[] out = new SettlementOutcome[2];
    Policy[] policies = {first, second};
    Accumulators[] ytds = {firstYtd, secondYtd};
    for (int i = 0; i < 2; i++) {
      Rejection unfit = checkPolicy(claim, policies[i], ytds[i]);
      if (unfit != null) {
        out[i] = unfit;
        continue;
      }
      if (pricing == null) {
        pricing = LinePricer.price(claim, catalogue, firstRule);
      }
      out[i] =
          pricing instanceof PricedClaim.Refused
              ? ((PricedClaim.Refused) pricing).rejection()
              : combine(claim, policies[i], (PricedClaim.Priced) pricing, identities, ytds[i]);
    }
    return out;
  }

  /**
   * Settles {@code claim} under a given policy (the pure function itself), with the hospital's own
   * setting for unknown item codes ({@code null}: the policy's).
   */
  public static SettlementOutcome settle(
      Claim claim,
      Policy policy,
      Catalogue catalogue,
      List<Identity> identities,
      Accumulators ytd,
      UnknownItems hospitalRule) {
    Rejection early = checkHeader(claim);
    return early != null
        ? early
        : settleChecked(claim, policy, catalogue, identities, ytd, hospitalRule);
  }

  private static SettlementOutcome settleChecked(
      Claim claim,
      Policy policy,
      Catalogue catalogue,
      List<Identity> identities,
      Accumulators ytd,
      UnknownItems hospitalRule) {
    Rejection unfit = checkPolicy(claim, policy, ytd);
    if (unfit != null) {
      return unfit;
    }
    UnknownItems unknownItems = hospitalRule != null ? hospitalRule : policy.unknownItems();
    PricedClaim pricing = LinePricer.price(claim, catalogue, unknownItems);
    if (pricing instanceof PricedClaim.Refused) {
      return ((PricedClaim.Refused) pricing).rejection();
    }
    return combine(claim, policy, (PricedClaim.Priced) pricing, identities, ytd);
  }

  private static Settlement combine(
      Claim claim,
      Policy policy,
      PricedClaim.Priced priced,
      List<Identity> identities,
      Accumulators ytd) {
    Benefits benefits = Benefits.of(policy, identities, claim.dischargeDate());
    int level = claim.hospitalLevel();
    BasicLayer.Result basic =
        BasicLayer.pay(policy.basic(), level, priced.inScopeFen(), benefits, ytd);
    CriticalIllnessLayer.Result ci =
        CriticalIllnessLayer.pay(
            policy.criticalIllness(),
            priced.inScopeFen(),
            priced.preSelfPayFen(),
            basic.paidFen(),
            benefits,
            ytd);
    AssistanceLayer.Result ma =
        AssistanceLayer.pay(
            policy.assistance(),
            priced.inScopeFen(),
            priced.preSelfPayFen(),
            basic.paidFen(),
            ci.paidFen(),
            benefits,
            ytd);

    long basicPay = basic.paidFen();
    long ciPay = ci.paidFen();
    long maPay = ma.paidFen();
    if (policy.overallCapRatio() != null) {
      long[] capped =
          OverallCeiling.apply(
              policy.overallCapRatio(),
              priced.totalFen(),
              basicPay,
              ciPay,
              maPay,
              basic.trace(),
              ci.trace(),
              ma.trace());
      basicPay = capped[0];
      ciPay = capped[1];
      maPay = capped[2];
    }

    FundPayment basicFund =
        new FundPayment(
            Fund.BASIC,
            policy.basic().fundCode(),
            basic.baseFen(),
            basicPay,
            basic.roomFen() + (basic.paidFen() - basicPay),
            basic.trace().toString());
    FundPayment ciFund =
        new FundPayment(
            Fund.CRITICAL_ILLNESS,
            policy.criticalIllness().fundCode(),
            ci.baseFen(),
            ciPay,
            ci.roomFen() == null ? null : ci.roomFen() + (ci.paidFen() - ciPay),
            ci.trace().toString());
    FundPayment maFund =
        new FundPayment(
            Fund.ASSISTANCE,
            policy.assistance().fundCode(),
            ma.baseFen(),
            maPay,
            ma.roomFen() == null ? null : ma.roomFen() + (ma.paidFen() - maPay),
            ma.trace().toString());
    AccumulatorDelta delta =
        new AccumulatorDelta(
            claim.year(),
            basicPay,
            basic.actDeductibleFen(),
            level,
            1,
            ci.baseFen(),
            ciPay,
            ma.baseFen(),
            maPay);
    return new Settlement(
        claim.claimNo(),
        policy.id().toString(),
        level,
        priced.totalFen(),
        priced.fullOwnPayFen(),
        priced.overLimitFen(),
        priced.preSelfPayFen(),
        priced.inScopeFen(),
        basic.actDeductibleFen(),
        basicFund,
        ciFund,
        maFund,
        maPay > 0 ? ma.identity() : null,
        null,
        priced.lines(),
        delta);
  }

  /** Checks of the claim against a policy before its lines are priced: the year, the level. */
  private static Rejection checkPolicy(Claim claim, Policy policy, Accumulators ytd) {
    if (ytd.year() != claim.year()) {
      throw new IllegalArgumentException(
          "figures of " + ytd.year() + " given for a claim discharged in " + claim.year());
    }
    if (!policy.basic().coversLevel(claim.hospitalLevel())) {
      return new Rejection(
          RejectionCode.UNKNOWN_HOSPITAL_LEVEL,
          "hospitalLevel",
          "hospitalLevel: policy "
              + policy.id()
              + " has no deductible or ratio for level "
              + claim.hospitalLevel());
    }
    return null;
  }

  /** Checks that need no policy: line count and dates. */
  private static Rejection checkHeader(Claim claim) {
    int n = claim.lines().size();
    if (n == 0) {
      return new Rejection(RejectionCode.NO_LINES, "lines", "lines: a claim needs at least 1 line");
    }
    if (n > MAX_LINES) {
      return new Rejection(
          RejectionCode.TOO_MANY_LINES,
          "lines",
          "lines: at most " + MAX_LINES + " lines per claim, got " + n);
    }
    if (claim.dischargeDate().isBefore(claim.admissionDate())) {
      return new Rejection(
          RejectionCode.DATES_OUT_OF_ORDER,
          "dischargeDate",
          "dischargeDate "
              + claim.dischargeDate()
              + " is before admissionDate "
              + claim.admissionDate());
    }
    return null;
  }
}
