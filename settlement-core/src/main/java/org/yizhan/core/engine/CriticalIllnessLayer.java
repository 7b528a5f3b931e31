package org.yizhan.core.engine;

import java.util.ArrayList;
import java.util.List;
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
  record Result(long baseFen, long paidFen, Long roomFen, List<String> trace) {}

  static Result pay(
      CriticalIllnessRules rules,
      long inScopeFen,
      long preSelfPayFen,
      long basicPaidFen,
      Benefits benefits,
      Accumulators ytd) {
    List<String> trace = new ArrayList<>(6);
    long base = inScopeFen - basicPaidFen + (rules.includePreSelfPay() ? preSelfPayFen : 0);
    long threshold = Fen.times(rules.thresholdFen(), benefits.ciThresholdFactor());
    long before = ytd.ciBaseFen();
    long after = Math.addExact(before, base);
    StringBuilder b = new StringBuilder(128).append("base inScope ");
    Fen.appendTo(b, inScopeFen);
    b.append(" − basic ");
    Fen.appendTo(b, basicPaidFen);
    if (rules.includePreSelfPay()) {
      b.append(" + preSelfPay ");
      Fen.appendTo(b, preSelfPayFen);
    }
    b.append(" = ");
    Fen.appendTo(b, base);
    b.append(", threshold ");
    Fen.appendTo(b, threshold);
    if (!benefits.ciThresholdFactor().equals(Ratio.ONE)) {
      b.append(" (");
      Fen.appendTo(b, rules.thresholdFen());
      b.append(" × ").append(benefits.ciThresholdFactor().toDecimalString()).append(')');
    }
    b.append(", year base ");
    Fen.appendTo(b, before);
    b.append(" → ");
    Fen.appendTo(b, after);
    trace.add(b.toString());

    long exact =
        Schedules.increase(
            rules.schedule(), benefits.ciRatioBonus(), threshold, before, after, trace);
    long raw = Fen.divideHalfUp(exact, Ratio.SCALE);
    StringBuilder c = new StringBuilder(96).append("→ ");
    Fen.appendTo(c, raw);
    Long cap = benefits.ciCapRemoved() ? null : rules.annualCapFen();
    long paid = raw;
    Long room = null;
    if (cap == null) {
      c.append(rules.annualCapFen() == null ? ", no annual cap" : ", annual cap removed");
    } else {
      long left = Fen.pos(cap - ytd.ciPaidFen());
      paid = Math.min(raw, left);
      room = left - paid;
      if (paid < raw) {
        c.append(", annual cap ");
        Fen.appendTo(c, cap);
        c.append(" less ");
        Fen.appendTo(c, ytd.ciPaidFen());
        c.append(" paid this year leaves ");
        Fen.appendTo(c, left);
      }
    }
    c.append(" → pay ");
    Fen.appendTo(c, paid);
    trace.add(c.toString());
    return new Result(base, paid, room, trace);
  }
}
