package org.yizhan.core.model;

/**
 * A person's year-to-date figures (累计信息) for one calendar year, in fen. Every settlement adds its
 * {@link AccumulatorDelta}; a reversal subtracts the same delta. None is ever negative.
 *
 * @param year the calendar year
 * @param basicPaidFen basic insurance paid this year (against {@code basic.annualCap})
 * @param deductiblePaidFen deductibles borne this year (act_pay_dedc summed)
 * @param admissionsLevel1 settled, non-reversed admissions at level-1 hospitals
 * @param admissionsLevel2 … at level-2 hospitals
 * @param admissionsLevel3 … at level-3 hospitals
 * @param ciBaseFen the critical-illness base accumulated this year
 * @param ciPaidFen critical-illness insurance paid this year
 * @param maBaseFen the medical-assistance base accumulated this year
 * @param maPaidFen medical assistance paid this year
 */
public record Accumulators(
    int year,
    long basicPaidFen,
    long deductiblePaidFen,
    int admissionsLevel1,
    int admissionsLevel2,
    int admissionsLevel3,
    long ciBaseFen,
    long ciPaidFen,
    long maBaseFen,
    long maPaidFen) {

  public Accumulators {
    if (basicPaidFen < 0
        || deductiblePaidFen < 0
        || admissionsLevel1 < 0
        || admissionsLevel2 < 0
        || admissionsLevel3 < 0
        || ciBaseFen < 0
        || ciPaidFen < 0
        || maBaseFen < 0
        || maPaidFen < 0) {
      throw new IllegalArgumentException(
          "accumulators of "
              + year
              + " must not be negative: basic "
              + basicPaidFen
              + ", ded "
              + deductiblePaidFen
              + ", ci "
              + ciBaseFen
              + "/"
              + ciPaidFen
              + ", ma "
              + maBaseFen
              + "/"
              + maPaidFen);
    }
  }

  public static Accumulators zero(int year) {
    return new Accumulators(year, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** Settled, non-reversed admissions this year at hospitals of {@code level} (1–3). */
  public int admissionsAt(int level) {
    switch (level) {
      case 1:
        return admissionsLevel1;
      case 2:
        return admissionsLevel2;
      case 3:
        return admissionsLevel3;
      default:
        throw new IllegalArgumentException("hospital level must be 1, 2 or 3: " + level);
    }
  }

  /** These figures after a settlement's delta. */
  public Accumulators plus(AccumulatorDelta d) {
    if (d.year() != year) {
      throw new IllegalArgumentException("delta of " + d.year() + " applied to " + year);
    }
    return new Accumulators(
        year,
        Math.addExact(basicPaidFen, d.basicPaidFen()),
        Math.addExact(deductiblePaidFen, d.deductiblePaidFen()),
        admissionsLevel1 + (d.hospitalLevel() == 1 ? d.admissions() : 0),
        admissionsLevel2 + (d.hospitalLevel() == 2 ? d.admissions() : 0),
        admissionsLevel3 + (d.hospitalLevel() == 3 ? d.admissions() : 0),
        Math.addExact(ciBaseFen, d.ciBaseFen()),
        Math.addExact(ciPaidFen, d.ciPaidFen()),
        Math.addExact(maBaseFen, d.maBaseFen()),
        Math.addExact(maPaidFen, d.maPaidFen()));
  }

  /** These figures with a settlement's delta taken back (a reversal). */
  public Accumulators minus(AccumulatorDelta d) {
    return plus(d.negate());
  }
}
