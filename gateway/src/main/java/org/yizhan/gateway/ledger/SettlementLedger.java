package org.yizhan.gateway.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.yizhan.core.ledger.Drawdown;

/**
 * What a settlement's transaction asks of the prepayment ledger (rules §8), and all it may ask:
 * lock the account that pays a person's assistance, record the drawdown and advance a settlement
 * makes, give them back when it is reversed. Every call runs on the caller's connection, inside its
 * transaction, so the settlement and its ledger movements commit together or not at all.
 *
 * <p>The settlement room depends on this interface alone; how the ledger keeps its accounts and
 * transfers (double entry, the cached balances, the SQL) stays in this package. Locks: the caller
 * locks the person's year figures first, then the account through here, then the audit head.
 */
public interface SettlementLedger {
  /**
   * Locks the account of an office at a hospital, or gives {@code null} when the office has opened
   * none there (a settlement never opens one).
   */
  Future<Account> lock(SqlConnection conn, String officeCode, String hospitalCode);

  /** Locks an existing account by id (the one a settlement drew from). */
  Future<Account> lockById(SqlConnection conn, long accountId);

  /** Records a settlement's drawdown and advance; the account must be locked. */
  Future<Void> drawdown(
      SqlConnection conn,
      Account account,
      Drawdown plan,
      UUID settlementId,
      String actor,
      OffsetDateTime now);

  /** Gives a reversed settlement's drawdown and advance back; the account must be locked. */
  Future<Void> credit(
      SqlConnection conn,
      Account account,
      long drawnFen,
      long advanceFen,
      UUID settlementId,
      String actor,
      OffsetDateTime now);

  /**
   * Locks every existing account of {@code keys} in one statement, in the order of their ids (the
   * one order every batch takes them in); a key without an account is absent from the answer.
   */
  Future<Map<Account.Key, Account>> lockAll(SqlConnection conn, Collection<Account.Key> keys);

  /** A drawdown of a batch: {@code account} as it stood before this settlement's. */
  record Drawn(
      Account account, Drawdown plan, UUID settlementId, String actor, OffsetDateTime at) {}

  /**
   * Records a batch's drawdowns in two statements (their transfers as rows, and each account's
   * balances moved once by the sum); the accounts must be locked.
   */
  Future<Void> drawdowns(SqlConnection conn, List<Drawn> drawn);

  /** The ledger in PostgreSQL, moving money inside the caller's transaction. */
  static SettlementLedger inTransaction() {
    return InTransaction.INSTANCE;
  }

  /** {@link PrepaymentLedger}'s movements behind the interface. */
  enum InTransaction implements SettlementLedger {
    INSTANCE;

    @Override
    public Future<Account> lock(SqlConnection conn, String officeCode, String hospitalCode) {
      return PrepaymentLedger.lock(conn, officeCode, hospitalCode);
    }

    @Override
    public Future<Account> lockById(SqlConnection conn, long accountId) {
      return PrepaymentLedger.lockById(conn, accountId);
    }

    @Override
    public Future<Void> drawdown(
        SqlConnection conn,
        Account account,
        Drawdown plan,
        UUID settlementId,
        String actor,
        OffsetDateTime now) {
      return PrepaymentLedger.drawdown(conn, account, plan, settlementId, actor, now);
    }

    @Override
    public Future<Void> credit(
        SqlConnection conn,
        Account account,
        long drawnFen,
        long advanceFen,
        UUID settlementId,
        String actor,
        OffsetDateTime now) {
      return PrepaymentLedger.credit(conn, account, drawnFen, advanceFen, settlementId, actor, now);
    }

    @Override
    public Future<Map<Account.Key, Account>> lockAll(
        SqlConnection conn, Collection<Account.Key> keys) {
      return PrepaymentLedger.lockAll(conn, keys);
    }

    @Override
    public Future<Void> drawdowns(SqlConnection conn, List<Drawn> drawn) {
      return PrepaymentLedger.drawdowns(conn, drawn);
    }
  }
}
