package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.infra.db.schema.Tables.LEDGER_TRANSFER;
import static org.yizhan.gateway.infra.db.schema.Tables.PREPAYMENT_ACCOUNT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.ledger.Movement;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.ledger.Transfer;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.MultiRow;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The prepayment ledger's movements inside a caller's transaction (rules §8).
 *
 * <p>Every movement is an immutable transfer from one named account to another (the core's {@link
 * Movement} builds them), so the ledger is double-entry by construction: a top-up moves FUND →
 * PREPAY, a settlement's assistance moves PREPAY → PAID (drawdown) and, for what the balance cannot
 * cover, ADVANCE → PAID (the hospital's advance); a reversal moves them back. The account row
 * caches the PREPAY balance and the advance owed; it is locked ({@code FOR UPDATE}, via an upsert)
 * before any movement, so balances never race, and a check recomputes both from the transfers.
 */
final class PrepaymentLedger {
  static final Field<?>[] ACCOUNT_COLUMNS = {
    PREPAYMENT_ACCOUNT.ID,
    PREPAYMENT_ACCOUNT.OFFICE_CODE,
    PREPAYMENT_ACCOUNT.HOSPITAL_CODE,
    PREPAYMENT_ACCOUNT.MODE,
    PREPAYMENT_ACCOUNT.BALANCE,
    PREPAYMENT_ACCOUNT.ADVANCE_OWED,
    PREPAYMENT_ACCOUNT.LOW_BALANCE_THRESHOLD,
    PREPAYMENT_ACCOUNT.OPEN_PERIOD
  };

  /** The account's columns and whether the upsert inserted the row (xmax is 0 only then). */
  private static Field<?>[] withOpened() {
    Field<?>[] columns = Arrays.copyOf(ACCOUNT_COLUMNS, ACCOUNT_COLUMNS.length + 1);
    columns[ACCOUNT_COLUMNS.length] = DSL.field("xmax = 0", Boolean.class).as("opened");
    return columns;
  }

  static final String LOCK_ACCOUNT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  PREPAYMENT_ACCOUNT,
                  PREPAYMENT_ACCOUNT.OFFICE_CODE,
                  PREPAYMENT_ACCOUNT.HOSPITAL_CODE,
                  PREPAYMENT_ACCOUNT.OPEN_PERIOD,
                  PREPAYMENT_ACCOUNT.CREATED_AT)
              .values(
                  Sql.p(1, PREPAYMENT_ACCOUNT.OFFICE_CODE),
                  Sql.p(2, PREPAYMENT_ACCOUNT.HOSPITAL_CODE),
                  Sql.p(3, PREPAYMENT_ACCOUNT.OPEN_PERIOD),
                  Sql.p(4, PREPAYMENT_ACCOUNT.CREATED_AT))
              .onConflict(PREPAYMENT_ACCOUNT.OFFICE_CODE, PREPAYMENT_ACCOUNT.HOSPITAL_CODE)
              .doUpdate()
              .set(PREPAYMENT_ACCOUNT.OFFICE_CODE, DSL.excluded(PREPAYMENT_ACCOUNT.OFFICE_CODE))
              .returning(withOpened()));

  static final String LOCK_EXISTING =
      Sql.render(
          Sql.dsl()
              .select(ACCOUNT_COLUMNS)
              .from(PREPAYMENT_ACCOUNT)
              .where(PREPAYMENT_ACCOUNT.OFFICE_CODE.eq(Sql.p(1, PREPAYMENT_ACCOUNT.OFFICE_CODE)))
              .and(PREPAYMENT_ACCOUNT.HOSPITAL_CODE.eq(Sql.p(2, PREPAYMENT_ACCOUNT.HOSPITAL_CODE)))
              .forUpdate());

  static final String LOCK_ACCOUNT_BY_ID =
      Sql.render(
          Sql.dsl()
              .select(ACCOUNT_COLUMNS)
              .from(PREPAYMENT_ACCOUNT)
              .where(PREPAYMENT_ACCOUNT.ID.eq(Sql.p(1, PREPAYMENT_ACCOUNT.ID)))
              .forUpdate());

  static final String INSERT_TRANSFERS =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  LEDGER_TRANSFER,
                  LEDGER_TRANSFER.ACCOUNT_ID,
                  LEDGER_TRANSFER.KIND,
                  LEDGER_TRANSFER.DEBIT_ACCOUNT,
                  LEDGER_TRANSFER.CREDIT_ACCOUNT,
                  LEDGER_TRANSFER.AMOUNT,
                  LEDGER_TRANSFER.SETTLEMENT_ID,
                  LEDGER_TRANSFER.TOP_UP_REF,
                  LEDGER_TRANSFER.PERIOD,
                  LEDGER_TRANSFER.CREATED_AT,
                  LEDGER_TRANSFER.CREATED_BY)
              .select(
                  DSL.select(
                          Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID),
                          DSL.field("t.kind", String.class),
                          DSL.field("t.debit", String.class),
                          DSL.field("t.credit", String.class),
                          DSL.field("t.amount", BigDecimal.class),
                          Sql.p(2, LEDGER_TRANSFER.SETTLEMENT_ID),
                          Sql.p(3, LEDGER_TRANSFER.TOP_UP_REF),
                          Sql.p(4, LEDGER_TRANSFER.PERIOD),
                          Sql.p(5, LEDGER_TRANSFER.CREATED_AT),
                          Sql.p(6, LEDGER_TRANSFER.CREATED_BY))
                      .from(
                          Sql.unnest(
                              "t (kind, debit, credit, amount)",
                              Sql.array(7, "varchar"),
                              Sql.array(8, "varchar"),
                              Sql.array(9, "varchar"),
                              Sql.array(10, "numeric")))));

  static final String TOP_UP_ID =
      Sql.render(
          Sql.dsl()
              .select(LEDGER_TRANSFER.ID)
              .from(LEDGER_TRANSFER)
              .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
              .and(LEDGER_TRANSFER.TOP_UP_REF.eq(Sql.p(2, LEDGER_TRANSFER.TOP_UP_REF))));

  static final String MOVE_BALANCES =
      Sql.render(
          Sql.dsl()
              .update(PREPAYMENT_ACCOUNT)
              .set(
                  PREPAYMENT_ACCOUNT.BALANCE,
                  PREPAYMENT_ACCOUNT.BALANCE.plus(Sql.p(2, PREPAYMENT_ACCOUNT.BALANCE)))
              .set(
                  PREPAYMENT_ACCOUNT.ADVANCE_OWED,
                  PREPAYMENT_ACCOUNT.ADVANCE_OWED.plus(Sql.p(3, PREPAYMENT_ACCOUNT.ADVANCE_OWED)))
              .where(PREPAYMENT_ACCOUNT.ID.eq(Sql.p(1, PREPAYMENT_ACCOUNT.ID))));

  /**
   * Locks the accounts of many (office, hospital) pairs, $1 and $2 parallel arrays, in the order of
   * their ids: {@code FOR UPDATE} locks rows as the sort emits them, so every batch takes the
   * accounts it shares with another in the same order.
   */
  static final String LOCK_ALL_EXISTING =
      Sql.render(
          Sql.dsl()
              .select(ACCOUNT_COLUMNS)
              .from(PREPAYMENT_ACCOUNT)
              .where(
                  DSL.row(PREPAYMENT_ACCOUNT.OFFICE_CODE, PREPAYMENT_ACCOUNT.HOSPITAL_CODE)
                      .in(
                          DSL.select(
                                  DSL.field("k.office", String.class),
                                  DSL.field("k.hospital", String.class))
                              .from(
                                  Sql.unnest(
                                      "k (office, hospital)",
                                      Sql.array(1, "varchar"),
                                      Sql.array(2, "varchar")))))
              .orderBy(PREPAYMENT_ACCOUNT.ID)
              .forUpdate());

  /** A transfer's columns, in the order of {@link #INSERT_TRANSFER_ROWS}' arrays. */
  static final Field<?>[] TRANSFER_COLUMNS = {
    LEDGER_TRANSFER.ACCOUNT_ID,
    LEDGER_TRANSFER.KIND,
    LEDGER_TRANSFER.DEBIT_ACCOUNT,
    LEDGER_TRANSFER.CREDIT_ACCOUNT,
    LEDGER_TRANSFER.AMOUNT,
    LEDGER_TRANSFER.SETTLEMENT_ID,
    LEDGER_TRANSFER.TOP_UP_REF,
    LEDGER_TRANSFER.PERIOD,
    LEDGER_TRANSFER.CREATED_AT,
    LEDGER_TRANSFER.CREATED_BY
  };

  static final String INSERT_TRANSFER_ROWS = MultiRow.insert(TRANSFER_COLUMNS);

  private PrepaymentLedger() {}

  /** Locks the existing accounts of {@code keys}; see {@link #LOCK_ALL_EXISTING}. */
  static Future<Map<Account.Key, Account>> lockAll(
      SqlConnection conn, Collection<Account.Key> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String[] offices = new String[keys.size()];
    String[] hospitals = new String[keys.size()];
    int i = 0;
    for (Account.Key k : keys) {
      offices[i] = k.officeCode();
      hospitals[i++] = k.hospitalCode();
    }
    return conn.preparedQuery(LOCK_ALL_EXISTING)
        .execute(Tuple.tuple().addArrayOfString(offices).addArrayOfString(hospitals))
        .map(
            rows -> {
              Map<Account.Key, Account> found = new HashMap<>();
              for (Row r : rows) {
                Account a = account(r);
                found.put(a.key(), a);
              }
              return found;
            });
  }

  /**
   * A batch's drawdowns: every transfer in one multi-row INSERT, then each account's balance and
   * advance moved once by the batch's sum (in the order of the accounts' ids).
   */
  static Future<Void> drawdowns(SqlConnection conn, List<SettlementLedger.Drawn> drawn) {
    List<Tuple> rows = new ArrayList<>();
    Map<Long, long[]> moved = new LinkedHashMap<>();
    for (SettlementLedger.Drawn d : drawn) {
      Account a = d.account();
      Movement m = Movement.drawdown(a.ledgerAccounts(), d.plan());
      for (Transfer t : m.transfers()) {
        rows.add(
            Tuple.tuple()
                .addLong(a.id())
                .addString(t.kind().name())
                .addString(t.debitAccount())
                .addString(t.creditAccount())
                .addValue(Fen.toYuan(t.amountFen()))
                .addUUID(d.settlementId())
                .addString(null)
                .addString(a.openPeriod())
                .addOffsetDateTime(d.at())
                .addString(d.actor()));
      }
      long[] sum = moved.computeIfAbsent(a.id(), id -> new long[2]);
      sum[0] += m.balanceChangeFen();
      sum[1] += m.advanceOwedChangeFen();
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> moves = new ArrayList<>(moved.size());
    moved.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                moves.add(
                    Tuple.of(
                        e.getKey(), Fen.toYuan(e.getValue()[0]), Fen.toYuan(e.getValue()[1]))));
    Future<?> insert =
        conn.preparedQuery(INSERT_TRANSFER_ROWS)
            .execute(MultiRow.columns(rows, TRANSFER_COLUMNS.length));
    Future<?> move = conn.preparedQuery(MOVE_BALANCES).executeBatch(moves);
    return Future.all(insert, move).mapEmpty();
  }

  /**
   * Locks the account of an office at a hospital, or gives {@code null} when the office has opened
   * none there. A settlement never opens an account: only the office's manager does ({@link
   * #lockOrOpen}), so no office ever owes a hospital it has no agreement with.
   */
  public static Future<Account> lock(SqlConnection conn, String officeCode, String hospitalCode) {
    return conn.preparedQuery(LOCK_EXISTING)
        .execute(Tuple.of(officeCode, hospitalCode))
        .map(rows -> rows.size() == 0 ? null : account(rows.iterator().next()));
  }

  /** An account found or opened, and whether this transaction opened it. */
  public record Found(Account account, boolean opened) {}

  /** {@link #lock}, telling whether the account was opened now. */
  public static Future<Found> lockOrOpen(
      SqlConnection conn,
      String officeCode,
      String hospitalCode,
      String period,
      OffsetDateTime now) {
    return conn.preparedQuery(LOCK_ACCOUNT)
        .execute(Tuple.of(officeCode, hospitalCode, period, now))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Found(account(r), r.getBoolean("opened"));
            });
  }

  /** Locks an existing account by id. */
  public static Future<Account> lockById(SqlConnection conn, long accountId) {
    return conn.preparedQuery(LOCK_ACCOUNT_BY_ID)
        .execute(Tuple.of(accountId))
        .map(rows -> account(rows.iterator().next()));
  }

  public static Account account(Row r) {
    return new Account(
        r.getLong("id"),
        r.getString("office_code"),
        r.getString("hospital_code"),
        PrepaymentMode.valueOf(r.getString("mode")),
        Sql.fen(r, "balance"),
        Sql.fen(r, "advance_owed"),
        Sql.fen(r, "low_balance_threshold"),
        r.getString("open_period"));
  }

  /** Records a settlement's drawdown and advance; the account must be locked. */
  public static Future<Void> drawdown(
      SqlConnection conn,
      Account account,
      Drawdown plan,
      UUID settlementId,
      String actor,
      OffsetDateTime now) {
    return write(
        conn,
        account,
        Movement.drawdown(account.ledgerAccounts(), plan),
        settlementId,
        null,
        actor,
        now);
  }

  /** Records a top-up FUND → PREPAY; the account must be locked. Returns the transfer id. */
  public static Future<Long> topUp(
      SqlConnection conn,
      Account account,
      String reference,
      long amountFen,
      String actor,
      OffsetDateTime now) {
    Movement m = Movement.topUp(account.ledgerAccounts(), amountFen);
    return write(conn, account, m, null, reference, actor, now)
        .compose(
            v ->
                conn.preparedQuery(TOP_UP_ID)
                    .execute(Tuple.of(account.id(), reference))
                    .map(rows -> rows.iterator().next().getLong(0)));
  }

  /** Gives a reversed settlement's drawdown and advance back; the account must be locked. */
  public static Future<Void> credit(
      SqlConnection conn,
      Account account,
      long drawnFen,
      long advanceFen,
      UUID settlementId,
      String actor,
      OffsetDateTime now) {
    Movement m = Movement.reversal(account.ledgerAccounts(), drawnFen, advanceFen);
    return write(conn, account, m, settlementId, null, actor, now);
  }

  private static Future<Void> write(
      SqlConnection conn,
      Account account,
      Movement m,
      UUID settlementId,
      String topUpRef,
      String actor,
      OffsetDateTime now) {
    List<Transfer> t = m.transfers();
    if (t.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] kinds = new String[t.size()];
    String[] debits = new String[t.size()];
    String[] credits = new String[t.size()];
    BigDecimal[] amounts = new BigDecimal[t.size()];
    for (int i = 0; i < t.size(); i++) {
      kinds[i] = t.get(i).kind().name();
      debits[i] = t.get(i).debitAccount();
      credits[i] = t.get(i).creditAccount();
      amounts[i] = Fen.toYuan(t.get(i).amountFen());
    }
    Future<?> insert =
        conn.preparedQuery(INSERT_TRANSFERS)
            .execute(
                Tuple.tuple()
                    .addLong(account.id())
                    .addUUID(settlementId)
                    .addString(topUpRef)
                    .addString(account.openPeriod())
                    .addOffsetDateTime(now)
                    .addString(actor)
                    .addArrayOfString(kinds)
                    .addArrayOfString(debits)
                    .addArrayOfString(credits)
                    .addArrayOfBigDecimal(amounts));
    Future<?> move =
        conn.preparedQuery(MOVE_BALANCES)
            .execute(
                Tuple.of(
                    account.id(),
                    Fen.toYuan(m.balanceChangeFen()),
                    Fen.toYuan(m.advanceOwedChangeFen())));
    return Future.all(insert, move).mapEmpty();
  }
}
