package org.yizhan.core.policy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.yizhan.core.model.IdentityCategory;

/**
 * Basic medical insurance (基本医保 统筹, rules §3).
 *
 * @param fundCode the national fund code, e.g. 390100
 * @param deductibleFenByLevel the deductible per admission by hospital level (1–3), in fen
 * @param scheduleByLevel the payment schedule by hospital level
 * @param annualCapFen the most the fund pays a person in a year, in fen
 * @param waiveOnReadmission identities whose deductible is waived on a readmission at the same
 *     level
 */
public record BasicRules(
    String fundCode,
    Map<Integer, Long> deductibleFenByLevel,
    Map<Integer, Schedule> scheduleByLevel,
    long annualCapFen,
    Set<IdentityCategory> waiveOnReadmission) {

  public BasicRules {
    PolicyChecks.fundCode(fundCode, "fundCode");
    Objects.requireNonNull(deductibleFenByLevel, "deductible");
    Objects.requireNonNull(scheduleByLevel, "ratio");
    deductibleFenByLevel = Map.copyOf(new TreeMap<>(deductibleFenByLevel));
    scheduleByLevel = Map.copyOf(new TreeMap<>(scheduleByLevel));
    waiveOnReadmission =
        waiveOnReadmission.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(waiveOnReadmission));
    if (deductibleFenByLevel.isEmpty()) {
      throw new IllegalArgumentException("deductible: at least one hospital level is needed");
    }
    for (Map.Entry<Integer, Long> d : deductibleFenByLevel.entrySet()) {
      PolicyChecks.level(d.getKey(), "deductible");
      PolicyChecks.nonNegative(d.getValue(), "deductible." + d.getKey());
    }
    for (Integer level : scheduleByLevel.keySet()) {
      PolicyChecks.level(level, "ratio");
    }
    if (!deductibleFenByLevel.keySet().equals(scheduleByLevel.keySet())) {
      throw new IllegalArgumentException(
          "ratio: levels "
              + new TreeMap<>(scheduleByLevel).keySet()
              + " must match the deductible's levels "
              + new TreeMap<>(deductibleFenByLevel).keySet());
    }
    PolicyChecks.nonNegative(annualCapFen, "annualCap");
  }

  public boolean coversLevel(int level) {
    return deductibleFenByLevel.containsKey(level);
  }
}
