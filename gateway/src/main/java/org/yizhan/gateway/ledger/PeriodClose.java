package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.ledger.LedgerStatements.ADVANCE_PERIOD;
import static org.yizhan.gateway.ledger.LedgerStatements.INSERT_STATEMENT;
import static org.yizhan.gateway.ledger.LedgerStatements.LAST_STATEMENT;
import static org.yizhan.gateway.ledger.LedgerStatements.PERIOD_ITEMS;
import static org.yizhan.gateway.ledger.LedgerStatements.STATEMENT;
import static org.yizhan.gateway.ledger.LedgerStatements.STATEMENTS;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.ledger.LedgerService.Entry;
import org.yizhan.gateway.ledger.LedgerService.Statement;
import org.yizhan.gateway.ledger.LedgerService.StatementDetail;
import org.yizhan.gateway.ledger.LedgerService.Sums;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * Period clearing (清算) of a prepayment account, for {@link LedgerService}: closing the open period
 * writes its statement (opening balance, the period's sums by kind, closing balance) and moves the
 * account to the next month, in the account's lock; a closed statement and the transfers behind it
 * are read back unchanged. Split from the service for length; the service's public methods delegate
 * here.
 */
final class PeriodClose {
  private final LedgerService ledger;
  private final Pool pool;

  PeriodClose(LedgerService ledger, Pool pool) {
    this.ledger = ledger;
    this.pool = pool;
  }

  /**
   * Closes the account's open period: its statement is written and frozen, and new movements land
   * in the next month. Only the open period can be closed; closing it again is refused (409).
   */
  Future<Statement> close(ManagerPrincipal m, long accountId, String period) {
    if (!ledger.ended(period)) {
      return Future.failedFuture(
          new Refusal(
              Refusal.Kind.CONFLICT,
              "PERIOD_NOT_ENDED",
              "period",
              "period "
                  + period
                  + " has not ended; it can be closed from "
                  + YearMonth.parse(period).plusMonths(1).atDay(1)
                  + " ("
                  + ledger.zone()
                  + ")"));
    }
    return pool.withTransaction(
        conn ->
            ledger
                .lock(conn, m, accountId)
                .compose(
                    a -> {
                      if (!a.openPeriod().equals(period)) {
                        return Future.failedFuture(
                            new Refusal(
                                Refusal.Kind.CONFLICT,
                                "PERIOD_NOT_OPEN",
                                "period",
                                "period "
                                    + period
                                    + " is not the open period; the open period is "
                                    + a.openPeriod()));
                      }
                      Future<Sums> sums = ledger.sums(conn, accountId, period);
                      Future<RowSet<Row>> last =
                          conn.preparedQuery(LAST_STATEMENT).execute(Tuple.of(accountId));
                      return Future.all(sums, last)
                          .compose(x -> write(conn, m, a, period, sums.result(), last.result()));
                    }));
  }

  private Future<Statement> write(
      SqlConnection conn, ManagerPrincipal m, Account a, String period, Sums s, RowSet<Row> last) {
    long opening = last.size() == 0 ? 0 : Sql.fen(last.iterator().next(), "closing_balance");
    long closing = opening + s.balanceFen();
    if (closing != a.balanceFen()) {
      return Future.failedFuture(
          new IllegalStateException(
              "account "
                  + a.id()
                  + ": period "
                  + period
                  + " closes at "
                  + Fen.format(closing)
                  + " but the balance is "
                  + Fen.format(a.balanceFen())));
    }
    OffsetDateTime now = ledger.now();
    String next = YearMonth.parse(period).plusMonths(1).toString();
    return conn.preparedQuery(INSERT_STATEMENT)
        .execute(
            Tuple.tuple()
                .addLong(a.id())
                .addString(period)
                .addValue(Fen.toYuan(opening))
                .addValue(Fen.toYuan(s.topUps()))
                .addValue(Fen.toYuan(s.drawdowns()))
                .addValue(Fen.toYuan(s.reversalCredits()))
                .addValue(Fen.toYuan(s.advances()))
                .addValue(Fen.toYuan(s.advanceReversals()))
                .addValue(Fen.toYuan(closing))
                .addValue(Fen.toYuan(a.advanceOwedFen()))
                .addInteger((int) s.settlements())
                .addOffsetDateTime(now)
                .addString(m.actor()))
        .compose(
            rows -> {
              Statement st = statement(rows.iterator().next());
              return conn.preparedQuery(ADVANCE_PERIOD)
                  .execute(Tuple.of(a.id(), next))
                  .compose(
                      x ->
                          Audit.append(
                              conn,
                              m.actor(),
                              "PERIOD_CLOSE",
                              "account",
                              Long.toString(a.id()),
                              new JsonObject()
                                  .put("period", period)
                                  .put("opening", Fen.format(opening))
                                  .put("closing", Fen.format(closing))
                                  .put("advanceOwed", Fen.format(a.advanceOwedFen()))))
                  .map(x -> st);
            });
  }

  Future<List<Statement>> statements(ManagerPrincipal m, long accountId) {
    return ledger
        .account(m, accountId)
        .compose(a -> pool.preparedQuery(STATEMENTS).execute(Tuple.of(accountId)))
        .map(
            rows -> {
              List<Statement> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(statement(r));
              }
              return out;
            });
  }

  Future<StatementDetail> statement(ManagerPrincipal m, long accountId, String period) {
    return ledger
        .account(m, accountId)
        .compose(
            a -> {
              Future<RowSet<Row>> st =
                  pool.preparedQuery(STATEMENT).execute(Tuple.of(accountId, period));
              Future<RowSet<Row>> items =
                  pool.preparedQuery(PERIOD_ITEMS).execute(Tuple.of(accountId, period));
              return Future.all(st, items);
            })
        .compose(
            x -> {
              RowSet<Row> st = x.resultAt(0);
              RowSet<Row> items = x.resultAt(1);
              if (st.size() == 0) {
                return Future.failedFuture(Refusal.notFound("statement " + period));
              }
              List<Entry> list = new ArrayList<>();
              for (Row r : items) {
                list.add(
                    new Entry(
                        r.getLong("id"),
                        r.getString("kind"),
                        null,
                        null,
                        Sql.fen(r, "amount"),
                        r.getUUID("settlement_id"),
                        r.getString("claim_no"),
                        r.getString("top_up_ref"),
                        period,
                        r.getOffsetDateTime("created_at").toInstant(),
                        null,
                        null,
                        null));
              }
              return Future.succeededFuture(
                  new StatementDetail(statement(st.iterator().next()), list));
            });
  }

  static Statement statement(Row r) {
    return new Statement(
        r.getLong("account_id"),
        r.getString("period"),
        Sql.fen(r, "opening_balance"),
        Sql.fen(r, "top_ups"),
        Sql.fen(r, "drawdowns"),
        Sql.fen(r, "reversal_credits"),
        Sql.fen(r, "advances"),
        Sql.fen(r, "advance_reversals"),
        Sql.fen(r, "closing_balance"),
        Sql.fen(r, "advance_owed"),
        r.getInteger("settlement_count"),
        r.getOffsetDateTime("closed_at").toInstant(),
        r.getString("closed_by"));
  }
}
