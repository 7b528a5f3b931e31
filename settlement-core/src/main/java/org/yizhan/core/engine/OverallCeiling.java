package org.yizhan.core.engine;

import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;

/**
 * The optional overall ceiling (rules §6): the three funds together pay at most {@code round(total
 * × ratio)}. The excess is taken back from assistance first, then critical illness; should basic
 * alone pass the ceiling (a ratio below basic's own share), from basic last, so that the ceiling
 * always holds.
 */
final class OverallCeiling {
  private OverallCeiling() {}

  /** The three payments after the ceiling, in paying order: basic, critical illness, assistance. */
  static long[] apply(
      Ratio ratio,
      long totalFen,
      long basic,
      long ci,
      long ma,
      Trace basicTrace,
      Trace ciTrace,
      Trace maTrace) {
    long ceiling = Fen.times(totalFen, ratio);
    long excess = basic + ci + ma - ceiling;
    if (excess <= 0) {
      return new long[] {basic, ci, ma};
    }
    long fromMa = Math.min(excess, ma);
    excess -= fromMa;
    long fromCi = Math.min(excess, ci);
    excess -= fromCi;
    long fromBasic = Math.min(excess, basic);
    note(maTrace, ratio, totalFen, ceiling, fromMa, ma);
    note(ciTrace, ratio, totalFen, ceiling, fromCi, ci);
    note(basicTrace, ratio, totalFen, ceiling, fromBasic, basic);
    return new long[] {basic - fromBasic, ci - fromCi, ma - fromMa};
  }

  private static void note(
      Trace trace, Ratio ratio, long totalFen, long ceiling, long taken, long paid) {
    if (taken > 0) {
      trace.step("overall ceiling ").yuan(totalFen).words(" x ").percent(ratio).words(" = ");
      trace.yuan(ceiling).words(": ").yuan(taken).words(" taken back, pay ").yuan(paid - taken);
    }
  }
}
