package org.yizhan.core.policy;

import java.util.Objects;

/**
 * Critical-illness insurance (大病保险, rules §4): annual and cumulative.
 *
 * @param fundCode the national fund code, e.g. 390200
 * @param thresholdFen the annual threshold (起付线), in fen
 * @param schedule bands over the year's cumulative base
 * @param annualCapFen the most paid to a person in a year, in fen, or {@code null} for no cap
 * @param includePreSelfPay whether the base includes the B items' pre-self-pay share
 */
public record CriticalIllnessRules(
    String fundCode,
    long thresholdFen,
    Schedule schedule,
    Long annualCapFen,
    boolean includePreSelfPay) {

  public CriticalIllnessRules {
    PolicyChecks.fundCode(fundCode, "fundCode");
    PolicyChecks.nonNegative(thresholdFen, "threshold");
    Objects.requireNonNull(schedule, "schedule");
    if (annualCapFen != null) {
      PolicyChecks.nonNegative(annualCapFen, "annualCap");
    }
  }
}
