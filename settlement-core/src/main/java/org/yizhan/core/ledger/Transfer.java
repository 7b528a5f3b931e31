package org.yizhan.core.ledger;

import java.util.Objects;

/**
 * One immutable ledger entry: {@code amountFen} moves from {@code debitAccount} to {@code
 * creditAccount}.
 *
 * @param kind why the money moves
 * @param debitAccount the account the money leaves
 * @param creditAccount the account the money enters
 * @param amountFen how much, in fen (always positive: a transfer of nothing is not written)
 */
public record Transfer(
    TransferKind kind, String debitAccount, String creditAccount, long amountFen) {
  public Transfer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(debitAccount, "debitAccount");
    Objects.requireNonNull(creditAccount, "creditAccount");
    if (amountFen <= 0) {
      throw new IllegalArgumentException(kind + ": amount must be positive: " + amountFen);
    }
    if (debitAccount.equals(creditAccount)) {
      throw new IllegalArgumentException(
          kind + ": debit and credit are one account: " + debitAccount);
    }
  }

  /** What this transfer does to {@code account}'s balance, in fen. */
  long effectOn(String account) {
    long effect = 0;
    if (creditAccount.equals(account)) {
      effect += amountFen;
    }
    if (debitAccount.equals(account)) {
      effect -= amountFen;
    }
    return effect;
  }
}
