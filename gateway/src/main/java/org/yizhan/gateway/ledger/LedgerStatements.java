package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM;
import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.infra.db.schema.Tables.LEDGER_TRANSFER;
import static org.yizhan.gateway.infra.db.schema.Tables.PERIOD_STATEMENT;
import static org.yizhan.gateway.infra.db.schema.Tables.PREPAYMENT_ACCOUNT;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The SQL of the managers' ledger ({@link LedgerService}), rendered once at class load from the
 * generated schema: accounts, top-ups, entries and their sums, days, statements and the period's
 * advance. The movements of a settlement are {@link PrepaymentLedger}'s.
 */
final class LedgerStatements {
  private LedgerStatements() {}

  static final Field<BigDecimal> AMOUNT = LEDGER_TRANSFER.AMOUNT;

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
  static final Condition ENTRY_FILTER =
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

  /**
   * What a transfer does to the prepaid balance: a top-up and a reversal credit add to it, a
   * drawdown takes from it; an advance and its reversal move what is owed to the hospital, not the
   * balance (the same rule as {@link LedgerService.Sums#balanceFen}).
   */
  static final Field<BigDecimal> BALANCE_EFFECT =
      DSL.when(LEDGER_TRANSFER.KIND.in(DSL.inline("TOP_UP"), DSL.inline("REVERSAL_CREDIT")), AMOUNT)
          .when(LEDGER_TRANSFER.KIND.eq(DSL.inline("DRAWDOWN")), AMOUNT.neg())
          .otherwise(DSL.inline(BigDecimal.ZERO));

  /**
   * The account's transfers, each with the balance it left ({@code balance_after}): a running sum
   * over all the account's transfers in id order (the order the account's lock wrote them in),
   * computed before any filter or page, so a page shows the same balances whichever filter or page
   * it is. The subquery keeps the table's name, so the filter reads it as the table.
   */
  static final org.jooq.Table<?> WITH_BALANCE =
      Sql.dsl()
          .select(LEDGER_TRANSFER.fields())
          .select(DSL.sum(BALANCE_EFFECT).over(DSL.orderBy(LEDGER_TRANSFER.ID)).as("balance_after"))
          .from(LEDGER_TRANSFER)
          .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
          .asTable(LEDGER_TRANSFER.getName());

  /**
   * A page of entries with who was paid: the settlement's claim number, hospital and discharge
   * date, the person's ID number, name and managing office (the claim's as the hospital sent it).
   */
  static final String ENTRIES =
      Sql.render(
          Sql.dsl()
              .select(WITH_BALANCE.fields())
              .select(
                  SETTLEMENT.CLAIM_NO,
                  SETTLEMENT.PERSON_ID_NO,
                  SETTLEMENT.OFFICE_CODE.as("person_office"),
                  SETTLEMENT.HOSPITAL_CODE.as("settlement_hospital"),
                  HOSPITAL.NAME.as("hospital_name"),
                  CLAIM.PERSON_NAME,
                  CLAIM.DISCHARGE_DATE)
              .from(WITH_BALANCE)
              .leftJoin(SETTLEMENT)
              .on(SETTLEMENT.ID.eq(LEDGER_TRANSFER.SETTLEMENT_ID))
              .leftJoin(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .leftJoin(HOSPITAL)
              .on(HOSPITAL.CODE.eq(SETTLEMENT.HOSPITAL_CODE))
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

  /**
   * An account's movements per local day from $2, each day with the balance it closed at: the
   * running sum over every day of the account's history (a window over the grouped days), so the
   * first day shown closes at the true balance, not at the window's own sum.
   */
  static final String DAILY;

  static {
    org.jooq.Table<?> days =
        Sql.dsl()
            .select(
                localDay(3).as("day"),
                sumOf("TOP_UP"),
                sumOf("DRAWDOWN"),
                sumOf("REVERSAL_CREDIT"),
                sumOf("ADVANCE"),
                sumOf("ADVANCE_REVERSAL"),
                DSL.sum(BALANCE_EFFECT).as("net"))
            .from(LEDGER_TRANSFER)
            .where(LEDGER_TRANSFER.ACCOUNT_ID.eq(Sql.p(1, LEDGER_TRANSFER.ACCOUNT_ID)))
            .groupBy(DSL.field("1"))
            .asTable("d");
    Field<LocalDate> day = days.field("day", LocalDate.class);
    org.jooq.Table<?> running =
        Sql.dsl()
            .select(days.fields())
            .select(
                DSL.sum(days.field("net", BigDecimal.class))
                    .over(DSL.orderBy(day))
                    .as("closing_balance"))
            .from(days)
            .asTable("w");
    DAILY =
        Sql.render(
            Sql.dsl()
                .selectFrom(running)
                .where(running.field("day", LocalDate.class).ge(DSL.param("2", LocalDate.class)))
                .orderBy(running.field("day")));
  }

  /**
   * The office's drawdowns and advances per local day and hospital from $2 ($3 the zone), over all
   * its accounts: what each hospital drew, for the office's chart.
   */
  static final String OFFICE_DAILY =
      Sql.render(
          Sql.dsl()
              .select(
                  localDay(3).as("day"),
                  PREPAYMENT_ACCOUNT.HOSPITAL_CODE,
                  HOSPITAL.NAME.as("hospital_name"),
                  sumOf("DRAWDOWN"),
                  sumOf("ADVANCE"),
                  sumOf("REVERSAL_CREDIT"),
                  sumOf("ADVANCE_REVERSAL"))
              .from(LEDGER_TRANSFER)
              .join(PREPAYMENT_ACCOUNT)
              .on(PREPAYMENT_ACCOUNT.ID.eq(LEDGER_TRANSFER.ACCOUNT_ID))
              .join(HOSPITAL)
              .on(HOSPITAL.CODE.eq(PREPAYMENT_ACCOUNT.HOSPITAL_CODE))
              .where(PREPAYMENT_ACCOUNT.OFFICE_CODE.eq(Sql.p(1, PREPAYMENT_ACCOUNT.OFFICE_CODE)))
              .and(localDay(3).ge(DSL.param("2", LocalDate.class)))
              .and(LEDGER_TRANSFER.KIND.ne(DSL.inline("TOP_UP")))
              .groupBy(DSL.field("1"), PREPAYMENT_ACCOUNT.HOSPITAL_CODE, HOSPITAL.NAME)
              .orderBy(DSL.field("1"), PREPAYMENT_ACCOUNT.HOSPITAL_CODE));

  /**
   * Sums by kind of an account's transfers on local days $3..$4 ($5 the zone; $2 must be null, the
   * kind filter of {@link #ENTRY_FILTER}): the forecast's window.
   */
  static final String WINDOW_SUMS =
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
              .where(ENTRY_FILTER));

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

  /** The local day of a transfer in the zone given as parameter {@code $zoneParam}. */
  static Field<LocalDate> localDay(int zoneParam) {
    return DSL.field(
        "({0} AT TIME ZONE {1})::date",
        LocalDate.class,
        LEDGER_TRANSFER.CREATED_AT,
        DSL.param(Integer.toString(zoneParam), String.class));
  }

  static Field<BigDecimal> sumOf(String kind) {
    return DSL.coalesce(
            DSL.sum(AMOUNT).filterWhere(LEDGER_TRANSFER.KIND.eq(DSL.inline(kind))),
            DSL.inline(BigDecimal.ZERO))
        .as(kind.toLowerCase());
  }
}
