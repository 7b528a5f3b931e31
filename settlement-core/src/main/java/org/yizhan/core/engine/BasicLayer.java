package org.yizhan.core.engine;

import java.util.ArrayList;
import java.util.List;
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
      List<String> trace) {}

  static Result pay(
      BasicRules rules, int level, long inScopeFen, Benefits benefits, Accumulators ytd) {
    List<String> trace = new ArrayList<>(6);
    long listed = rules.deductibleFenByLevel().get(level);
    long deductible = Fen.times(listed, benefits.basicDeductibleFactor());
    StringBuilder d = new StringBuilder(96).append("inScope ");
    Fen.appendTo(d, inScopeFen);
    d.append(", deductible ");
    Fen.appendTo(d, deductible);
    d.append(" (level ").append(level);
    if (!benefits.basicDeductibleFactor().equals(Ratio.ONE)) {
      d.append(": ");
      Fen.appendTo(d, listed);
      d.append(" × ").append(benefits.basicDeductibleFactor().toDecimalString());
    }
    if (deductible > 0 && benefits.waiveOnReadmission() && ytd.admissionsAt(level) > 0) {
      deductible = 0;
      d.append(", waived: readmission at level ").append(level);
    }
    trace.add(d.append(')').toString());
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
    StringBuilder c = new StringBuilder(96).append("→ ");
    Fen.appendTo(c, raw);
    if (paid < raw) {
      c.append(", annual cap ");
      Fen.appendTo(c, rules.annualCapFen());
      c.append(" less ");
      Fen.appendTo(c, ytd.basicPaidFen());
      c.append(" paid this year leaves ");
      Fen.appendTo(c, room);
    }
    c.append(" → pay ");
    Fen.appendTo(c, paid);
    trace.add(c.toString());
    return new Result(inScopeFen, deductible, actDeductible, paid, room - paid, trace);
  }
}
