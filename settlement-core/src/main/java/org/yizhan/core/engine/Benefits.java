package org.yizhan.core.engine;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.policy.AssistanceTerms;
import org.yizhan.core.policy.IdentityRules;
import org.yizhan.core.policy.Policy;

/**
 * The most favourable tilt of each layer among the identities that count on the discharge date
 * (rules §0, §3–§5), and the identities that qualify for assistance. Only a confirmed identity in
 * force counts, for every layer; an unconfirmed one is skipped as if it were not held.
 *
 * @param basicDeductibleFactor lowest factor among identities that count (1 when none)
 * @param basicRatioBonus highest bonus (0 when none)
 * @param waiveOnReadmission whether an identity in force is listed in basic.waiveOnReadmission
 * @param ciThresholdFactor lowest factor (1 when none)
 * @param ciRatioBonus highest bonus (0 when none)
 * @param ciCapRemoved whether any identity in force removes the cap
 * @param assistanceTerms the terms of each qualifying identity, in tie order
 */
record Benefits(
    Ratio basicDeductibleFactor,
    Ratio basicRatioBonus,
    boolean waiveOnReadmission,
    Ratio ciThresholdFactor,
    Ratio ciRatioBonus,
    boolean ciCapRemoved,
    Map<IdentityCategory, AssistanceTerms> assistanceTerms) {

  static Benefits of(Policy policy, List<Identity> identities, LocalDate discharge) {
    Ratio deductibleFactor = null;
    Ratio basicBonus = Ratio.ZERO;
    boolean waive = false;
    Ratio thresholdFactor = null;
    Ratio ciBonus = Ratio.ZERO;
    boolean capRemoved = false;
    Map<IdentityCategory, AssistanceTerms> terms = new EnumMap<>(IdentityCategory.class);
    for (Identity identity : identities) {
      if (!identity.countsOn(discharge)) {
        continue;
      }
      IdentityRules rules = policy.rulesFor(identity.category());
      deductibleFactor =
          deductibleFactor == null
              ? rules.basicDeductibleFactor()
              : Ratio.min(deductibleFactor, rules.basicDeductibleFactor());
      basicBonus = Ratio.max(basicBonus, rules.basicRatioBonus());
      waive |= policy.basic().waiveOnReadmission().contains(identity.category());
      thresholdFactor =
          thresholdFactor == null
              ? rules.ciThresholdFactor()
              : Ratio.min(thresholdFactor, rules.ciThresholdFactor());
      ciBonus = Ratio.max(ciBonus, rules.ciRatioBonus());
      capRemoved |= rules.ciCapRemoved();
      if (rules.assistance() != null && identity.grantsAssistanceOn(discharge)) {
        terms.put(identity.category(), rules.assistance());
      }
    }
    return new Benefits(
        deductibleFactor == null ? Ratio.ONE : deductibleFactor,
        basicBonus,
        waive,
        thresholdFactor == null ? Ratio.ONE : thresholdFactor,
        ciBonus,
        capRemoved,
        terms);
  }
}
