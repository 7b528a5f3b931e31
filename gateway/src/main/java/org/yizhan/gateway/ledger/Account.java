package org.yizhan.gateway.ledger;

import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.ledger.LedgerAccounts;
import org.yizhan.core.ledger.Movement;
import org.yizhan.core.ledger.PrepaymentMode;

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
    PrepaymentMode mode,
    long balanceFen,
    long advanceOwedFen,
    long lowBalanceThresholdFen,
    String openPeriod) {

  /** The ledger's names of the accounts behind this prepayment. */
  public LedgerAccounts ledgerAccounts() {
    return new LedgerAccounts(officeCode, hospitalCode);
  }

  /**
   * How an assistance payment of {@code maPayFen} is funded from this account (the core's rule).
   *
   * @return the plan: drawn from the balance, advanced by the hospital, or refused
   */
  public Drawdown plan(long maPayFen) {
    return Drawdown.plan(mode, balanceFen, maPayFen);
  }

  /**
   * The account as it stands after a drawdown of {@code plan} (a batch of settlements plans each
   * drawdown on the balance its predecessors left).
   */
  public Account after(Drawdown plan) {
    Movement m = Movement.drawdown(ledgerAccounts(), plan);
    return new Account(
        id,
        officeCode,
        hospitalCode,
        mode,
        balanceFen + m.balanceChangeFen(),
        advanceOwedFen + m.advanceOwedChangeFen(),
        lowBalanceThresholdFen,
        openPeriod);
  }

  /**
   * The account as it stands after a reversal gives back {@code drawnFen} and cancels the advance
   * {@code advanceFen} (a batch decides each member on the balance its predecessors left).
   */
  public Account afterCredit(long drawnFen, long advanceFen) {
    Movement m = Movement.reversal(ledgerAccounts(), drawnFen, advanceFen);
    return new Account(
        id,
        officeCode,
        hospitalCode,
        mode,
        balanceFen + m.balanceChangeFen(),
        advanceOwedFen + m.advanceOwedChangeFen(),
        lowBalanceThresholdFen,
        openPeriod);
  }

  /** Which account: an office's prepayment at a hospital. */
  public record Key(String officeCode, String hospitalCode) {}

  public Key key() {
    return new Key(officeCode, hospitalCode);
  }
}
