package org.yizhan.core.policy;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;

/**
 * One policy version: every parameter of the settlement rules for a region, scheme and period.
 * Nothing in the engine is a figure of its own; all of it comes from here.
 *
 * @param id region, scheme and year
 * @param validFrom first discharge date it governs
 * @param validTo last discharge date it governs (inclusive)
 * @param basic basic medical insurance
 * @param criticalIllness critical-illness insurance
 * @param assistance medical assistance (common part)
 * @param identities how each identity tilts the layers; an identity not listed changes nothing
 * @param overallCapRatio when set, the three funds together pay at most round(total × ratio)
 * @param unknownItems what a line whose item code is not in the catalogue does to the claim (a
 *     hospital's own setting, given to the engine, takes precedence)
 * @param outOfPocketLineFen the yearly out-of-pocket (personal pay summed over a person's year), in
 *     fen, above which the oversight figures list a person as a candidate for 因病致贫 identification
 *     (issue 19, item 5); the engine does not use it
 */
public record Policy(
    PolicyId id,
    LocalDate validFrom,
    LocalDate validTo,
    BasicRules basic,
    CriticalIllnessRules criticalIllness,
    AssistanceRules assistance,
    Map<IdentityCategory, IdentityRules> identities,
    Ratio overallCapRatio,
    UnknownItems unknownItems,
    long outOfPocketLineFen) {

  /**
   * The out-of-pocket line when a policy names none: 10,000 yuan a year, about half a rural
   * resident's yearly disposable income in Guangdong, the order of the lines regions set for 因病致贫
   * monitoring.
   */
  public static final long DEFAULT_OUT_OF_POCKET_LINE_FEN = 1_000_000L;

  /** The highest out-of-pocket line a policy may set: 1,000,000 yuan, in fen. */
  public static final long MAX_OUT_OF_POCKET_LINE_FEN = 100_000_000L;

  /** A policy with the {@link #DEFAULT_OUT_OF_POCKET_LINE_FEN default out-of-pocket line}. */
  public Policy(
      PolicyId id,
      LocalDate validFrom,
      LocalDate validTo,
      BasicRules basic,
      CriticalIllnessRules criticalIllness,
      AssistanceRules assistance,
      Map<IdentityCategory, IdentityRules> identities,
      Ratio overallCapRatio,
      UnknownItems unknownItems) {
    this(
        id,
        validFrom,
        validTo,
        basic,
        criticalIllness,
        assistance,
        identities,
        overallCapRatio,
        unknownItems,
        DEFAULT_OUT_OF_POCKET_LINE_FEN);
  }

  public Policy {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(validTo, "validTo");
    Objects.requireNonNull(basic, "basic");
    Objects.requireNonNull(criticalIllness, "criticalIllness");
    Objects.requireNonNull(assistance, "assistance");
    Objects.requireNonNull(identities, "identities");
    Objects.requireNonNull(unknownItems, "unknownItems");
    if (validTo.isBefore(validFrom)) {
      throw new IllegalArgumentException(
          "validTo " + validTo + " is before validFrom " + validFrom);
    }
    identities = identities.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(identities));
    if (overallCapRatio != null && !overallCapRatio.isAtMostOne()) {
      throw new IllegalArgumentException("overallCapRatio: must be at most 1: " + overallCapRatio);
    }
    if (outOfPocketLineFen <= 0 || outOfPocketLineFen > MAX_OUT_OF_POCKET_LINE_FEN) {
      throw new IllegalArgumentException(
          "outOfPocketLine: must be more than 0 and at most "
              + Fen.format(MAX_OUT_OF_POCKET_LINE_FEN)
              + " yuan, got "
              + Fen.format(outOfPocketLineFen));
    }
  }

  /** The identity's tilt, or {@link IdentityRules#NEUTRAL} when the policy lists none for it. */
  public IdentityRules rulesFor(IdentityCategory category) {
    return identities.getOrDefault(category, IdentityRules.NEUTRAL);
  }

  public boolean governs(LocalDate dischargeDate) {
    return !dischargeDate.isBefore(validFrom) && !dischargeDate.isAfter(validTo);
  }
}
