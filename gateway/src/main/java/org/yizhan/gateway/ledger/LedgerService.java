package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.store.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.store.schema.Tables.LEDGER_TRANSFER;
import static org.yizhan.gateway.store.schema.Tables.PERIOD_STATEMENT;
import static org.yizhan.gateway.store.schema.Tables.PREPAYMENT_ACCOUNT;
import static org.yizhan.gateway.store.schema.Tables.SETTLEMENT;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
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
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.http.ApiError;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.store.Sql;

/**
 * The prepayment ledger as civil-affairs managers see it: their office's accounts, top-ups, the
 * entries, the check that each balance is the sum of its entries, drawdowns per day, and period
 * clearing (清算).
 *
 * <p>Every account of another office is "not found". Every change locks the account row first, as
 * settlements do, so balances never race and a period is closed between two movements, never across
 * one. A closed period's statement is a frozen row, and the transfers behind it never change
 * (transfers are immutable and each is stamped with the period open when it was written), so a
 * reversal after closing lands in the next period.
 */
public final class LedgerService {
  private static final Field<BigDecimal> AMOUNT = LEDGER_TRANSFER.AMOUNT;

  static final String ACCOUNTS =
      Sql.render(
          Sql.dsl()
              .select(PREPAYMENT_ACCOUNT.fields())
              .select(HOSPITAL.NAME.as("hospital_name"))
              .from(PREPAYMENT_ACCOUNT)
              .join(HOSPITAL)
              .on(HOSPITAL.CODE.eq(PREPAYMENT_ACCOUNT.HOSPITAL_CODE))
              .where(PREPAYMENT_ACCOUNT.OFFICE_CODE.eq(Sql.p(1, PREPAYMENT_ACCOUNT.OFFICE_CODE)))
              .orderBy(PREPAYMENT_ACCOUNT.HOSPITAL_CODE));

  static final String ALL_ACCOUNTS =
      Sql.render(
          Sql.dsl()
              .select(
                  PREPAYMENT_ACCOUNT.OFFICE_CODE,
                  PREPAYMENT_ACCOUNT.HOSPITAL_CODE,
                  PREPAYMENT_ACCOUNT.BALANCE,
                  PREPAYMENT_ACCOUNT.ADVANCE_OWED,
                  PREPAYMENT_ACCOUNT.LOW_BALANCE_THRESHOLD)
              .from(PREPAYMENT_ACCOUNT));

  static final String LOCK_OFFICE_ACCOUNT =
      Sql.render(
          Sql.dsl()
              .select(PrepaymentLedger.ACCOUNT_COLUMNS)
              .from(PREPAYMENT_ACCOUNT)
              .where(PREPAYMENT_ACCOUNT.ID.eq(Sql.p(1, PREPAYMENT_ACCOUNT.ID)))
              .and(PREPAYMENT_ACCOUNT.OFFICE_CODE.eq(Sql.p(2, PREPAYMENT_ACCOUNT.OFFICE_CODE)))
              .forUpdate());

  static final String HOSPITAL_EXISTS =
      Sql.render(
          Sql.dsl().selectCount().from(HOSPITAL).where(HOSPITAL.CODE.eq(Sql.p(1, HOSPITAL.CODE))));

  static final String UPDATE_SETTINGS =
      Sql.render(
          Sql.dsl()
              .update(PREPAYMENT_ACCOUNT)
              .set(PREPAYMENT_ACCOUNT.MODE, Sql.p(2, PREPAYMENT_ACCOUNT.MODE))
              .set(
                  PREPAYMENT_ACCOUNT.LOW_BALANCE_THRESHOLD,
                  Sql.p(3, PREPAYMENT_ACCOUNT.LOW_BALANCE_THRESHOLD))
              .where(PREPAYMENT_ACCOUNT.ID.eq(Sql.p(1, PREPAYMENT_ACCOUNT.ID))));

  static final String FIND_TOP_UP =
      Sql.render(
          Sql.dsl()
              .select(LEDGER_TRANSFER.ID, LEDGER_TRANSFER.AMOUNT)
              .from(LEDGER_TRANSFER)
              .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
              .and(LEDGER_TRANSFER.TOP_UP_REF.eq(Sql.p(2, LEDGER_TRANSFER.TOP_UP_REF))));

  /** Entries of an account: $2 kind or null, $3 first day or null, $4 last day or null, $5 zone. */
  private static final Condition ENTRY_FILTER =
      LEDGER_TRANSFER
          .ACCOUNT_ID
          .eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID))
          .and(
              DSL.cast(DSL.param("2", String.class), SQLDataType.VARCHAR)
                  .isNull()
                  .or(LEDGER_TRANSFER.KIND.eq(DSL.param("2", String.class))))
          .and(
              DSL.cast(DSL.param("3", LocalDate.class), SQLDataType.LOCALDATE)
                  .isNull()
                  .or(localDay(5).ge(DSL.param("3", LocalDate.class))))
          .and(
              DSL.cast(DSL.param("4", LocalDate.class), SQLDataType.LOCALDATE)
                  .isNull()
                  .or(localDay(5).le(DSL.param("4", LocalDate.class))));

  static final String ENTRIES =
      Sql.render(
          Sql.dsl()
              .select(LEDGER_TRANSFER.fields())
              .select(SETTLEMENT.CLAIM_NO)
              .from(LEDGER_TRANSFER)
              .leftJoin(SETTLEMENT)
              .on(SETTLEMENT.ID.eq(LEDGER_TRANSFER.SETTLEMENT_ID))
              .where(ENTRY_FILTER)
              .orderBy(LEDGER_TRANSFER.ID.desc())
              .limit(DSL.param("6", Integer.class))
              .offset(DSL.param("7", Integer.class)));

  static final String ENTRY_COUNT =
      Sql.render(Sql.dsl().selectCount().from(LEDGER_TRANSFER).where(ENTRY_FILTER));

  /** Sums of an account's transfers by kind, over all periods ($2 null) or one period ($2). */
  static final String SUMS =
      Sql.render(
          Sql.dsl()
              .select(
                  sumOf("TOP_UP"),
                  sumOf("DRAWDOWN"),
                  sumOf("REVERSAL_CREDIT"),
                  sumOf("ADVANCE"),
                  sumOf("ADVANCE_REVERSAL"),
                  DSL.countDistinct(LEDGER_TRANSFER.SETTLEMENT_ID).as("settlements"))
              .from(LEDGER_TRANSFER)
              .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
              .and(
                  DSL.cast(DSL.param("2", String.class), SQLDataType.VARCHAR)
                      .isNull()
                      .or(LEDGER_TRANSFER.PERIOD.eq(DSL.param("2", String.class)))));

  static final String DAILY =
      Sql.render(
          Sql.dsl()
              .select(
                  localDay(3).as("day"),
                  sumOf("TOP_UP"),
                  sumOf("DRAWDOWN"),
                  sumOf("REVERSAL_CREDIT"),
                  sumOf("ADVANCE"))
              .from(LEDGER_TRANSFER)
              .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
              .and(localDay(3).ge(DSL.param("2", LocalDate.class)))
              .groupBy(DSL.field("1"))
              .orderBy(DSL.field("1")));

  static final String LAST_STATEMENT =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERIOD_STATEMENT)
              .where(PERIOD_STATEMENT.ACCOUNT_ID.eq(Sql.p(1, PERIOD_STATEMENT.ACCOUNT_ID)))
              .orderBy(PERIOD_STATEMENT.PERIOD.desc())
              .limit(DSL.inline(1)));

  static final String STATEMENTS =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERIOD_STATEMENT)
              .where(PERIOD_STATEMENT.ACCOUNT_ID.eq(Sql.p(1, PERIOD_STATEMENT.ACCOUNT_ID)))
              .orderBy(PERIOD_STATEMENT.PERIOD.desc()));

  static final String STATEMENT =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERIOD_STATEMENT)
              .where(PERIOD_STATEMENT.ACCOUNT_ID.eq(Sql.p(1, PERIOD_STATEMENT.ACCOUNT_ID)))
              .and(PERIOD_STATEMENT.PERIOD.eq(Sql.p(2, PERIOD_STATEMENT.PERIOD))));

  static final String INSERT_STATEMENT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  PERIOD_STATEMENT,
                  PERIOD_STATEMENT.ACCOUNT_ID,
                  PERIOD_STATEMENT.PERIOD,
                  PERIOD_STATEMENT.OPENING_BALANCE,
                  PERIOD_STATEMENT.TOP_UPS,
                  PERIOD_STATEMENT.DRAWDOWNS,
                  PERIOD_STATEMENT.REVERSAL_CREDITS,
                  PERIOD_STATEMENT.ADVANCES,
                  PERIOD_STATEMENT.ADVANCE_REVERSALS,
                  PERIOD_STATEMENT.CLOSING_BALANCE,
                  PERIOD_STATEMENT.ADVANCE_OWED,
                  PERIOD_STATEMENT.SETTLEMENT_COUNT,
                  PERIOD_STATEMENT.CLOSED_AT,
                  PERIOD_STATEMENT.CLOSED_BY)
              .values(
                  Sql.p(1, PERIOD_STATEMENT.ACCOUNT_ID),
                  Sql.p(2, PERIOD_STATEMENT.PERIOD),
                  Sql.p(3, PERIOD_STATEMENT.OPENING_BALANCE),
                  Sql.p(4, PERIOD_STATEMENT.TOP_UPS),
                  Sql.p(5, PERIOD_STATEMENT.DRAWDOWNS),
                  Sql.p(6, PERIOD_STATEMENT.REVERSAL_CREDITS),
                  Sql.p(7, PERIOD_STATEMENT.ADVANCES),
                  Sql.p(8, PERIOD_STATEMENT.ADVANCE_REVERSALS),
                  Sql.p(9, PERIOD_STATEMENT.CLOSING_BALANCE),
                  Sql.p(10, PERIOD_STATEMENT.ADVANCE_OWED),
                  Sql.p(11, PERIOD_STATEMENT.SETTLEMENT_COUNT),
                  Sql.p(12, PERIOD_STATEMENT.CLOSED_AT),
                  Sql.p(13, PERIOD_STATEMENT.CLOSED_BY))
              .returning(PERIOD_STATEMENT.fields()));

  static final String ADVANCE_PERIOD =
      Sql.render(
          Sql.dsl()
              .update(PREPAYMENT_ACCOUNT)
              .set(PREPAYMENT_ACCOUNT.OPEN_PERIOD, Sql.p(2, PREPAYMENT_ACCOUNT.OPEN_PERIOD))
              .where(PREPAYMENT_ACCOUNT.ID.eq(Sql.p(1, PREPAYMENT_ACCOUNT.ID))));

  /** The transfers of one period with their settlements, for a statement's list. */
  static final String PERIOD_ITEMS =
      Sql.render(
          Sql.dsl()
              .select(
                  LEDGER_TRANSFER.ID,
                  LEDGER_TRANSFER.KIND,
                  LEDGER_TRANSFER.AMOUNT,
                  LEDGER_TRANSFER.CREATED_AT,
                  LEDGER_TRANSFER.TOP_UP_REF,
                  LEDGER_TRANSFER.SETTLEMENT_ID,
                  SETTLEMENT.CLAIM_NO,
                  SETTLEMENT.PERSON_ID_NO,
                  SETTLEMENT.SETTLED_ON,
                  SETTLEMENT.TOTAL)
              .from(LEDGER_TRANSFER)
              .leftJoin(SETTLEMENT)
              .on(SETTLEMENT.ID.eq(LEDGER_TRANSFER.SETTLEMENT_ID))
              .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
              .and(LEDGER_TRANSFER.PERIOD.eq(Sql.p(2, LEDGER_TRANSFER.PERIOD)))
              .orderBy(LEDGER_TRANSFER.ID));

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;

  public LedgerService(Pool pool, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
  }

  /** The local day of a transfer in the zone given as parameter {@code $zoneParam}. */
  private static Field<LocalDate> localDay(int zoneParam) {
    return DSL.field(
        "({0} AT TIME ZONE {1})::date",
        LocalDate.class,
        LEDGER_TRANSFER.CREATED_AT,
        DSL.param(Integer.toString(zoneParam), String.class));
  }

  private static Field<BigDecimal> sumOf(String kind) {
    return DSL.coalesce(
            DSL.sum(AMOUNT).filterWhere(LEDGER_TRANSFER.KIND.eq(DSL.inline(kind))),
            DSL.inline(BigDecimal.ZERO))
        .as(kind.toLowerCase());
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
                            ApiError.invalid("hospitalCode", "is not a registered hospital"));
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
                                          new ApiError(
                                              409,
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

  private Future<Account> lock(SqlConnection conn, ManagerPrincipal m, long accountId) {
    return conn.preparedQuery(LOCK_OFFICE_ACCOUNT)
        .execute(Tuple.of(accountId, m.officeCode()))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(ApiError.notFound("account"))
                    : Future.succeededFuture(PrepaymentLedger.account(rows.iterator().next())));
  }

  /** An account of the manager's office, not locked; 404 for another office's. */
  public Future<Account> account(ManagerPrincipal m, long accountId) {
    return pool.withTransaction(conn -> lock(conn, m, accountId));
  }

  /** One ledger entry, with the claim number of its settlement if any. */
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
      String createdBy) {}

  public record EntryPage(List<Entry> items, int page, int size, long total) {}

  public Future<EntryPage> entries(
      ManagerPrincipal m,
      long accountId,
      String kind,
      LocalDate from,
      LocalDate to,
      int page,
      int size) {
    return account(m, accountId)
        .compose(
            a -> {
              Tuple filter = Tuple.of(accountId, kind, from, to, zone.getId());
              Future<RowSet<Row>> count = pool.preparedQuery(ENTRY_COUNT).execute(filter);
              Future<RowSet<Row>> rows =
                  pool.preparedQuery(ENTRIES)
                      .execute(
                          Tuple.of(
                              accountId, kind, from, to, zone.getId(), size, (page - 1) * size));
              return Future.all(count, rows)
                  .map(
                      x -> {
                        List<Entry> items = new ArrayList<>();
                        for (Row r : rows.result()) {
                          items.add(entry(r));
                        }
                        return new EntryPage(
                            items, page, size, count.result().iterator().next().getLong(0));
                      });
            });
  }

  static Entry entry(Row r) {
    return new Entry(
        r.getLong("id"),
        r.getString("kind"),
        r.getString("debit_account"),
        r.getString("credit_account"),
        Sql.fen(r, "amount"),
        r.getUUID("settlement_id"),
        r.getString("claim_no"),
        r.getString("top_up_ref"),
        r.getString("period"),
        r.getOffsetDateTime("created_at").toInstant(),
        r.getString("created_by"));
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

  private Future<Sums> sums(SqlConnection conn, long accountId, String period) {
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

  /** One day of an account's movements, in fen. */
  public record Day(
      LocalDate day, long topUps, long drawdowns, long reversalCredits, long advances) {}

  public Future<List<Day>> daily(ManagerPrincipal m, long accountId, LocalDate from) {
    return account(m, accountId)
        .compose(a -> pool.preparedQuery(DAILY).execute(Tuple.of(accountId, from, zone.getId())))
        .map(
            rows -> {
              List<Day> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Day(
                        r.getLocalDate("day"),
                        Sql.fen(r, "top_up"),
                        Sql.fen(r, "drawdown"),
                        Sql.fen(r, "reversal_credit"),
                        Sql.fen(r, "advance")));
              }
              return out;
            });
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
    if (!ended(period)) {
      return Future.failedFuture(
          new ApiError(
              409,
              "PERIOD_NOT_ENDED",
              "period",
              "period "
                  + period
                  + " has not ended; it can be closed from "
                  + YearMonth.parse(period).plusMonths(1).atDay(1)
                  + " ("
                  + zone
                  + ")"));
    }
    return pool.withTransaction(
        conn ->
            lock(conn, m, accountId)
                .compose(
                    a -> {
                      if (!a.openPeriod().equals(period)) {
                        return Future.failedFuture(
                            new ApiError(
                                409,
                                "PERIOD_NOT_OPEN",
                                "period",
                                "period "
                                    + period
                                    + " is not the open period; the open period is "
                                    + a.openPeriod()));
                      }
                      Future<Sums> sums = sums(conn, accountId, period);
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
    OffsetDateTime now = now();
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

  public Future<List<Statement>> statements(ManagerPrincipal m, long accountId) {
    return account(m, accountId)
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

  /** A statement with the transfers behind it. */
  public record StatementDetail(Statement statement, List<Entry> items) {}

  public Future<StatementDetail> statement(ManagerPrincipal m, long accountId, String period) {
    return account(m, accountId)
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
                return Future.failedFuture(ApiError.notFound("statement " + period));
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
