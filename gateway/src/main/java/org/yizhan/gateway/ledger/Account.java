package org.yizhan.gateway.ledger;

/**
 * A prepayment account as locked for a movement.
 *
 * @param id the account's id
 * @param officeCode the civil-affairs office that prepays
 * @param hospitalCode the hospital the money is prepaid to
 * @param mode what happens when the balance cannot cover an assistance payment
 * @param balanceFen the prepaid money left
 * @param advanceOwedFen what the hospital advanced and civil affairs owes it
 * @param lowBalanceThresholdFen below this balance the account raises an alert
 * @param openPeriod the period (YYYY-MM) new movements land in
 */
public record Account(
    long id,
    String officeCode,
    String hospitalCode,
    Mode mode,
    long balanceFen,
    long advanceOwedFen,
    long lowBalanceThresholdFen,
    String openPeriod) {

  /** What a settlement does when the balance cannot cover its assistance. */
  public enum Mode {
    /** The settlement goes through; the uncovered part is recorded as owed to the hospital. */
    HOSPITAL_ADVANCE,
    /** Assistance is refused (0, PREPAYMENT_EXHAUSTED) and the patient pays it. */
    REFUSE
  }

  /** The ledger's name of this account's prepaid money. */
  public String prepayAccount() {
    return "PREPAY:" + officeCode + ":" + hospitalCode;
  }

  /** The assistance paid out through this hospital. */
  public String paidAccount() {
    return "PAID:" + officeCode + ":" + hospitalCode;
  }

  /** The hospital's advances (its balance is minus what is owed to the hospital). */
  public String advanceAccount() {
    return "ADVANCE:" + officeCode + ":" + hospitalCode;
  }

  /** Civil affairs' funding source for top-ups. */
  public String fundAccount() {
    return "FUND:" + officeCode;
  }

  /**
   * How an assistance payment of {@code maPayFen} is funded from this account.
   *
   * @return the plan: drawn from the balance, advanced by the hospital, or refused
   */
  public Drawdown plan(long maPayFen) {
    if (maPayFen <= 0) {
      return Drawdown.NONE;
    }
    if (balanceFen >= maPayFen) {
      return new Drawdown(maPayFen, 0, false);
    }
    if (mode == Mode.REFUSE) {
      return new Drawdown(0, 0, true);
    }
    return new Drawdown(balanceFen, maPayFen - balanceFen, false);
  }

  /**
   * How a settlement's assistance was funded.
   *
   * @param drawnFen taken from the prepaid balance
   * @param advanceFen advanced by the hospital (owed to it)
   * @param refused whether assistance was refused for want of balance
   */
  public record Drawdown(long drawnFen, long advanceFen, boolean refused) {
    public static final Drawdown NONE = new Drawdown(0, 0, false);
  }
}
