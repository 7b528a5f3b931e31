package org.yizhan.core.ledger;

/** The kinds of ledger transfer (the database's {@code ledger_transfer.kind}). */
public enum TransferKind {
  /** FUND → PREPAY: civil affairs prepays the hospital. */
  TOP_UP,
  /** PREPAY → PAID: a settlement's assistance drawn from the balance. */
  DRAWDOWN,
  /** ADVANCE → PAID: the part of a settlement's assistance the hospital advanced. */
  ADVANCE,
  /** PAID → PREPAY: a reversed settlement's drawdown given back. */
  REVERSAL_CREDIT,
  /** PAID → ADVANCE: a reversed settlement's advance given back. */
  ADVANCE_REVERSAL
}
