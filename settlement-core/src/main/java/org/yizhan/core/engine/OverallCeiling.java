package org.yizhan.core.engine;

import java.util.List;
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
      List<String> basicTrace,
      List<String> ciTrace,
      List<String> maTrace) {
    long ceiling = Fen.times(totalFen, ratio);
    long excess = basic + ci + ma - ceiling;
    if (excess <= 0) {
      return new long[] {basic, ci, ma};
    }
    String why =
        "overall ceiling "
            + Fen.format(totalFen)
            + " × "
            + ratio.toPercentString()
            + " = "
            + Fen.format(ceiling);
    long fromMa = Math.min(excess, ma);
    excess -= fromMa;
    long fromCi = Math.min(excess, ci);
    excess -= fromCi;
    long fromBasic = Math.min(excess, basic);
    note(maTrace, why, fromMa, ma);
    note(ciTrace, why, fromCi, ci);
    note(basicTrace, why, fromBasic, basic);
    return new long[] {basic - fromBasic, ci - fromCi, ma - fromMa};
  }

  private static void note(List<String> trace, String why, long taken, long paid) {
    if (taken > 0) {
      trace.add(why + ": " + Fen.format(taken) + " taken back → pay " + Fen.format(paid - taken));
    }
  }
}
