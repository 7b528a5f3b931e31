package org.yizhan.gateway.ledger;

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
