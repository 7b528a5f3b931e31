package org.yizhan.core.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The transfers of one ledger movement and what they do to the prepayment account's cached figures
 * (rules §8).
 *
 * <p>The ledger is double-entry by construction: every movement is a list of transfers between
 * named accounts, and the account row caches two of those accounts' balances (the PREPAY balance
 * and the advance owed, which is minus the ADVANCE account's balance). The constructor checks that
 * the cached changes are exactly what the transfers do, so the cache and the entries cannot drift
 * apart through a movement built here.
 *
 * @param accounts the accounts of the prepayment that moves
 * @param transfers the entries to write, in order (empty when nothing moves)
 * @param balanceChangeFen the change of the PREPAY balance, in fen
 * @param advanceOwedChangeFen the change of what is owed to the hospital, in fen
 */
public record Movement(
    LedgerAccounts accounts,
    List<Transfer> transfers,
    long balanceChangeFen,
    long advanceOwedChangeFen) {

  public Movement {
    Objects.requireNonNull(accounts, "accounts");
    transfers = List.copyOf(transfers);
    long balance = 0;
    long advance = 0;
    for (Transfer t : transfers) {
      balance += t.effectOn(accounts.prepay());
      advance -= t.effectOn(accounts.advance());
    }
    if (balance != balanceChangeFen || advance != advanceOwedChangeFen) {
      throw new IllegalArgumentException(
          "the cached changes "
              + balanceChangeFen
              + ", "
              + advanceOwedChangeFen
              + " are not what the transfers do: "
              + balance
              + ", "
              + advance);
    }
  }

  /** A top-up of {@code amountFen}: FUND → PREPAY. */
  public static Movement topUp(LedgerAccounts accounts, long amountFen) {
    return new Movement(
        accounts,
        List.of(new Transfer(TransferKind.TOP_UP, accounts.fund(), accounts.prepay(), amountFen)),
        amountFen,
        0);
  }

  /**
   * A settlement's assistance as planned: PREPAY → PAID for what the balance covers, ADVANCE → PAID
   * for what the hospital advances; nothing for a refused or empty plan.
   */
  public static Movement drawdown(LedgerAccounts accounts, Drawdown plan) {
    List<Transfer> transfers = new ArrayList<>(2);
    if (plan.drawnFen() > 0) {
      transfers.add(
          new Transfer(TransferKind.DRAWDOWN, accounts.prepay(), accounts.paid(), plan.drawnFen()));
    }
    if (plan.advanceFen() > 0) {
      transfers.add(
          new Transfer(
              TransferKind.ADVANCE, accounts.advance(), accounts.paid(), plan.advanceFen()));
    }
    return new Movement(accounts, transfers, -plan.drawnFen(), plan.advanceFen());
  }

  /**
   * A reversed settlement's drawdown and advance given back: PAID → PREPAY and PAID → ADVANCE.
   *
   * @param drawnFen what the settlement drew from the balance, in fen
   * @param advanceFen what the hospital advanced for it, in fen
   */
  public static Movement reversal(LedgerAccounts accounts, long drawnFen, long advanceFen) {
    if (drawnFen < 0 || advanceFen < 0) {
      throw new IllegalArgumentException(
          "drawn and advance must not be negative: " + drawnFen + ", " + advanceFen);
    }
    List<Transfer> transfers = new ArrayList<>(2);
    if (drawnFen > 0) {
      transfers.add(
          new Transfer(TransferKind.REVERSAL_CREDIT, accounts.paid(), accounts.prepay(), drawnFen));
    }
    if (advanceFen > 0) {
      transfers.add(
          new Transfer(
              TransferKind.ADVANCE_REVERSAL, accounts.paid(), accounts.advance(), advanceFen));
    }
    return new Movement(accounts, transfers, drawnFen, -advanceFen);
  }
}
