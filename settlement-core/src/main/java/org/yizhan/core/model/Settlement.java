package org.yizhan.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One combined settlement of a discharge across the three payers (rules §7). The amounts obey, to
 * the fen: {@code total = fullOwnPay + overLimit + preSelfPay + inScope} and {@code total = fundPay
 * + personalPay}, with every part non-negative; the constructor checks both.
 *
 * @param claimNo the hospital's claim number
 * @param policyId the policy version applied, e.g. {@code 445200/RESIDENT/2018}
 * @param hospitalLevel the level the basic layer used
 * @param totalFen the bill (medfee_sumamt)
 * @param fullOwnPayFen C items and items not in the catalogue (fulamt_ownpay_amt)
 * @param overLimitFen above price caps (overlmt_selfpay)
 * @param preSelfPayFen the B items' pre-self-pay share (preselfpay_amt)
 * @param inScopeFen within scope (inscp_scp_amt)
 * @param actDeductibleFen the deductible borne in this admission (act_pay_dedc)
 * @param basic basic insurance's payment (390100)
 * @param criticalIllness critical-illness insurance's payment (390200)
 * @param assistance medical assistance's payment (610100)
 * @param assistanceIdentity the identity assistance was paid under, or {@code null} when none paid
 * @param assistanceNote why assistance paid nothing although the person qualifies (e.g. {@code
 *     PREPAYMENT_EXHAUSTED}), or {@code null}
 * @param lines how each line was classified
 * @param delta what this settlement adds to the person's year-to-date figures
 */
public record Settlement(
    String claimNo,
    String policyId,
    int hospitalLevel,
    long totalFen,
    long fullOwnPayFen,
    long overLimitFen,
    long preSelfPayFen,
    long inScopeFen,
    long actDeductibleFen,
    FundPayment basic,
    FundPayment criticalIllness,
    FundPayment assistance,
    IdentityCategory assistanceIdentity,
    String assistanceNote,
    List<LinePricing> lines,
    AccumulatorDelta delta)
    implements SettlementOutcome {

  public Settlement {
    Objects.requireNonNull(claimNo, "claimNo");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(basic, "basic");
    Objects.requireNonNull(criticalIllness, "criticalIllness");
    Objects.requireNonNull(assistance, "assistance");
    Objects.requireNonNull(delta, "delta");
    lines = List.copyOf(lines);
    if (fullOwnPayFen + overLimitFen + preSelfPayFen + inScopeFen != totalFen) {
      throw new IllegalArgumentException(
          claimNo + ": total " + totalFen + " is not the sum of its classification");
    }
    long fundPay = basic.paidFen() + criticalIllness.paidFen() + assistance.paidFen();
    if (fundPay > totalFen || actDeductibleFen < 0 || actDeductibleFen > inScopeFen) {
      throw new IllegalArgumentException(
          claimNo
              + ": funds pay "
              + fundPay
              + " of "
              + totalFen
              + ", deductible "
              + actDeductibleFen);
    }
    if ((assistanceIdentity == null) != (assistance.paidFen() == 0)) {
      throw new IllegalArgumentException(
          claimNo + ": the paying identity is recorded exactly when assistance pays");
    }
  }

  /** What the three funds pay together (fund_pay_sumamt). */
  public long fundPayFen() {
    return basic.paidFen() + criticalIllness.paidFen() + assistance.paidFen();
  }

  /** What the patient pays (psn_part_amt): the bill less the funds. */
  public long personalPayFen() {
    return totalFen - fundPayFen();
  }

  /** The calendar year whose figures this settlement moves. */
  public int year() {
    return delta.year();
  }

  /** The delta a reversal of this settlement applies: exactly this settlement's, negated. */
  public AccumulatorDelta reversalDelta() {
    return delta.negate();
  }

  /** The three fund payments in paying order. */
  public List<FundPayment> funds() {
    return List.of(basic, criticalIllness, assistance);
  }

  /**
   * This settlement with medical assistance refused, for an account that refuses rather than lets
   * the hospital advance (rules §8): assistance pays 0, the patient pays that part, the year's
   * assistance base still counts and the refusal is recorded in {@code reason} and the trace.
   */
  public Settlement withAssistanceRefused(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (assistance.paidFen() == 0) {
      return this;
    }
    long refused = assistance.paidFen();
    String trace =
        assistance.trace()
            + ", refused ("
            + reason
            + "): "
            + Fen.format(refused)
            + " falls to the patient";
    Long room =
        assistance.remainingRoomFen() == null ? null : assistance.remainingRoomFen() + refused;
    FundPayment none =
        new FundPayment(
            assistance.fund(), assistance.fundCode(), assistance.baseFen(), 0, room, trace);
    AccumulatorDelta d =
        new AccumulatorDelta(
            delta.year(),
            delta.basicPaidFen(),
            delta.deductiblePaidFen(),
            delta.hospitalLevel(),
            delta.admissions(),
            delta.ciBaseFen(),
            delta.ciPaidFen(),
            delta.maBaseFen(),
            0);
    return new Settlement(
        claimNo,
        policyId,
        hospitalLevel,
        totalFen,
        fullOwnPayFen,
        overLimitFen,
        preSelfPayFen,
        inScopeFen,
        actDeductibleFen,
        basic,
        criticalIllness,
        none,
        null,
        reason,
        lines,
        d);
  }
}
