package org.yizhan.gateway.coverage;

import org.yizhan.core.model.Fen;

/**
 * The share of a person's individual contribution the government pays (资助参保), for one identity
 * category in one policy year and region: a ratio of the contribution (特困 and 低保 usually in full,
 * 10000) or a fixed amount (建档立卡 in some years: e.g. 100 yuan of 320). Money is a {@code long}
 * count of fen; a ratio is a count of 1/10000, so {@code fen × ratio} is exact and rounds once,
 * HALF_UP, to the fen.
 */
public sealed interface SubsidyShare {
  /** The subsidy, fen, of a contribution of {@code contributionFen}: never more than it. */
  long subsidyFen(long contributionFen);

  /** The share as a ratio of the contribution, in 1/10000 (0 to 10000). */
  record Ratio(int perTenThousand) implements SubsidyShare {
    /** 10000: the whole contribution. */
    public static final int WHOLE = 10_000;

    public Ratio {
      if (perTenThousand < 0 || perTenThousand > WHOLE) {
        throw new IllegalArgumentException(
            "ratio must be 0–10000 (1/10000), not " + perTenThousand);
      }
    }

    @Override
    public long subsidyFen(long contributionFen) {
      checkContribution(contributionFen);
      // the core's one rounding of money times a ratio: exact product, HALF_UP once
      return Fen.divideHalfUp(Math.multiplyExact(contributionFen, (long) perTenThousand), WHOLE);
    }
  }

  /** A fixed amount, fen, capped at the contribution (the government never pays more). */
  record Fixed(long fen) implements SubsidyShare {
    public Fixed {
      if (fen < 0) {
        throw new IllegalArgumentException("a fixed subsidy must not be negative: " + fen);
      }
    }

    @Override
    public long subsidyFen(long contributionFen) {
      checkContribution(contributionFen);
      return Math.min(fen, contributionFen);
    }
  }

  private static void checkContribution(long contributionFen) {
    if (contributionFen < 0) {
      throw new IllegalArgumentException("a contribution must not be negative: " + contributionFen);
    }
  }
}
