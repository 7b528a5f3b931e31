package org.yizhan.core.model;

/** Why the engine refuses a claim. The names are the machine-readable codes clients see. */
public enum RejectionCode {
  /** A line's amount is not round(quantity × unit price). */
  AMOUNT_MISMATCH,
  /** A line's quantity is zero or negative. */
  INVALID_QUANTITY,
  /** A line's unit price is negative. */
  INVALID_PRICE,
  /** A line's amount is negative or beyond what we store. */
  INVALID_AMOUNT,
  /** Two lines share a line number. */
  DUPLICATE_LINE,
  /** The claim has no lines. */
  NO_LINES,
  /** The claim has more lines than {@code SettlementEngine.MAX_LINES}. */
  TOO_MANY_LINES,
  /** The discharge date is before the admission date. */
  DATES_OUT_OF_ORDER,
  /** The policy has no deductible and schedule for the hospital's level. */
  UNKNOWN_HOSPITAL_LEVEL,
  /** No policy governs the claim's region, scheme and discharge date. */
  NO_POLICY,
  /** The claim's total is beyond what we store. */
  TOTAL_TOO_LARGE,
  /**
   * A line's item code has no catalogue entry on the discharge date, and the policy or the hospital
   * refuses such lines ({@code UnknownItems.REFUSE}).
   */
  UNKNOWN_ITEM
}
