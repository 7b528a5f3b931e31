package org.yizhan.gateway.settlement;

import static org.yizhan.gateway.infra.db.Sql.array;
import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.ACCUMULATOR;
import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM;
import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM_LINES;
import static org.yizhan.gateway.infra.db.schema.Tables.IDEMPOTENCY_RECORD;
import static org.yizhan.gateway.infra.db.schema.Tables.REVERSAL;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT_FUND;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.MultiRow;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The SQL of settling and reversing, rendered once from the generated schema classes. Each
 * statement is a single round trip; lines and fund rows travel as parallel arrays rather than one
 * statement per row (fund rows are unnested into rows, a claim's lines stay one row of arrays).
 */
final class SettlementStatements {
  private SettlementStatements() {}

  /** Locks the person's figures for the year, creating the row at zero if it is the first. */
  static final String LOCK_ACCUMULATOR =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  ACCUMULATOR,
                  ACCUMULATOR.PERSON_ID_NO,
                  ACCUMULATOR.YEAR,
                  ACCUMULATOR.OFFICE_CODE,
                  ACCUMULATOR.UPDATED_AT)
              .values(
                  p(1, ACCUMULATOR.PERSON_ID_NO),
                  p(2, ACCUMULATOR.YEAR),
                  p(3, ACCUMULATOR.OFFICE_CODE),
                  p(4, ACCUMULATOR.UPDATED_AT))
              .onConflict(ACCUMULATOR.PERSON_ID_NO, ACCUMULATOR.YEAR)
              .doUpdate()
              .set(ACCUMULATOR.OFFICE_CODE, DSL.excluded(ACCUMULATOR.OFFICE_CODE))
              .returning(ACCUMULATOR.fields()));

  /**
   * A batch's {@link #LOCK_ACCUMULATOR}: the figures of many (person, year) pairs ($1, $2 and the
   * offices $3 as parallel arrays, no pair twice), created at zero where missing, locked in the
   * order of person and year, the one order every batch takes them in. $4 stamps new rows.
   *
   * <p>It also sets {@code plan_cache_mode} to {@code force_generic_plan} for the rest of the
   * batch's transaction ({@code set_config(…, true)}, as the nonce's insert sets its commit mode):
   * the batch's statements take arrays, and a generic plan estimates an array parameter's {@code
   * unnest} at 10 rows where a custom plan knows it holds 1–3, so PostgreSQL judged the custom plan
   * cheaper and planned {@link #FIND_LIVE_ALL} again on every batch: 0.36 ms of planning against
   * 0.03 ms of executing (pg_stat_statements, docs/performance.md). The generic plans of the
   * batch's statements are the plans wanted whatever the arrays hold (one probe of the live-claim
   * index per claim number; multi-row inserts). It takes effect from the batch's next statement
   * (each is bound after the previous one has run) and ends with the transaction.
   */
  static final String LOCK_ACCUMULATORS =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  ACCUMULATOR,
                  ACCUMULATOR.PERSON_ID_NO,
                  ACCUMULATOR.YEAR,
                  ACCUMULATOR.OFFICE_CODE,
                  ACCUMULATOR.UPDATED_AT)
              .select(
                  DSL.select(
                          DSL.field("k.person", String.class),
                          DSL.field("k.year", Short.class),
                          DSL.field("k.office", String.class),
                          DSL.field(
                              "{0}::timestamptz",
                              OffsetDateTime.class, DSL.param("4", Object.class)))
                      .from(
                          Sql.unnest(
                              "k (person, year, office)",
                              array(1, "varchar"),
                              array(2, "int2"),
                              array(3, "varchar")),
                          DSL.select(
                                  DSL.function(
                                      "set_config",
                                      String.class,
                                      DSL.inline("plan_cache_mode"),
                                      DSL.inline("force_generic_plan"),
                                      DSL.inline(true)))
                              .asTable("generic_plans"))
                      .orderBy(DSL.field("k.person"), DSL.field("k.year")))
              .onConflict(ACCUMULATOR.PERSON_ID_NO, ACCUMULATOR.YEAR)
              .doUpdate()
              .set(ACCUMULATOR.OFFICE_CODE, DSL.excluded(ACCUMULATOR.OFFICE_CODE))
              .returning(withOpened()));

  /** The figures' columns and whether the upsert created the row (xmax is 0 only then). */
  private static Field<?>[] withOpened() {
    Field<?>[] columns = Arrays.copyOf(ACCUMULATOR.fields(), ACCUMULATOR.fields().length + 1);
    columns[columns.length - 1] = DSL.field("xmax = 0", Boolean.class).as("opened");
    return columns;
  }

  /**
   * Removes figures rows a batch created for persons it then settled nothing for (all refused), as
   * a single settlement's rollback would: (person, year) pairs as parallel arrays $1, $2.
   */
  static final String DELETE_UNUSED_ACCUMULATORS =
      Sql.render(
          Sql.dsl()
              .deleteFrom(ACCUMULATOR)
              .where(
                  DSL.row(ACCUMULATOR.PERSON_ID_NO, ACCUMULATOR.YEAR)
                      .in(
                          DSL.select(
                                  DSL.field("k.person", String.class),
                                  DSL.field("k.year", Short.class))
                              .from(
                                  Sql.unnest(
                                      "k (person, year)",
                                      array(1, "varchar"),
                                      array(2, "int2"))))));

  static final String READ_ACCUMULATOR =
      Sql.render(
          Sql.dsl()
              .select(ACCUMULATOR.fields())
              .from(ACCUMULATOR)
              .where(ACCUMULATOR.PERSON_ID_NO.eq(p(1, ACCUMULATOR.PERSON_ID_NO)))
              .and(ACCUMULATOR.YEAR.eq(p(2, ACCUMULATOR.YEAR))));

  /** Adds a settlement's delta to the figures (a reversal adds the negated delta). */
  static final String ADD_TO_ACCUMULATOR =
      Sql.render(
          Sql.dsl()
              .update(ACCUMULATOR)
              .set(
                  ACCUMULATOR.BASIC_PAID, ACCUMULATOR.BASIC_PAID.plus(p(3, ACCUMULATOR.BASIC_PAID)))
              .set(
                  ACCUMULATOR.DEDUCTIBLE_PAID,
                  ACCUMULATOR.DEDUCTIBLE_PAID.plus(p(4, ACCUMULATOR.DEDUCTIBLE_PAID)))
              .set(
                  ACCUMULATOR.ADMISSIONS_LEVEL1,
                  ACCUMULATOR.ADMISSIONS_LEVEL1.plus(p(5, ACCUMULATOR.ADMISSIONS_LEVEL1)))
              .set(
                  ACCUMULATOR.ADMISSIONS_LEVEL2,
                  ACCUMULATOR.ADMISSIONS_LEVEL2.plus(p(6, ACCUMULATOR.ADMISSIONS_LEVEL2)))
              .set(
                  ACCUMULATOR.ADMISSIONS_LEVEL3,
                  ACCUMULATOR.ADMISSIONS_LEVEL3.plus(p(7, ACCUMULATOR.ADMISSIONS_LEVEL3)))
              .set(ACCUMULATOR.CI_BASE, ACCUMULATOR.CI_BASE.plus(p(8, ACCUMULATOR.CI_BASE)))
              .set(ACCUMULATOR.CI_PAID, ACCUMULATOR.CI_PAID.plus(p(9, ACCUMULATOR.CI_PAID)))
              .set(ACCUMULATOR.MA_BASE, ACCUMULATOR.MA_BASE.plus(p(10, ACCUMULATOR.MA_BASE)))
              .set(ACCUMULATOR.MA_PAID, ACCUMULATOR.MA_PAID.plus(p(11, ACCUMULATOR.MA_PAID)))
              .set(ACCUMULATOR.UPDATED_AT, p(12, ACCUMULATOR.UPDATED_AT))
              .where(ACCUMULATOR.PERSON_ID_NO.eq(p(1, ACCUMULATOR.PERSON_ID_NO)))
              .and(ACCUMULATOR.YEAR.eq(p(2, ACCUMULATOR.YEAR))));

  /** The live settlement of a claim number at a hospital, with its claim's fingerprint. */
  static final String FIND_LIVE =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT.ID, CLAIM.CONTENT_SHA256)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .where(SETTLEMENT.HOSPITAL_CODE.eq(p(1, SETTLEMENT.HOSPITAL_CODE)))
              .and(SETTLEMENT.CLAIM_NO.eq(p(2, SETTLEMENT.CLAIM_NO)))
              .and(SETTLEMENT.STATUS.eq(DSL.inline(SettlementView.SETTLED))));

  /**
   * A batch's {@link #FIND_LIVE}: (hospital, claim number) pairs as parallel arrays $1, $2. Each
   * pair is looked up on its own through the live-claim index: the lookup is a LATERAL subquery
   * with a LIMIT, which PostgreSQL cannot flatten into a join, so a generic plan made while the
   * table was small cannot turn into a scan of every live settlement per batch (it did: see
   * docs/performance.md).
   */
  static final String FIND_LIVE_ALL =
      "SELECT s.id, s.hospital_code, s.claim_no, s.content_sha256"
          + " FROM unnest($1::varchar[], $2::varchar[]) AS k (hospital, claim)"
          + " CROSS JOIN LATERAL (SELECT settlement.id, settlement.hospital_code,"
          + " settlement.claim_no, claim.content_sha256 FROM settlement"
          + " JOIN claim ON claim.id = settlement.claim_id"
          + " WHERE settlement.hospital_code = k.hospital AND settlement.claim_no = k.claim"
          + " AND settlement.status = '"
          + SettlementView.SETTLED
          + "' LIMIT 1) AS s";

  /** A batch's {@link #FIND_IDEMPOTENCY}: (hospital, key) pairs as $1, $2; one probe each. */
  static final String FIND_IDEMPOTENCY_ALL =
      "SELECT r.hospital_code, r.idem_key, r.operation, r.request_sha256, r.resource_id"
          + " FROM unnest($1::varchar[], $2::varchar[]) AS k (hospital, idem)"
          + " CROSS JOIN LATERAL (SELECT hospital_code, idem_key, operation, request_sha256,"
          + " resource_id FROM idempotency_record"
          + " WHERE hospital_code = k.hospital AND idem_key = k.idem LIMIT 1) AS r";

  static final Field<?>[] IDEMPOTENCY_COLUMNS = {
    IDEMPOTENCY_RECORD.HOSPITAL_CODE,
    IDEMPOTENCY_RECORD.IDEM_KEY,
    IDEMPOTENCY_RECORD.OPERATION,
    IDEMPOTENCY_RECORD.REQUEST_SHA256,
    IDEMPOTENCY_RECORD.STATUS_CODE,
    IDEMPOTENCY_RECORD.RESOURCE_ID,
    IDEMPOTENCY_RECORD.CREATED_AT
  };

  /** A batch's Idempotency-Key records, one row per key, columns {@link #IDEMPOTENCY_COLUMNS}. */
  static final String INSERT_IDEMPOTENCY_ROWS = MultiRow.insert(IDEMPOTENCY_COLUMNS);

  static final String FIND_IDEMPOTENCY =
      Sql.render(
          Sql.dsl()
              .select(
                  IDEMPOTENCY_RECORD.OPERATION,
                  IDEMPOTENCY_RECORD.REQUEST_SHA256,
                  IDEMPOTENCY_RECORD.STATUS_CODE,
                  IDEMPOTENCY_RECORD.RESOURCE_ID)
              .from(IDEMPOTENCY_RECORD)
              .where(IDEMPOTENCY_RECORD.HOSPITAL_CODE.eq(p(1, IDEMPOTENCY_RECORD.HOSPITAL_CODE)))
              .and(IDEMPOTENCY_RECORD.IDEM_KEY.eq(p(2, IDEMPOTENCY_RECORD.IDEM_KEY))));

  static final String INSERT_IDEMPOTENCY =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  IDEMPOTENCY_RECORD,
                  IDEMPOTENCY_RECORD.HOSPITAL_CODE,
                  IDEMPOTENCY_RECORD.IDEM_KEY,
                  IDEMPOTENCY_RECORD.OPERATION,
                  IDEMPOTENCY_RECORD.REQUEST_SHA256,
                  IDEMPOTENCY_RECORD.STATUS_CODE,
                  IDEMPOTENCY_RECORD.RESOURCE_ID,
                  IDEMPOTENCY_RECORD.CREATED_AT)
              .values(
                  p(1, IDEMPOTENCY_RECORD.HOSPITAL_CODE),
                  p(2, IDEMPOTENCY_RECORD.IDEM_KEY),
                  p(3, IDEMPOTENCY_RECORD.OPERATION),
                  p(4, IDEMPOTENCY_RECORD.REQUEST_SHA256),
                  p(5, IDEMPOTENCY_RECORD.STATUS_CODE),
                  p(6, IDEMPOTENCY_RECORD.RESOURCE_ID),
                  p(7, IDEMPOTENCY_RECORD.CREATED_AT)));

  /** The claim's columns, in the order of {@code SettlementTuples.claimTuple}. */
  static final Field<?>[] CLAIM_COLUMNS = {
    CLAIM.ID,
    CLAIM.HOSPITAL_CODE,
    CLAIM.CLAIM_NO,
    CLAIM.CONTENT_SHA256,
    CLAIM.PERSON_ID_NO,
    CLAIM.PERSON_NAME,
    CLAIM.SCHEME,
    CLAIM.OFFICE_CODE,
    CLAIM.HOSPITAL_LEVEL,
    CLAIM.ADMISSION_DATE,
    CLAIM.DISCHARGE_DATE,
    CLAIM.LINE_COUNT,
    CLAIM.TOTAL,
    CLAIM.RECEIVED_AT
  };

  static final String INSERT_CLAIM = insertAll(CLAIM_COLUMNS);

  /** A batch's claims: one multi-row INSERT of {@link #CLAIM_COLUMNS}. */
  static final String INSERT_CLAIM_ROWS = MultiRow.insert(CLAIM_COLUMNS);

  /**
   * A claim's line arrays (V9), one element per line, in column order: the parameters $2… of {@link
   * #INSERT_LINES} and what {@code SettlementQueries.LINES} unnests. The in-scope part is not
   * stored: it is the amount less the three other parts. {@code unknown_item} (V11) is null for
   * claims stored before it.
   */
  static final List<Field<?>> LINE_ARRAYS =
      List.of(
          CLAIM_LINES.LINE_NO,
          CLAIM_LINES.ITEM_CODE,
          CLAIM_LINES.ITEM_NAME,
          CLAIM_LINES.QUANTITY,
          CLAIM_LINES.UNIT_PRICE,
          CLAIM_LINES.AMOUNT,
          CLAIM_LINES.CATEGORY,
          CLAIM_LINES.SELF_PAY_RATIO,
          CLAIM_LINES.PRICE_CAP,
          CLAIM_LINES.FULL_OWN_PAY,
          CLAIM_LINES.OVER_LIMIT,
          CLAIM_LINES.PRE_SELF_PAY,
          CLAIM_LINES.UNKNOWN_ITEM);

  /**
   * A claim's lines: one row of parallel arrays, in the order of {@link #LINE_ARRAYS}. $10, the
   * price caps, travels as text[]: a numeric[] cannot carry a null element over the wire.
   */
  static final String INSERT_LINES =
      Sql.render(
          Sql.dsl()
              .insertInto(CLAIM_LINES)
              .columns(
                  Stream.concat(Stream.of(CLAIM_LINES.CLAIM_ID), LINE_ARRAYS.stream()).toList())
              .select(
                  DSL.select(
                      p(1, CLAIM_LINES.CLAIM_ID),
                      array(2, "varchar"),
                      array(3, "varchar"),
                      array(4, "text"),
                      array(5, "numeric"),
                      array(6, "numeric"),
                      array(7, "numeric"),
                      array(8, "char"),
                      array(9, "numeric"),
                      DSL.field("{0}::text[]::numeric[]", DSL.param("10", Object.class)),
                      array(11, "numeric"),
                      array(12, "numeric"),
                      array(13, "numeric"),
                      array(14, "boolean"))));

  /**
   * A batch's line arrays: one multi-row INSERT, each claim's arrays as array literals (the order
   * of {@code SettlementTuples.linesTuple}); numeric arrays are cast to plain {@code numeric[]} and
   * rounded to the columns' scales on assignment, as {@link #INSERT_LINES} does.
   */
  static final String INSERT_LINE_ROWS =
      MultiRow.insert(
          Stream.concat(Stream.of(CLAIM_LINES.CLAIM_ID), LINE_ARRAYS.stream())
              .toArray(Field<?>[]::new),
          new String[] {
            null,
            "varchar[]",
            "varchar[]",
            "text[]",
            "numeric[]",
            "numeric[]",
            "numeric[]",
            "char[]",
            "numeric[]",
            "numeric[]",
            "numeric[]",
            "numeric[]",
            "numeric[]",
            "boolean[]"
          });

  /** The settlement's columns, in the order of {@link #INSERT_SETTLEMENT}'s parameters. */
  static final Field<?>[] SETTLEMENT_COLUMNS = {
    SETTLEMENT.ID,
    SETTLEMENT.CLAIM_ID,
    SETTLEMENT.HOSPITAL_CODE,
    SETTLEMENT.CLAIM_NO,
    SETTLEMENT.PERSON_ID_NO,
    SETTLEMENT.OFFICE_CODE,
    SETTLEMENT.STATUS,
    SETTLEMENT.POLICY_ID,
    SETTLEMENT.YEAR,
    SETTLEMENT.HOSPITAL_LEVEL,
    SETTLEMENT.TOTAL,
    SETTLEMENT.FULL_OWN_PAY,
    SETTLEMENT.OVER_LIMIT,
    SETTLEMENT.PRE_SELF_PAY,
    SETTLEMENT.IN_SCOPE,
    SETTLEMENT.ACT_DEDUCTIBLE,
    SETTLEMENT.BASIC_PAY,
    SETTLEMENT.CI_PAY,
    SETTLEMENT.MA_PAY,
    SETTLEMENT.FUND_PAY,
    SETTLEMENT.PERSONAL_PAY,
    SETTLEMENT.MA_IDENTITY,
    SETTLEMENT.MA_NOTE,
    SETTLEMENT.IDENTITIES_USED,
    SETTLEMENT.DELTA_BASIC_PAID,
    SETTLEMENT.DELTA_DEDUCTIBLE_PAID,
    SETTLEMENT.DELTA_CI_BASE,
    SETTLEMENT.DELTA_CI_PAID,
    SETTLEMENT.DELTA_MA_BASE,
    SETTLEMENT.DELTA_MA_PAID,
    SETTLEMENT.PREPAYMENT_ACCOUNT_ID,
    SETTLEMENT.PREPAYMENT_DRAWN,
    SETTLEMENT.HOSPITAL_ADVANCE,
    SETTLEMENT.IDEMPOTENCY_KEY,
    SETTLEMENT.SETTLED_AT,
    SETTLEMENT.SETTLED_ON,
    SETTLEMENT.POLICY_VERSION,
    SETTLEMENT.CATALOGUE_VERSION
  };

  static final String INSERT_SETTLEMENT = insertAll(SETTLEMENT_COLUMNS);

  /** A batch's settlements: one multi-row INSERT of {@link #SETTLEMENT_COLUMNS}. */
  static final String INSERT_SETTLEMENT_ROWS = MultiRow.insert(SETTLEMENT_COLUMNS);

  /** A fund row's columns, in the order of {@code SettlementTuples.fundRows}. */
  static final Field<?>[] FUND_COLUMNS = {
    SETTLEMENT_FUND.SETTLEMENT_ID,
    SETTLEMENT_FUND.FUND,
    SETTLEMENT_FUND.FUND_CODE,
    SETTLEMENT_FUND.BASE,
    SETTLEMENT_FUND.PAID,
    SETTLEMENT_FUND.REMAINING_ROOM,
    SETTLEMENT_FUND.TRACE
  };

  /** A batch's fund rows (three a settlement): one multi-row INSERT of {@link #FUND_COLUMNS}. */
  static final String INSERT_FUND_ROWS = MultiRow.insert(FUND_COLUMNS);

  static final String INSERT_FUNDS =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  SETTLEMENT_FUND,
                  SETTLEMENT_FUND.SETTLEMENT_ID,
                  SETTLEMENT_FUND.FUND,
                  SETTLEMENT_FUND.FUND_CODE,
                  SETTLEMENT_FUND.BASE,
                  SETTLEMENT_FUND.PAID,
                  SETTLEMENT_FUND.REMAINING_ROOM,
                  SETTLEMENT_FUND.TRACE)
              .select(
                  DSL.select(
                          p(1, SETTLEMENT_FUND.SETTLEMENT_ID),
                          DSL.field("f.fund", String.class),
                          DSL.field("f.fund_code", String.class),
                          DSL.field("f.base", BigDecimal.class),
                          DSL.field("f.paid", BigDecimal.class),
                          DSL.field("f.remaining_room::numeric", BigDecimal.class),
                          DSL.field("f.trace", String.class))
                      .from(
                          Sql.unnest(
                              "f (fund, fund_code, base, paid, remaining_room, trace)",
                              array(2, "varchar"),
                              array(3, "varchar"),
                              array(4, "numeric"),
                              array(5, "numeric"),
                              // nullable: numeric[] cannot carry a null element over the wire
                              array(6, "text"),
                              array(7, "text")))));

  /** The settlement row, locked, for a reversal by its hospital. */
  /**
   * Locks a settlement by id alone; the caller checks its hospital (by id and hospital, a plan made
   * on a nearly empty table scanned the hospital's index: see {@code SettlementQueries.FIND}).
   */
  static final String LOCK_SETTLEMENT =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT.fields())
              .from(SETTLEMENT)
              .where(SETTLEMENT.ID.eq(p(1, SETTLEMENT.ID)))
              .forUpdate());

  /**
   * The settlements a batch reverses, locked in the order of their ids (a reversal's first lock,
   * before the persons' figures).
   */
  static final String LOCK_SETTLEMENTS =
      "SELECT * FROM settlement WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE";

  /**
   * What never changes of a settlement to reverse, read before its batch to choose its lane and
   * what the batch locks: its person, year, office, hospital and account.
   */
  static final String FIND_REVERSAL_TARGET =
      "SELECT person_id_no, year, office_code, hospital_code, prepayment_account_id"
          + " FROM settlement WHERE id = $1";

  static final String MARK_REVERSED =
      Sql.render(
          Sql.dsl()
              .update(SETTLEMENT)
              .set(SETTLEMENT.STATUS, DSL.inline(SettlementView.REVERSED))
              .set(SETTLEMENT.REVERSED_AT, p(2, SETTLEMENT.REVERSED_AT))
              .where(SETTLEMENT.ID.eq(p(1, SETTLEMENT.ID))));

  static final Field<?>[] REVERSAL_COLUMNS = {
    REVERSAL.ID,
    REVERSAL.SETTLEMENT_ID,
    REVERSAL.HOSPITAL_CODE,
    REVERSAL.TOTAL,
    REVERSAL.BASIC_PAY,
    REVERSAL.CI_PAY,
    REVERSAL.MA_PAY,
    REVERSAL.FUND_PAY,
    REVERSAL.PERSONAL_PAY,
    REVERSAL.PREPAYMENT_CREDITED,
    REVERSAL.ADVANCE_CANCELLED,
    REVERSAL.REASON,
    REVERSAL.IDEMPOTENCY_KEY,
    REVERSAL.REVERSED_AT,
    REVERSAL.REVERSED_ON
  };

  static final String INSERT_REVERSAL = insertAll(REVERSAL_COLUMNS);

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String insertAll(Field<?>[] columns) {
    Field[] params = new Field[columns.length];
    for (int i = 0; i < columns.length; i++) {
      params[i] = p(i + 1, columns[i]);
    }
    return Sql.render(
        Sql.dsl()
            .insertInto(((org.jooq.TableField<?, ?>) columns[0]).getTable())
            .columns(columns)
            .values(params));
  }
}
