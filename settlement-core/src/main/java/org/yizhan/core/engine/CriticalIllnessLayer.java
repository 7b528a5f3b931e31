package org.yizhan.core.engine;

import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.policy.CriticalIllnessRules;

/**
 * Layer 2, critical-illness insurance (rules §4): annual and cumulative. It pays the increase of
 * the schedule function over the year's base, so a year's total depends on the year's base alone,
 * not on how the base is spread over admissions (to a fen of rounding per admission).
 */
final class CriticalIllnessLayer {
  private CriticalIllnessLayer() {}

  /**
   * @param baseFen this admission's base (ciBase)
   * @param paidFen the payment
   * @param roomFen the annual room left after it, or {@code null} when uncapped
   * @param trace the steps
   */
  record Result(long baseFen, long paidFen, Long roomFen, Trace trace) {}

  static Result pay(
      CriticalIllnessRules rules,
      long inScopeFen,
      long preSelfPayFen,
      long basicPaidFen,
      Benefits benefits,
      Accumulators ytd) {
    Trace trace = new Trace();
    long base = inScopeFen - basicPaidFen + (rules.includePreSelfPay() ? preSelfPayFen : 0);
    long threshold = Fen.times(rules.thresholdFen(), benefits.ciThresholdFactor());
    long before = ytd.ciBaseFen();
    long after = Math.addExact(before, base);
    trace.step("base inScope ").yuan(inScopeFen).words(" - basic ").yuan(basicPaidFen);
    if (rules.includePreSelfPay()) {
      trace.words(" + preSelfPay ").yuan(preSelfPayFen);
    }
    trace.words(" = ").yuan(base).step("threshold ").yuan(threshold);
    if (!benefits.ciThresholdFactor().equals(Ratio.ONE)) {
      trace.words(" (").yuan(rules.thresholdFen()).words(" x ");
      trace.decimal(benefits.ciThresholdFactor()).words(")");
    }
    trace.step("year base ").yuan(before).words(" -> ").yuan(after);

    long exact =
        Schedules.increase(
            rules.schedule(), benefits.ciRatioBonus(), threshold, before, after, trace);
    long raw = Fen.divideHalfUp(exact, Ratio.SCALE);
    trace.step("-> ").yuan(raw);
    Long cap = benefits.ciCapRemoved() ? null : rules.annualCapFen();
    long paid = raw;
    Long room = null;
    if (cap == null) {
      trace.step(rules.annualCapFen() == null ? "no annual cap" : "annual cap removed");
    } else {
      long left = Fen.pos(cap - ytd.ciPaidFen());
      paid = Math.min(raw, left);
      room = left - paid;
      if (paid < raw) {
        trace.step("annual cap ").yuan(cap).words(" less ").yuan(ytd.ciPaidFen());
        trace.words(" paid this year leaves ").yuan(left);
      }
    }
    trace.step("pay ").yuan(paid);
    return new Result(base, paid, room, trace);
  }
}
