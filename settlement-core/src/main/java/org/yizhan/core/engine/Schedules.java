package org.yizhan.core.engine;

import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.policy.Band;
import org.yizhan.core.policy.Schedule;

/**
 * The schedule function of rules §2, {@code F(x; T) = Σ ratio × pos(min(x, upTo) − max(T, from))},
 * in the one form both layers need: the increase {@code F(b1; T) − F(b0; T)}.
 *
 * <p>Because F is piecewise linear and increasing, that increase is, band by band, the ratio times
 * the length of {@code [max(T, from), upTo] ∩ [b0, b1]}. The basic layer asks for {@code b0 = 0, b1
 * = inScope}; the critical-illness layer for the year's base before and after the admission. The
 * sum is kept exact in 1/10000 fen and rounded once by the caller.
 */
final class Schedules {
  private Schedules() {}

  /**
   * The increase of F from {@code b0} to {@code b1} over threshold {@code t}, each band's ratio
   * raised by {@code bonus} (capped at 1), in 1/10000 fen; writes one "band lo-hi x r = amount"
   * step per band that contributes.
   */
  static long increase(Schedule schedule, Ratio bonus, long t, long b0, long b1, Trace trace) {
    long sum = 0;
    long from = 0;
    for (Band band : schedule.bands()) {
      long upTo = band.isOpen() ? Long.MAX_VALUE : band.upToFen();
      long lo = Math.max(Math.max(t, from), b0);
      long hi = Math.min(upTo, b1);
      if (hi > lo) {
        Ratio ratio = band.ratio().plusCappedAtOne(bonus);
        long part = Math.multiplyExact(hi - lo, (long) ratio.perTenThousand());
        sum = Math.addExact(sum, part);
        trace
            .step("band ")
            .yuan(lo)
            .words("-")
            .yuan(hi)
            .words(" x ")
            .percent(ratio)
            .words(" = ")
            .yuan(Fen.divideHalfUp(part, Ratio.SCALE));
      }
      if (band.isOpen() || band.upToFen() >= b1) {
        break;
      }
      from = upTo;
    }
    return sum;
  }
}
