package org.yizhan.core.policy;

import java.util.Objects;
import org.yizhan.core.model.Ratio;

/**
 * How one identity tilts each layer. Where a person holds several identities, each figure is taken
 * at its most favourable (lowest factor, highest bonus, cap removed if any removes it).
 *
 * @param basicDeductibleFactor multiplies the basic deductible (0 waives it; 1 = no change)
 * @param basicRatioBonus added to each basic band's ratio (capped at 1)
 * @param ciThresholdFactor multiplies the critical-illness threshold
 * @param ciRatioBonus added to each critical-illness band's ratio (capped at 1)
 * @param ciCapRemoved whether the critical-illness annual cap is lifted
 * @param assistance the assistance terms, or {@code null} when the identity gives none
 */
public record IdentityRules(
    Ratio basicDeductibleFactor,
    Ratio basicRatioBonus,
    Ratio ciThresholdFactor,
    Ratio ciRatioBonus,
    boolean ciCapRemoved,
    AssistanceTerms assistance) {

  /** An identity that changes nothing and gives no assistance. */
  public static final IdentityRules NEUTRAL =
      new IdentityRules(Ratio.ONE, Ratio.ZERO, Ratio.ONE, Ratio.ZERO, false, null);

  public IdentityRules {
    Objects.requireNonNull(basicDeductibleFactor, "basic.deductibleFactor");
    Objects.requireNonNull(basicRatioBonus, "basic.ratioBonus");
    Objects.requireNonNull(ciThresholdFactor, "ci.thresholdFactor");
    Objects.requireNonNull(ciRatioBonus, "ci.ratioBonus");
    if (!basicRatioBonus.isAtMostOne()) {
      throw new IllegalArgumentException("basic.ratioBonus: must be at most 1: " + basicRatioBonus);
    }
    if (!ciRatioBonus.isAtMostOne()) {
      throw new IllegalArgumentException("ci.ratioBonus: must be at most 1: " + ciRatioBonus);
    }
  }
}
