package org.yizhan.gateway.settlement;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM;
import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM_LINES;
import static org.yizhan.gateway.infra.db.schema.Tables.IDEMPOTENCY_RECORD;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_ADMISSION;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_PERSON;
import static org.yizhan.gateway.infra.db.schema.Tables.REVERSAL;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT_FUND;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.QueryPart;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fund;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.settlement.SettlementView.FundRecord;
import org.yizhan.gateway.settlement.SettlementView.ReversalRecord;

/** Reads of settlements, reversals and year figures; nothing here writes. */
public final class SettlementQueries {
  private static final List<Field<?>> SETTLEMENT_WITH_DATES = new ArrayList<>();

  static {
    SETTLEMENT_WITH_DATES.addAll(List.of(SETTLEMENT.fields()));
    SETTLEMENT_WITH_DATES.add(CLAIM.ADMISSION_DATE);
    SETTLEMENT_WITH_DATES.add(CLAIM.DISCHARGE_DATE);
  }

  /**
   * A settlement by id alone: the caller checks its hospital. With {@code AND hospital_code = $2}
   * in the query, a connection that prepared it while the table was nearly empty kept a generic
   * plan scanning the hospital's index ({@code settlement_hospital_claim}) and filtering on the id:
   * 591 buffers per call instead of 6, the largest cost in PostgreSQL under load
   * (docs/performance.md, "A plan made on an empty table"). By id alone the primary key is the only
   * plan.
   */
  /**
   * Whether a hospital treats a person: a settlement of its own (any status) at or after $3, or an
   * admission of its own (national 2401, not cancelled) made at or after $3.
   */
  static final String TREATS =
      Sql.render(
          Sql.dsl()
              .select(
                  DSL.exists(
                          Sql.dsl()
                              .selectOne()
                              .from(SETTLEMENT)
                              .where(SETTLEMENT.PERSON_ID_NO.eq(p(2, SETTLEMENT.PERSON_ID_NO)))
                              .and(SETTLEMENT.HOSPITAL_CODE.eq(p(1, SETTLEMENT.HOSPITAL_CODE)))
                              .and(SETTLEMENT.SETTLED_AT.ge(p(3, SETTLEMENT.SETTLED_AT))))
                      .or(
                          DSL.exists(
                              Sql.dsl()
                                  .selectOne()
                                  .from(NHSA_ADMISSION)
                                  .join(NHSA_PERSON)
                                  .on(NHSA_PERSON.ID.eq(NHSA_ADMISSION.PERSON_ID))
                                  .where(
                                      NHSA_PERSON.PERSON_ID_NO.eq(p(2, NHSA_PERSON.PERSON_ID_NO)))
                                  .and(
                                      NHSA_ADMISSION.HOSPITAL_CODE.eq(
                                          p(1, NHSA_ADMISSION.HOSPITAL_CODE)))
                                  .and(NHSA_ADMISSION.UNDONE_MSGID.isNull())
                                  .and(
                                      NHSA_ADMISSION.CREATED_AT.ge(
                                          p(3, NHSA_ADMISSION.CREATED_AT)))))
                      .as("treats")));

  static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT_WITH_DATES)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .where(SETTLEMENT.ID.eq(p(1, SETTLEMENT.ID))));

  static final String FUNDS =
      Sql.render(
          Sql.dsl()
              .selectFrom(SETTLEMENT_FUND)
              .where(SETTLEMENT_FUND.SETTLEMENT_ID.eq(p(1, SETTLEMENT_FUND.SETTLEMENT_ID))));

  /** A settlement's lines, one row each in the bill's order, from the claim's row of arrays. */
  static final String LINES = lines();

  private static String lines() {
    List<Field<?>> arrays = SettlementStatements.LINE_ARRAYS;
    StringBuilder unnest = new StringBuilder("unnest(");
    StringBuilder names = new StringBuilder();
    List<Field<?>> columns = new ArrayList<>();
    for (int i = 0; i < arrays.size(); i++) {
      unnest.append(i == 0 ? "" : ", ").append('{').append(i).append('}');
      names.append(arrays.get(i).getName()).append(", ");
      columns.add(DSL.field("l." + arrays.get(i).getName()));
    }
    // not stored: the rest of the amount (V9)
    columns.add(DSL.field("l.amount - l.full_own_pay - l.over_limit - l.pre_self_pay in_scope"));
    return Sql.render(
        Sql.dsl()
            .select(columns)
            .from(SETTLEMENT)
            .join(CLAIM_LINES)
            .on(CLAIM_LINES.CLAIM_ID.eq(SETTLEMENT.CLAIM_ID))
            .crossJoin(
                DSL.table(
                    unnest + ") WITH ORDINALITY AS l (" + names + "line_index)",
                    arrays.toArray(new QueryPart[0])))
            .where(SETTLEMENT.ID.eq(p(1, SETTLEMENT.ID)))
            .orderBy(DSL.field("l.line_index")));
  }

  static final String REVERSAL_OF =
      Sql.render(
          Sql.dsl()
              .selectFrom(REVERSAL)
              .where(REVERSAL.SETTLEMENT_ID.eq(p(1, REVERSAL.SETTLEMENT_ID))));

  static final String REVERSALS_OF_MANY =
      Sql.render(
          Sql.dsl()
              .selectFrom(REVERSAL)
              .where(
                  REVERSAL.SETTLEMENT_ID.eq(
                      DSL.any(DSL.field("{0}::uuid[]", UUID[].class, DSL.param("1"))))));

  private static final Condition BY_HOSPITAL =
      SETTLEMENT.HOSPITAL_CODE.eq(p(1, SETTLEMENT.HOSPITAL_CODE));

  /** Search: $2 claim number or null, $3/$4 first and last settlement day or null. */
  private static final Condition SEARCH =
      BY_HOSPITAL
          .and(
              DSL.cast(p(2, SETTLEMENT.CLAIM_NO), SQLDataType.VARCHAR)
                  .isNull()
                  .or(SETTLEMENT.CLAIM_NO.eq(p(2, SETTLEMENT.CLAIM_NO))))
          .and(
              DSL.cast(p(3, SETTLEMENT.SETTLED_ON), SQLDataType.LOCALDATE)
                  .isNull()
                  .or(SETTLEMENT.SETTLED_ON.ge(p(3, SETTLEMENT.SETTLED_ON))))
          .and(
              DSL.cast(p(4, SETTLEMENT.SETTLED_ON), SQLDataType.LOCALDATE)
                  .isNull()
                  .or(SETTLEMENT.SETTLED_ON.le(p(4, SETTLEMENT.SETTLED_ON))));

  static final String SEARCH_PAGE =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT_WITH_DATES)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .where(SEARCH)
              .orderBy(SETTLEMENT.SETTLED_AT.desc(), SETTLEMENT.ID.desc())
              .limit(DSL.param("5", Integer.class))
              .offset(DSL.param("6", Integer.class)));

  static final String SEARCH_COUNT =
      Sql.render(Sql.dsl().selectCount().from(SETTLEMENT).where(SEARCH));

  /** Settlements made on a day ($2), reversed since or not. */
  static final String SETTLED_ON_DAY =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT_WITH_DATES)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .where(BY_HOSPITAL)
              .and(SETTLEMENT.SETTLED_ON.eq(p(2, SETTLEMENT.SETTLED_ON)))
              .orderBy(SETTLEMENT.SETTLED_AT, SETTLEMENT.ID));

  /** Settlements reversed on a day ($2), whenever they were made. */
  static final String REVERSED_ON_DAY =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT_WITH_DATES)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .join(REVERSAL)
              .on(REVERSAL.SETTLEMENT_ID.eq(SETTLEMENT.ID))
              .where(BY_HOSPITAL)
              .and(REVERSAL.REVERSED_ON.eq(p(2, REVERSAL.REVERSED_ON)))
              .orderBy(REVERSAL.REVERSED_AT, SETTLEMENT.ID));

  private final Pool pool;

  public SettlementQueries(Pool pool) {
    this.pool = pool;
  }

  /** A hospital's settlement with its funds, lines and reversal; empty if not the hospital's. */
  public Future<Optional<SettlementView>> find(String hospitalCode, UUID id) {
    return pool.withConnection(
        conn -> {
          DbGuard.quiet(conn);
          Future<RowSet<Row>> head = conn.preparedQuery(FIND).execute(Tuple.of(id));
          Future<RowSet<Row>> funds = conn.preparedQuery(FUNDS).execute(Tuple.of(id));
          Future<RowSet<Row>> lines = conn.preparedQuery(LINES).execute(Tuple.of(id));
          Future<RowSet<Row>> reversal = conn.preparedQuery(REVERSAL_OF).execute(Tuple.of(id));
          return Future.all(head, funds, lines, reversal)
              .map(
                  done -> {
                    Row r = Rows.ofHospital(head.result(), hospitalCode);
                    if (r == null) {
                      return Optional.<SettlementView>empty();
                    }
                    return Optional.of(
                        Rows.settlement(
                            r,
                            r,
                            sortedFunds(Rows.funds(funds.result())),
                            Rows.lines(lines.result()),
                            Rows.reversal(reversal.result())));
                  });
        });
  }

  /** A page of a hospital's settlements, newest first, without their lines. */
  public record Page(List<SettlementView> items, int page, int size, long total) {}

  public Future<Page> search(
      String hospitalCode, String claimNo, LocalDate from, LocalDate to, int page, int size) {
    Tuple filter = Tuple.of(hospitalCode, claimNo, from, to);
    return pool.withConnection(
        conn -> {
          DbGuard.quiet(conn);
          Future<RowSet<Row>> count = conn.preparedQuery(SEARCH_COUNT).execute(filter);
          Future<RowSet<Row>> rows =
              conn.preparedQuery(SEARCH_PAGE)
                  .execute(Tuple.of(hospitalCode, claimNo, from, to, size, (page - 1) * size));
          return Future.all(count, rows)
              .compose(done -> summaries(conn, rows.result()))
              .map(
                  items ->
                      new Page(items, page, size, count.result().iterator().next().getLong(0)));
        });
  }

  /** The settlements a hospital made on a day, and those it reversed on that day. */
  public record Day(List<SettlementView> settled, List<SettlementView> reversed) {}

  public Future<Day> day(String hospitalCode, LocalDate day) {
    Tuple t = Tuple.of(hospitalCode, day);
    return pool.withConnection(
        conn -> {
          DbGuard.quiet(conn);
          Future<RowSet<Row>> settled = conn.preparedQuery(SETTLED_ON_DAY).execute(t);
          Future<RowSet<Row>> reversed = conn.preparedQuery(REVERSED_ON_DAY).execute(t);
          return Future.all(settled, reversed)
              .compose(
                  done -> {
                    Future<List<SettlementView>> a = summaries(conn, settled.result());
                    Future<List<SettlementView>> b = summaries(conn, reversed.result());
                    return Future.all(a, b).map(x -> new Day(a.result(), b.result()));
                  });
        });
  }

  /** Whether {@code hospital} treats the person: see {@link #TREATS}. */
  public Future<Boolean> treats(String hospital, String personIdNo, OffsetDateTime since) {
    return pool.preparedQuery(TREATS)
        .execute(Tuple.of(hospital, personIdNo, since))
        .map(rows -> rows.iterator().next().getBoolean("treats"));
  }

  /** A person's figures for a year, with the office of their latest settlement; empty if none. */
  public record Figures(Accumulators accumulators, String officeCode) {}

  public Future<Optional<Figures>> figures(String personIdNo, int year) {
    return pool.preparedQuery(SettlementStatements.READ_ACCUMULATOR)
        .execute(Tuple.of(personIdNo, (short) year))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new Figures(
                            Rows.accumulators(rows.iterator().next()),
                            rows.iterator().next().getString("office_code"))));
  }

  /** Settlement rows as records without lines, each with its reversal if any. */
  private static Future<List<SettlementView>> summaries(SqlConnection conn, RowSet<Row> rows) {
    List<UUID> reversedIds = new ArrayList<>();
    for (Row r : rows) {
      if (SettlementView.REVERSED.equals(r.getString("status"))) {
        reversedIds.add(r.getUUID("id"));
      }
    }
    Future<RowSet<Row>> reversals =
        reversedIds.isEmpty()
            ? Future.succeededFuture(null)
            : conn.preparedQuery(REVERSALS_OF_MANY)
                .execute(Tuple.of(reversedIds.toArray(new UUID[0])));
    return reversals.map(
        rs -> {
          Map<UUID, ReversalRecord> byId = new HashMap<>();
          if (rs != null) {
            for (Row r : rs) {
              byId.put(r.getUUID("settlement_id"), Rows.reversal(r));
            }
          }
          List<SettlementView> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(Rows.settlement(r, r, List.of(), List.of(), byId.get(r.getUUID("id"))));
          }
          return out;
        });
  }

  private static List<FundRecord> sortedFunds(List<FundRecord> funds) {
    List<FundRecord> sorted = new ArrayList<>(funds);
    sorted.sort(Comparator.comparingInt(f -> Fund.valueOf(f.fund()).ordinal()));
    return sorted;
  }

  static final String FIND_KEY =
      Sql.render(
          Sql.dsl()
              .select(IDEMPOTENCY_RECORD.RESOURCE_ID)
              .from(IDEMPOTENCY_RECORD)
              .where(IDEMPOTENCY_RECORD.HOSPITAL_CODE.eq(p(1, IDEMPOTENCY_RECORD.HOSPITAL_CODE)))
              .and(IDEMPOTENCY_RECORD.IDEM_KEY.eq(p(2, IDEMPOTENCY_RECORD.IDEM_KEY))));

  /**
   * The settlement a request with the Idempotency-Key {@code key} made at {@code hospital}, or
   * {@code null} when none committed (the national interface's keys are {@code nhsa:<msgid>}).
   */
  public static Future<UUID> settlementOfKey(SqlClient client, String hospital, String key) {
    return client
        .preparedQuery(FIND_KEY)
        .execute(Tuple.of(hospital, key))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }
}
