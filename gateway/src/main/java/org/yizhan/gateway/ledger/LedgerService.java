package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.ledger.LedgerStatements.ACCOUNTS;
import static org.yizhan.gateway.ledger.LedgerStatements.ALL_ACCOUNTS;
import static org.yizhan.gateway.ledger.LedgerStatements.FIND_TOP_UP;
import static org.yizhan.gateway.ledger.LedgerStatements.HOSPITAL_EXISTS;
import static org.yizhan.gateway.ledger.LedgerStatements.LOCK_OFFICE_ACCOUNT;
import static org.yizhan.gateway.ledger.LedgerStatements.SUMS;
import static org.yizhan.gateway.ledger.LedgerStatements.UPDATE_SETTINGS;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The prepayment ledger as civil-affairs managers see it: their office's accounts, top-ups, the
 * entries (with who was paid and the balance each left), the check that each balance is the sum of
 * its entries, drawdowns per day (per account, and per hospital for the office), the run-out
 * forecast, and period clearing (清算). The reads behind the pictures are {@link LedgerReads}'s,
 * period clearing {@link PeriodClose}'s.
 *
 * <p>Every account of another office is "not found". Every change locks the account row first, as
 * settlements do, so balances never race and a period is closed between two movements, never across
 * one. A closed period's statement is a frozen row, and the transfers behind it never change
 * (transfers are immutable and each is stamped with the period open when it was written), so a
 * reversal after closing lands in the next period.
 */
public final class LedgerService {
  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;
  private final PeriodClose periods;
  private final LedgerReads reads;

  public LedgerService(Pool pool, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.periods = new PeriodClose(this, pool);
    this.reads = new LedgerReads(pool, zone);
  }

  /** An account as a manager sees it. */
  public record AccountView(Account account, String hospitalName) {
    public boolean lowBalance() {
      return account.balanceFen() < account.lowBalanceThresholdFen();
    }
  }

  public Future<List<AccountView>> accounts(ManagerPrincipal m) {
    return pool.preparedQuery(ACCOUNTS)
        .execute(Tuple.of(m.officeCode()))
        .map(
            rows -> {
              List<AccountView> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(new AccountView(PrepaymentLedger.account(r), r.getString("hospital_name")));
              }
              return out;
            });
  }

  /** Every account's balance and threshold, for the metrics. */
  public record Balance(
      String officeCode,
      String hospitalCode,
      long balanceFen,
      long advanceOwedFen,
      long thresholdFen) {}

  public Future<List<Balance>> balances() {
    return pool.preparedQuery(ALL_ACCOUNTS)
        .execute()
        .map(
            rows -> {
              List<Balance> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Balance(
                        r.getString("office_code"),
                        r.getString("hospital_code"),
                        Sql.fen(r, "balance"),
                        Sql.fen(r, "advance_owed"),
                        Sql.fen(r, "low_balance_threshold")));
              }
              return out;
            });
  }

  /** Opens the office's account at a hospital (or returns the one there is). */
  public Future<Account> open(ManagerPrincipal m, String hospitalCode) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(HOSPITAL_EXISTS)
                .execute(Tuple.of(hospitalCode))
                .compose(
                    rows -> {
                      if (rows.iterator().next().getLong(0) == 0) {
                        return Future.failedFuture(
                            Refusal.invalid("hospitalCode", "is not a registered hospital"));
                      }
                      return PrepaymentLedger.lockOrOpen(
                          conn, m.officeCode(), hospitalCode, currentPeriod(), now());
                    })
                .compose(
                    found ->
                        !found.opened()
                            ? Future.succeededFuture(found.account())
                            : Audit.append(
                                    conn,
                                    m.actor(),
                                    "ACCOUNT_OPEN",
                                    "account",
                                    Long.toString(found.account().id()),
                                    new JsonObject()
                                        .put("office", m.officeCode())
                                        .put("hospital", hospitalCode))
                                .map(found.account())));
  }

  /** Changes an account's mode and low-balance threshold. */
  public Future<Account> settings(
      ManagerPrincipal m, long accountId, PrepaymentMode mode, long thresholdFen) {
    return pool.withTransaction(
        conn ->
            lock(conn, m, accountId)
                .compose(
                    a ->
                        conn.preparedQuery(UPDATE_SETTINGS)
                            .execute(Tuple.of(accountId, mode.name(), Fen.toYuan(thresholdFen)))
                            .compose(
                                x ->
                                    Audit.append(
                                        conn,
                                        m.actor(),
                                        "ACCOUNT_SETTINGS",
                                        "account",
                                        Long.toString(accountId),
                                        new JsonObject()
                                            .put("mode", mode.name())
                                            .put("lowBalanceThreshold", Fen.format(thresholdFen))))
                            .compose(x -> PrepaymentLedger.lockById(conn, accountId))));
  }

  /** A top-up and whether it was made now or found made before with this reference. */
  public record TopUp(long transferId, long amountFen, boolean replayed, Account account) {}

  /** Tops up an account; the same reference again replays, with another amount is refused. */
  public Future<TopUp> topUp(ManagerPrincipal m, long accountId, String reference, long amountFen) {
    return pool.withTransaction(
        conn ->
            lock(conn, m, accountId)
                .compose(
                    a ->
                        conn.preparedQuery(FIND_TOP_UP)
                            .execute(Tuple.of(accountId, reference))
                            .compose(
                                rows -> {
                                  if (rows.size() > 0) {
                                    Row r = rows.iterator().next();
                                    long before = Sql.fen(r, "amount");
                                    if (before != amountFen) {
                                      return Future.failedFuture(
                                          new Refusal(
                                              Refusal.Kind.CONFLICT,
                                              "TOP_UP_CONFLICT",
                                              "reference",
                                              "reference "
                                                  + reference
                                                  + " was used for a top-up of "
                                                  + Fen.format(before)));
                                    }
                                    return Future.succeededFuture(
                                        new TopUp(r.getLong("id"), before, true, a));
                                  }
                                  return PrepaymentLedger.topUp(
                                          conn, a, reference, amountFen, m.actor(), now())
                                      .compose(
                                          id ->
                                              Audit.append(
                                                      conn,
                                                      m.actor(),
                                                      "TOP_UP",
                                                      "account",
                                                      Long.toString(accountId),
                                                      new JsonObject()
                                                          .put("reference", reference)
                                                          .put("amount", Fen.format(amountFen)))
                                                  .compose(
                                                      x ->
                                                          PrepaymentLedger.lockById(
                                                              conn, accountId))
                                                  .map(
                                                      after ->
                                                          new TopUp(id, amountFen, false, after)));
                                })));
  }

  Future<Account> lock(SqlConnection conn, ManagerPrincipal m, long accountId) {
    return conn.preparedQuery(LOCK_OFFICE_ACCOUNT)
        .execute(Tuple.of(accountId, m.officeCode()))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(Refusal.notFound("account"))
                    : Future.succeededFuture(PrepaymentLedger.account(rows.iterator().next())));
  }

  /** An account of the manager's office, not locked; 404 for another office's. */
  public Future<Account> account(ManagerPrincipal m, long accountId) {
    return pool.withTransaction(conn -> lock(conn, m, accountId));
  }

  /**
   * One ledger entry: with the balance it left ({@code balanceAfterFen}, null in a statement's
   * list) and, for a settlement's movement, who was paid ({@code paid}, else null).
   */
  public record Entry(
      long id,
      String kind,
      String debitAccount,
      String creditAccount,
      long amountFen,
      UUID settlementId,
      String claimNo,
      String topUpRef,
      String period,
      Instant createdAt,
      String createdBy,
      Long balanceAfterFen,
      Paid paid) {}

  /**
   * Who a settlement's movement paid for, and where: the person (ID number full for the clerk of
   * the person's managing office, else masked: {@code fullIdNo} says which), their name as the
   * hospital sent it, the hospital and the discharge date.
   */
  public record Paid(
      String personIdNo,
      boolean fullIdNo,
      String personName,
      String hospitalCode,
      String hospitalName,
      LocalDate dischargeDate) {}

  public record EntryPage(List<Entry> items, int page, int size, long total) {}

  /**
   * A page of the account's entries, newest first, each with its running balance and who was paid.
   * A page that shows a full ID number is audited (who, which account, which page) before it is
   * answered.
   */
  public Future<EntryPage> entries(
      ManagerPrincipal m,
      long accountId,
      String kind,
      LocalDate from,
      LocalDate to,
      int page,
      int size) {
    return account(m, accountId)
        .compose(a -> reads.entries(m, accountId, kind, from, to, page, size));
  }

  /** Sums by kind, in fen. */
  public record Sums(
      long topUps,
      long drawdowns,
      long reversalCredits,
      long advances,
      long advanceReversals,
      long settlements) {
    /** The prepaid balance these transfers leave: credits to PREPAY less debits from it. */
    public long balanceFen() {
      return topUps - drawdowns + reversalCredits;
    }

    public long advanceOwedFen() {
      return advances - advanceReversals;
    }
  }

  Future<Sums> sums(SqlConnection conn, long accountId, String period) {
    return conn.preparedQuery(SUMS)
        .execute(Tuple.of(accountId, period))
        .map(rows -> sums(rows.iterator().next()));
  }

  static Sums sums(Row r) {
    return new Sums(
        Sql.fen(r, "top_up"),
        Sql.fen(r, "drawdown"),
        Sql.fen(r, "reversal_credit"),
        Sql.fen(r, "advance"),
        Sql.fen(r, "advance_reversal"),
        r.getLong("settlements"));
  }

  /** The check that the account's cached balance and advance equal the sums of its entries. */
  public record Verification(Account account, Sums sums) {
    public boolean balanced() {
      return account.balanceFen() == sums.balanceFen()
          && account.advanceOwedFen() == sums.advanceOwedFen();
    }
  }

  public Future<Verification> verify(ManagerPrincipal m, long accountId) {
    return pool.withTransaction(
        conn ->
            lock(conn, m, accountId)
                .compose(a -> sums(conn, accountId, null).map(s -> new Verification(a, s))));
  }

  /** One day of an account's movements, in fen, and the balance it closed at. */
  public record Day(
      LocalDate day,
      long topUps,
      long drawdowns,
      long reversalCredits,
      long advances,
      long advanceReversals,
      long closingBalanceFen) {}

  /**
   * The account's days from {@code from} with movements (days without are absent), and the balance
   * before {@code from} ({@code openingFen}) from which a day without movement carries on.
   */
  public record Days(Account account, LocalDate from, long openingFen, List<Day> days) {}

  public Future<Days> daily(ManagerPrincipal m, long accountId, LocalDate from) {
    return account(m, accountId).compose(a -> reads.daily(a, from));
  }

  /** One hospital's drawdowns and advances (net of their reversals) on one day, in fen. */
  public record HospitalDay(
      LocalDate day,
      String hospitalCode,
      String hospitalName,
      long drawdownsFen,
      long advancesFen) {}

  /**
   * The office's drawdowns and advances per day and hospital from {@code from}, over its accounts.
   */
  public Future<List<HospitalDay>> officeDaily(ManagerPrincipal m, LocalDate from) {
    return reads.officeDaily(m, from);
  }

  /** The account's run-out forecast at the pace of the last 30 days ({@link Forecast}), today. */
  public Future<Forecast> forecast(ManagerPrincipal m, long accountId) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    return account(m, accountId).compose(a -> reads.forecast(a, today));
  }

  /** A closed period's statement. */
  public record Statement(
      long accountId,
      String period,
      long openingFen,
      long topUpsFen,
      long drawdownsFen,
      long reversalCreditsFen,
      long advancesFen,
      long advanceReversalsFen,
      long closingFen,
      long advanceOwedFen,
      int settlementCount,
      Instant closedAt,
      String closedBy) {}

  /**
   * Closes the account's open period: its statement is written and frozen, and new movements land
   * in the next month. Only the open period can be closed; closing it again is refused (409).
   */
  public Future<Statement> close(ManagerPrincipal m, long accountId, String period) {
    return periods.close(m, accountId, period);
  }

  /** The account's closed periods' statements. */
  public Future<List<Statement>> statements(ManagerPrincipal m, long accountId) {
    return periods.statements(m, accountId);
  }

  /** A statement with the transfers behind it. */
  public record StatementDetail(Statement statement, List<Entry> items) {}

  /** A closed period's statement with the transfers behind it. */
  public Future<StatementDetail> statement(ManagerPrincipal m, long accountId, String period) {
    return periods.statement(m, accountId, period);
  }

  /**
   * Whether {@code period} (yyyy-MM) has ended: its last day is over in the gateway's zone
   * (Asia/Shanghai), by the injected clock. Only an ended period may be closed, else a drawdown
   * later in the month would land in the next period.
   */
  public boolean ended(String period) {
    return YearMonth.parse(period).isBefore(YearMonth.parse(currentPeriod()));
  }

  String currentPeriod() {
    return YearMonth.from(LocalDate.now(clock.withZone(zone))).toString();
  }

  OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  public ZoneId zone() {
    return zone;
  }
}
