package org.yizhan.gateway.policy;

import static org.yizhan.gateway.infra.db.schema.Tables.POLICY_VERSION;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.impl.DSL;
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

  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  POLICY_VERSION,
                  POLICY_VERSION.REGION,
                  POLICY_VERSION.SCHEME,
                  POLICY_VERSION.POLICY_YEAR,
                  POLICY_VERSION.VALID_FROM,
                  POLICY_VERSION.VALID_TO,
                  POLICY_VERSION.STATE,
                  POLICY_VERSION.DOCUMENT,
                  POLICY_VERSION.DOCUMENT_SHA256,
                  POLICY_VERSION.DOCUMENT_NO,
                  POLICY_VERSION.REASON,
                  POLICY_VERSION.AUTHOR,
                  POLICY_VERSION.DRAFTED_AT,
                  POLICY_VERSION.REVIEWER,
                  POLICY_VERSION.REVIEWED_AT)
              .values(
                  Sql.p(1, POLICY_VERSION.REGION),
                  Sql.p(2, POLICY_VERSION.SCHEME),
                  Sql.p(3, POLICY_VERSION.POLICY_YEAR),
                  Sql.p(4, POLICY_VERSION.VALID_FROM),
                  Sql.p(5, POLICY_VERSION.VALID_TO),
                  Sql.p(6, POLICY_VERSION.STATE),
                  Sql.p(7, POLICY_VERSION.DOCUMENT),
                  Sql.p(8, POLICY_VERSION.DOCUMENT_SHA256),
                  Sql.p(9, POLICY_VERSION.DOCUMENT_NO),
                  Sql.p(10, POLICY_VERSION.REASON),
                  Sql.p(11, POLICY_VERSION.AUTHOR),
                  Sql.p(12, POLICY_VERSION.DRAFTED_AT),
                  Sql.p(13, POLICY_VERSION.REVIEWER),
                  Sql.p(14, POLICY_VERSION.REVIEWED_AT))
              .returning(META));

  static final String REVISE =
      Sql.render(
          Sql.dsl()
              .update(POLICY_VERSION)
              .set(POLICY_VERSION.REGION, Sql.p(2, POLICY_VERSION.REGION))
              .set(POLICY_VERSION.SCHEME, Sql.p(3, POLICY_VERSION.SCHEME))
              .set(POLICY_VERSION.POLICY_YEAR, Sql.p(4, POLICY_VERSION.POLICY_YEAR))
              .set(POLICY_VERSION.VALID_FROM, Sql.p(5, POLICY_VERSION.VALID_FROM))
              .set(POLICY_VERSION.VALID_TO, Sql.p(6, POLICY_VERSION.VALID_TO))
              .set(POLICY_VERSION.DOCUMENT, Sql.p(7, POLICY_VERSION.DOCUMENT))
              .set(POLICY_VERSION.DOCUMENT_SHA256, Sql.p(8, POLICY_VERSION.DOCUMENT_SHA256))
              .set(POLICY_VERSION.DOCUMENT_NO, Sql.p(9, POLICY_VERSION.DOCUMENT_NO))
              .set(POLICY_VERSION.REASON, Sql.p(10, POLICY_VERSION.REASON))
              .set(POLICY_VERSION.DRAFTED_AT, Sql.p(11, POLICY_VERSION.DRAFTED_AT))
              .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID)))
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

  static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(META)
              .from(POLICY_VERSION)
              .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID))));

  /** The row locked, for a change that must see it as it is (revise, decide). */
  static final String FIND_FOR_UPDATE =
      Sql.render(
          Sql.dsl()
              .select(META)
              .from(POLICY_VERSION)
              .where(POLICY_VERSION.ID.eq(Sql.p(1, POLICY_VERSION.ID)))
              .forUpdate());

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

  static Future<Void> lock(SqlConnection conn, String key) {
    return conn.preparedQuery(LOCK).execute(Tuple.of("policy:" + key)).mapEmpty();
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
