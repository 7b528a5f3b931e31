package org.yizhan.gateway.policy;

import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM;
import static org.yizhan.gateway.infra.db.schema.Tables.POLICY_VERSION;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Record;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The SQL of policy versions, rendered once from the generated schema. Every change runs inside a
 * transaction its caller ({@link PolicyService}) opens, with the audit entry and the NOTIFY.
 */
final class PolicyStore {
  /** The most versions a listing returns (newest first); a region keeps a few a year. */
  static final int LIST_MAX = 500;

  static final Field<?>[] META = {
    POLICY_VERSION.ID,
    POLICY_VERSION.REGION,
    POLICY_VERSION.SCHEME,
    POLICY_VERSION.POLICY_YEAR,
    POLICY_VERSION.VALID_FROM,
    POLICY_VERSION.VALID_TO,
    POLICY_VERSION.STATE,
    POLICY_VERSION.DOCUMENT_NO,
    POLICY_VERSION.REASON,
    POLICY_VERSION.AUTHOR,
    POLICY_VERSION.DRAFTED_AT,
    POLICY_VERSION.REVIEWER,
    POLICY_VERSION.REVIEWED_AT,
    POLICY_VERSION.REVIEW_NOTE,
    POLICY_VERSION.DOCUMENT_SHA256
  };

  /**
   * The columns a draft fills from its document and fields, in the order of their parameters (see
   * {@link #drafted}): a new version and a revision write the same ones.
   */
  private static final List<Field<?>> DRAFTED =
      List.of(
          POLICY_VERSION.REGION,
          POLICY_VERSION.SCHEME,
          POLICY_VERSION.POLICY_YEAR,
          POLICY_VERSION.VALID_FROM,
          POLICY_VERSION.VALID_TO,
          POLICY_VERSION.DOCUMENT,
          POLICY_VERSION.DOCUMENT_SHA256,
          POLICY_VERSION.DOCUMENT_NO,
          POLICY_VERSION.REASON,
          POLICY_VERSION.DRAFTED_AT);

  /** A new version: $1..$10 {@link #drafted}, $11 author, $12 state, $13 reviewer, $14 when. */
  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  POLICY_VERSION,
                  columns(
                      POLICY_VERSION.AUTHOR,
                      POLICY_VERSION.STATE,
                      POLICY_VERSION.REVIEWER,
                      POLICY_VERSION.REVIEWED_AT))
              .values(
                  params(
                      columns(
                          POLICY_VERSION.AUTHOR,
                          POLICY_VERSION.STATE,
                          POLICY_VERSION.REVIEWER,
                          POLICY_VERSION.REVIEWED_AT)))
              .returning(META));

  /** A draft's new document and fields: $1..$10 {@link #drafted}, $11 the id; a draft only. */
  static final String REVISE =
      Sql.render(
          Sql.dsl()
              .update(POLICY_VERSION)
              .set(assignments(DRAFTED))
              .where(POLICY_VERSION.ID.eq(Sql.p(DRAFTED.size() + 1, POLICY_VERSION.ID)))
              .and(POLICY_VERSION.STATE.eq(DSL.inline("DRAFT")))
              .returning(META));

  static final String DECIDE =
      Sql.render(
          Sql.dsl()
              .update(POLICY_VERSION)
              .set(POLICY_VERSION.STATE, Sql.p(2, POLICY_VERSION.STATE))
              .set(POLICY_VERSION.REVIEWER, Sql.p(3, POLICY_VERSION.REVIEWER))
              .set(POLICY_VERSION.REVIEWED_AT, Sql.p(4, POLICY_VERSION.REVIEWED_AT))
              .set(POLICY_VERSION.REVIEW_NOTE, Sql.p(5, POLICY_VERSION.REVIEW_NOTE))
              .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID)))
              .and(POLICY_VERSION.STATE.eq(DSL.inline("DRAFT")))
              .returning(META));

  static final String FIND = Sql.render(byId());

  /** The row locked, for a change that must see it as it is (revise, decide). */
  static final String FIND_FOR_UPDATE = Sql.render(byId().forUpdate());

  static final String DOCUMENT =
      Sql.render(
          Sql.dsl()
              .select(POLICY_VERSION.DOCUMENT)
              .from(POLICY_VERSION)
              .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID))));

  /**
   * The versions of the regions an agency covers, newest first: $1 the agency's region, $2 how many
   * of its leading digits a covered region shares (6 for a district, 4 for a city, 2 for a
   * province; see insured.Regions#covers).
   */
  static final String LIST =
      Sql.render(
          Sql.dsl()
              .select(META)
              .from(POLICY_VERSION)
              .where(
                  DSL.condition(
                      "left({0}, {1}) = left({2}, {1})",
                      POLICY_VERSION.REGION,
                      DSL.param("2", Integer.class),
                      DSL.param("1", String.class)))
              .orderBy(POLICY_VERSION.ID.desc())
              .limit(DSL.inline(LIST_MAX)));

  /** The approved versions of one line: their periods, for the timeline's checks. */
  static final String LINE =
      Sql.render(
          Sql.dsl()
              .select(POLICY_VERSION.ID, POLICY_VERSION.VALID_FROM, POLICY_VERSION.VALID_TO)
              .from(POLICY_VERSION)
              .where(POLICY_VERSION.REGION.eq(Sql.p(1, POLICY_VERSION.REGION)))
              .and(POLICY_VERSION.SCHEME.eq(Sql.p(2, POLICY_VERSION.SCHEME)))
              .and(POLICY_VERSION.STATE.eq(DSL.inline("APPROVED"))));

  /** Every approved version's document, for the live book. */
  static final String APPROVED =
      Sql.render(
          Sql.dsl()
              .select(POLICY_VERSION.ID, POLICY_VERSION.DOCUMENT)
              .from(POLICY_VERSION)
              .where(POLICY_VERSION.STATE.eq(DSL.inline("APPROVED")))
              .orderBy(POLICY_VERSION.ID));

  /**
   * The latest discharge day of a live settlement of line $1/$2 discharged on or after $3, or null:
   * a settlement computed under one of the line's approved versions, or (made before versions were
   * recorded) under the line's policy, whose id starts with $4 ({@code region/scheme/}). A new
   * version starting on or before that day would govern a day a stored settlement has already used
   * under another version (docs/policies.md). Index claim_discharge_date (V29) finds the few claims
   * discharged after a future day; the settlement of each is found by its claim.
   */
  static final String SETTLED_FROM =
      Sql.render(
          Sql.dsl()
              .select(DSL.max(CLAIM.DISCHARGE_DATE))
              .from(CLAIM)
              .join(SETTLEMENT)
              .on(SETTLEMENT.CLAIM_ID.eq(CLAIM.ID))
              .leftJoin(POLICY_VERSION)
              .on(POLICY_VERSION.ID.eq(SETTLEMENT.POLICY_VERSION))
              .where(CLAIM.DISCHARGE_DATE.ge(Sql.p(3, CLAIM.DISCHARGE_DATE)))
              .and(SETTLEMENT.STATUS.eq(DSL.inline("SETTLED")))
              .and(
                  POLICY_VERSION
                      .REGION
                      .eq(Sql.p(1, POLICY_VERSION.REGION))
                      .and(POLICY_VERSION.SCHEME.eq(Sql.p(2, POLICY_VERSION.SCHEME)))
                      .or(
                          SETTLEMENT
                              .POLICY_VERSION
                              .isNull()
                              .and(
                                  DSL.left(
                                          SETTLEMENT.POLICY_ID,
                                          DSL.length(Sql.p(4, SETTLEMENT.POLICY_ID)))
                                      .eq(Sql.p(4, SETTLEMENT.POLICY_ID))))));

  /** How long an approval waits for the settlements in flight to commit, in milliseconds. */
  static final int SETTLEMENTS_WAIT_MILLIS = 2_000;

  /**
   * Holds off every settlement write until the approving transaction ends, after waiting (at most
   * {@link #SETTLEMENTS_WAIT_MILLIS}) for those in flight to commit: SHARE mode conflicts with the
   * ROW EXCLUSIVE lock every INSERT or UPDATE of settlement takes, and not with itself (two
   * approvals of different lines do not wait for each other). The wait's bound is for this lock
   * alone: the rest of the transaction (the audit chain's lock) waits as any other.
   */
  static final String LOCK_SETTLEMENTS =
      "SET LOCAL lock_timeout = '"
          + SETTLEMENTS_WAIT_MILLIS
          + "ms'; LOCK TABLE settlement IN SHARE MODE; SET LOCAL lock_timeout TO DEFAULT";

  static final String COUNT = Sql.render(Sql.dsl().selectCount().from(POLICY_VERSION));

  /**
   * Serialises changes of one line (and the seeding, under the key "policy:seed") across
   * transactions and instances, until COMMIT.
   */
  static final String LOCK =
      Sql.render(
          Sql.dsl()
              .select(
                  DSL.field(
                      "pg_advisory_xact_lock(hashtext({0}))",
                      Object.class, DSL.param("1", String.class))));

  private PolicyStore() {}

  /** Version $1 (a new query each time: a jOOQ query is changed by the steps added to it). */
  private static SelectConditionStep<Record> byId() {
    return Sql.dsl()
        .select(META)
        .from(POLICY_VERSION)
        .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID)));
  }

  /** {@link #DRAFTED} and then {@code more}. */
  private static List<Field<?>> columns(Field<?>... more) {
    List<Field<?>> out = new ArrayList<>(DRAFTED);
    out.addAll(List.of(more));
    return out;
  }

  /** $1, $2, … typed as {@code columns}. */
  private static List<Param<?>> params(List<Field<?>> columns) {
    List<Param<?>> out = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      out.add(Sql.p(i + 1, columns.get(i)));
    }
    return out;
  }

  /** column = $n for each of {@code columns}, in order. */
  private static Map<Field<?>, Param<?>> assignments(List<Field<?>> columns) {
    Map<Field<?>, Param<?>> out = new LinkedHashMap<>();
    List<Param<?>> params = params(columns);
    for (int i = 0; i < columns.size(); i++) {
      out.put(columns.get(i), params.get(i));
    }
    return out;
  }

  /**
   * The values of {@link #DRAFTED} for a version of {@code p} written as {@code document}; {@link
   * #INSERT} adds the author and the review, {@link #REVISE} the id.
   */
  static Tuple drafted(
      Policy p, String document, String documentNo, String reason, OffsetDateTime at) {
    return Tuple.tuple()
        .addString(p.id().region())
        .addString(p.id().scheme())
        .addShort((short) p.id().year())
        .addLocalDate(p.validFrom())
        .addLocalDate(p.validTo())
        .addString(document)
        .addString(Digests.sha256Hex(document))
        .addString(documentNo)
        .addString(reason)
        .addOffsetDateTime(at);
  }

  static Future<Void> lock(SqlConnection conn, String key) {
    return conn.preparedQuery(LOCK).execute(Tuple.of("policy:" + key)).mapEmpty();
  }

  /** The latest discharge day a live settlement of the line has used from {@code from} on. */
  static Future<Optional<LocalDate>> settledFrom(
      SqlConnection conn, String region, String scheme, LocalDate from) {
    return conn.preparedQuery(SETTLED_FROM)
        .execute(Tuple.of(region, scheme, from, region + "/" + scheme + "/"))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getLocalDate(0)));
  }

  static Future<Optional<PolicyVersion>> find(SqlConnection conn, long id, boolean forUpdate) {
    return conn.preparedQuery(forUpdate ? FIND_FOR_UPDATE : FIND)
        .execute(Tuple.of(id))
        .map(PolicyStore::first);
  }

  static Future<List<Timeline.Period>> line(SqlConnection conn, String region, String scheme) {
    return conn.preparedQuery(LINE)
        .execute(Tuple.of(region, scheme))
        .map(
            rows -> {
              List<Timeline.Period> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Timeline.Period(
                        r.getLong("id"), r.getLocalDate("valid_from"), r.getLocalDate("valid_to")));
              }
              return out;
            });
  }

  static Optional<PolicyVersion> first(RowSet<Row> rows) {
    return rows.iterator().hasNext()
        ? Optional.of(version(rows.iterator().next()))
        : Optional.empty();
  }

  static PolicyVersion version(Row r) {
    OffsetDateTime reviewed = r.getOffsetDateTime("reviewed_at");
    return new PolicyVersion(
        r.getLong("id"),
        r.getString("region"),
        r.getString("scheme"),
        r.getShort("policy_year"),
        r.getLocalDate("valid_from"),
        r.getLocalDate("valid_to"),
        PolicyVersion.State.valueOf(r.getString("state")),
        r.getString("document_no"),
        r.getString("reason"),
        r.getString("author"),
        r.getOffsetDateTime("drafted_at").toInstant(),
        r.getString("reviewer"),
        reviewed == null ? null : reviewed.toInstant(),
        r.getString("review_note"),
        r.getString("document_sha256"));
  }
}
