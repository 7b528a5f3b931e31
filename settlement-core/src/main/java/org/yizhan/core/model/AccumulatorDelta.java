package org.yizhan.core.model;

/**
 * What one settlement adds to the person's year-to-date figures, in fen. The caller applies it in
 * the same transaction as the settlement; a reversal applies its {@link #negate() negation}, so a
 * settle-then-reverse leaves the figures exactly as they were.
 *
 * @param year the calendar year the figures belong to
 * @param basicPaidFen basic insurance paid
 * @param deductiblePaidFen deductible borne
 * @param hospitalLevel the level whose admission count changes
 * @param admissions +1 for a settlement, −1 for its reversal
 * @param ciBaseFen critical-illness base
 * @param ciPaidFen critical-illness insurance paid
 * @param maBaseFen medical-assistance base
 * @param maPaidFen medical assistance paid
 */
public record AccumulatorDelta(
    int year,
    long basicPaidFen,
    long deductiblePaidFen,
    int hospitalLevel,
    int admissions,
    long ciBaseFen,
    long ciPaidFen,
    long maBaseFen,
    long maPaidFen) {

  public AccumulatorDelta {
    if (hospitalLevel < 1 || hospitalLevel > 3) {
      throw new IllegalArgumentException("hospital level must be 1, 2 or 3: " + hospitalLevel);
    }
  }

  /** The delta a reversal applies: every figure negated. */
  public AccumulatorDelta negate() {
    return new AccumulatorDelta(
        year,
        -basicPaidFen,
        -deductiblePaidFen,
        hospitalLevel,
        -admissions,
        -ciBaseFen,
        -ciPaidFen,
        -maBaseFen,
        -maPaidFen);
  }
}
