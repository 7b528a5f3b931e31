package org.yizhan.core.engine;

import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.policy.BasicRules;

/**
 * Layer 1, basic medical insurance (rules §3): per admission, on the in-scope amount, above the
 * deductible, by the level's schedule, within the annual cap.
 */
final class BasicLayer {
  private BasicLayer() {}

  /**
   * @param baseFen the in-scope amount the layer worked on
   * @param deductibleFen the deductible D after identity factor and readmission waiver
   * @param actDeductibleFen {@code min(D, inScope)}: the deductible borne in this admission
   * @param paidFen the payment
   * @param roomFen the annual room left after it
   * @param trace the steps
   */
  record Result(
      long baseFen,
      long deductibleFen,
      long actDeductibleFen,
      long paidFen,
      long roomFen,
      Trace trace) {}

  static Result pay(
      BasicRules rules, int level, long inScopeFen, Benefits benefits, Accumulators ytd) {
    Trace trace = new Trace();
    long listed = rules.deductibleFenByLevel().get(level);
    long deductible = Fen.times(listed, benefits.basicDeductibleFactor());
    trace.step("inScope ").yuan(inScopeFen).step("deductible ").yuan(deductible);
    trace.words(" (level ").number(level);
    if (!benefits.basicDeductibleFactor().equals(Ratio.ONE)) {
      trace.words(": ").yuan(listed).words(" x ").decimal(benefits.basicDeductibleFactor());
    }
    if (deductible > 0 && benefits.waiveOnReadmission() && ytd.admissionsAt(level) > 0) {
      deductible = 0;
      trace.words(", waived: readmission at level ").number(level);
    }
    trace.words(")");
    long actDeductible = Math.min(deductible, inScopeFen);

    long exact =
        Schedules.increase(
            rules.scheduleByLevel().get(level),
            benefits.basicRatioBonus(),
            deductible,
            0,
            inScopeFen,
            trace);
    long raw = Fen.divideHalfUp(exact, Ratio.SCALE);
    long room = Fen.pos(rules.annualCapFen() - ytd.basicPaidFen());
    long paid = Math.min(raw, room);
    trace.step("-> ").yuan(raw);
    if (paid < raw) {
      trace.step("annual cap ").yuan(rules.annualCapFen()).words(" less ").yuan(ytd.basicPaidFen());
      trace.words(" paid this year leaves ").yuan(room);
    }
    trace.step("pay ").yuan(paid);
    return new Result(inScopeFen, deductible, actDeductible, paid, room - paid, trace);
  }
}
