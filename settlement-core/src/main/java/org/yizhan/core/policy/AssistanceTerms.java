package org.yizhan.core.policy;

import java.util.Objects;
import org.yizhan.core.model.Ratio;

/**
 * What medical assistance pays a person of one identity.
 *
 * @param deductibleFen the annual deductible, in fen, set against the year's assistance base
 * @param ratio the share of the base above the deductible that assistance pays
 * @param annualLimitFen the most paid to a person in a year, in fen, or {@code null} for none
 */
public record AssistanceTerms(long deductibleFen, Ratio ratio, Long annualLimitFen) {
  public AssistanceTerms {
    PolicyChecks.nonNegative(deductibleFen, "deductible");
    Objects.requireNonNull(ratio, "ratio");
    if (!ratio.isAtMostOne()) {
      throw new IllegalArgumentException("ratio: must be at most 1, got " + ratio);
    }
    if (annualLimitFen != null) {
      PolicyChecks.nonNegative(annualLimitFen, "annualLimit");
    }
  }
}
