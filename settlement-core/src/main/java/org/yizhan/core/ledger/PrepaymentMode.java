package org.yizhan.core.ledger;

/** What a settlement does when the prepaid balance cannot cover its assistance (rules §8). */
public enum PrepaymentMode {
  /** The settlement goes through; the uncovered part is recorded as owed to the hospital. */
  HOSPITAL_ADVANCE,
  /** Assistance is refused (0, PREPAYMENT_EXHAUSTED) and the patient pays it. */
  REFUSE
}
