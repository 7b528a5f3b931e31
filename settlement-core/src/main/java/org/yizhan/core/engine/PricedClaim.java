package org.yizhan.core.engine;

import java.util.List;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Rejection;

/** The outcome of pricing the lines: all of them classified, or the first bad one named. */
sealed interface PricedClaim permits PricedClaim.Priced, PricedClaim.Refused {

  /** The lines classified against the catalogue (rules §1), with the four sums. */
  record Priced(
      List<LinePricing> lines,
      long totalFen,
      long fullOwnPayFen,
      long overLimitFen,
      long preSelfPayFen,
      long inScopeFen)
      implements PricedClaim {}

  /** A line failed a check. */
  record Refused(Rejection rejection) implements PricedClaim {}
}
