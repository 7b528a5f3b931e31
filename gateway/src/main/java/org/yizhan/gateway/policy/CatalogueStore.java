package org.yizhan.gateway.policy;

import static org.yizhan.gateway.infra.db.schema.Tables.CATALOGUE_ENTRY;
import static org.yizhan.gateway.infra.db.schema.Tables.CATALOGUE_VERSION;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.gateway.infra.db.MultiRow;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.db.schema.CatalogueVersionRecord;

/**
 * The SQL of catalogue versions and their entries, rendered once from the generated schema. Every
 * change runs inside a transaction its caller ({@link CatalogueService}) opens, with the audit
 * entry and the NOTIFY.
 */
final class CatalogueStore {
  /** The most versions a listing returns (newest first); a province keeps a few a year. */
  static final int LIST_MAX = 500;

  /**
   * A catalogue's line never ends: an open version is treated as ending on this day by the
   * timeline's checks ({@link Timeline}), so that a successor may start any later day.
   */
  static final LocalDate OPEN_END = LocalDate.of(9999, 12, 31);

  static final Field<?>[] META = {
    CATALOGUE_VERSION.ID,
    CATALOGUE_VERSION.SCOPE,
    CATALOGUE_VERSION.VALID_FROM,
    CATALOGUE_VERSION.VALID_TO,
    CATALOGUE_VERSION.STATE,
    CATALOGUE_VERSION.ENTRY_COUNT,
    CATALOGUE_VERSION.DOCUMENT_NO,
    CATALOGUE_VERSION.REASON,
    CATALOGUE_VERSION.AUTHOR,
    CATALOGUE_VERSION.DRAFTED_AT,
    CATALOGUE_VERSION.REVIEWER,
    CATALOGUE_VERSION.REVIEWED_AT,
    CATALOGUE_VERSION.REVIEW_NOTE,
    CATALOGUE_VERSION.DOCUMENT_SHA256
  };

  /** A new version, always a DRAFT (the seed approves its own right after: see the service). */
  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  CATALOGUE_VERSION,
                  CATALOGUE_VERSION.SCOPE,
                  CATALOGUE_VERSION.VALID_FROM,
                  CATALOGUE_VERSION.VALID_TO,
                  CATALOGUE_VERSION.STATE,
                  CATALOGUE_VERSION.ENTRY_COUNT,
                  CATALOGUE_VERSION.DOCUMENT,
                  CATALOGUE_VERSION.DOCUMENT_SHA256,
                  CATALOGUE_VERSION.DOCUMENT_NO,
                  CATALOGUE_VERSION.REASON,
                  CATALOGUE_VERSION.AUTHOR,
                  CATALOGUE_VERSION.DRAFTED_AT)
              .values(
                  Sql.p(1, CATALOGUE_VERSION.SCOPE),
                  Sql.p(2, CATALOGUE_VERSION.VALID_FROM),
                  Sql.p(3, CATALOGUE_VERSION.VALID_TO),
                  DSL.inline("DRAFT"),
                  Sql.p(4, CATALOGUE_VERSION.ENTRY_COUNT),
                  Sql.p(5, CATALOGUE_VERSION.DOCUMENT),
                  Sql.p(6, CATALOGUE_VERSION.DOCUMENT_SHA256),
                  Sql.p(7, CATALOGUE_VERSION.DOCUMENT_NO),
                  Sql.p(8, CATALOGUE_VERSION.REASON),
                  Sql.p(9, CATALOGUE_VERSION.AUTHOR),
                  Sql.p(10, CATALOGUE_VERSION.DRAFTED_AT))
              .returning(META));

  /** An entry's columns, in the order of {@link #entryRow}. */
  static final Field<?>[] ENTRY_COLUMNS = {
    CATALOGUE_ENTRY.VERSION,
    CATALOGUE_ENTRY.CODE,
    CATALOGUE_ENTRY.VALID_FROM,
    CATALOGUE_ENTRY.VALID_TO,
    CATALOGUE_ENTRY.NAME,
    CATALOGUE_ENTRY.CATEGORY,
    CATALOGUE_ENTRY.SELF_PAY_RATIO,
    CATALOGUE_ENTRY.PRICE_CAP_E6,
    CATALOGUE_ENTRY.LINE_NO
  };

  static final String INSERT_ENTRIES = MultiRow.insert(ENTRY_COLUMNS);

  static final VersionSql<CatalogueVersionRecord> VERSIONS =
      new VersionSql<>(
          CATALOGUE_VERSION,
          CATALOGUE_VERSION.ID,
          CATALOGUE_VERSION.STATE,
          CATALOGUE_VERSION.REVIEWER,
          CATALOGUE_VERSION.REVIEWED_AT,
          CATALOGUE_VERSION.REVIEW_NOTE,
          CATALOGUE_VERSION.DOCUMENT);

  static final String DECIDE = VERSIONS.decide(META);
  static final String FIND = VERSIONS.find(META);
  static final String FIND_FOR_UPDATE = VERSIONS.findForUpdate(META);
  static final String DOCUMENT = VERSIONS.readDocument();

  /** Every version, newest first: anyone of an agency reads the catalogue. */
  static final String LIST =
      Sql.render(
          Sql.dsl()
              .select(META)
              .from(CATALOGUE_VERSION)
              .orderBy(CATALOGUE_VERSION.ID.desc())
              .limit(DSL.inline(LIST_MAX)));

  /** The approved versions of one scope: their periods, for the timeline's checks. */
  static final String LINE =
      Sql.render(
          Sql.dsl()
              .select(
                  CATALOGUE_VERSION.ID, CATALOGUE_VERSION.VALID_FROM, CATALOGUE_VERSION.VALID_TO)
              .from(CATALOGUE_VERSION)
              .where(CATALOGUE_VERSION.SCOPE.eq(Sql.p(1, CATALOGUE_VERSION.SCOPE)))
              .and(CATALOGUE_VERSION.STATE.eq(DSL.inline("APPROVED"))));

  /** Every approved version's days, for the live book ({@link CatalogueBook}). */
  static final String APPROVED =
      Sql.render(
          Sql.dsl()
              .select(
                  CATALOGUE_VERSION.ID, CATALOGUE_VERSION.VALID_FROM, CATALOGUE_VERSION.VALID_TO)
              .from(CATALOGUE_VERSION)
              .where(CATALOGUE_VERSION.STATE.eq(DSL.inline("APPROVED")))
              .orderBy(CATALOGUE_VERSION.ID));

  /** The entries of the versions $1 (a bigint[]). */
  static final String ENTRIES_OF =
      Sql.render(
          Sql.dsl()
              .select(ENTRY_COLUMNS)
              .from(CATALOGUE_ENTRY)
              .where(
                  DSL.condition(
                      "{0} = any({1})", CATALOGUE_ENTRY.VERSION, Sql.array(1, "bigint"))));

  static final String COUNT = Sql.render(Sql.dsl().selectCount().from(CATALOGUE_VERSION));

  private CatalogueStore() {}

  /** Serialises changes of one scope's catalogue (and the seeding) until COMMIT. */
  static Future<Void> lock(SqlConnection conn, String key) {
    return PolicyStore.lock(conn, "catalogue:" + key);
  }

  static Future<Optional<CatalogueVersion>> find(SqlConnection conn, long id, boolean forUpdate) {
    return conn.preparedQuery(forUpdate ? FIND_FOR_UPDATE : FIND)
        .execute(Tuple.of(id))
        .map(CatalogueStore::first);
  }

  /** The scope's approved periods, an open end as {@link #OPEN_END}. */
  static Future<List<Timeline.Period>> line(SqlConnection conn, String scope) {
    return conn.preparedQuery(LINE)
        .execute(Tuple.of(scope))
        .map(
            rows -> {
              List<Timeline.Period> out = new ArrayList<>();
              for (Row r : rows) {
                LocalDate to = r.getLocalDate("valid_to");
                out.add(
                    new Timeline.Period(
                        r.getLong("id"), r.getLocalDate("valid_from"), to == null ? OPEN_END : to));
              }
              return out;
            });
  }

  /** Writes a draft's entries, {@link MultiRow#MAX_ROWS} to a statement. */
  static Future<Void> insertEntries(
      SqlConnection conn, long version, List<CatalogueEntry> entries, List<Integer> lines) {
    Future<Void> done = Future.succeededFuture();
    for (int start = 0; start < entries.size(); start += MultiRow.MAX_ROWS) {
      List<Tuple> rows = new ArrayList<>();
      for (int i = start; i < Math.min(entries.size(), start + MultiRow.MAX_ROWS); i++) {
        rows.add(entryRow(version, entries.get(i), lines.get(i)));
      }
      done =
          done.compose(
              v ->
                  conn.preparedQuery(INSERT_ENTRIES)
                      .execute(MultiRow.columns(rows, ENTRY_COLUMNS.length))
                      .mapEmpty());
    }
    return done;
  }

  private static Tuple entryRow(long version, CatalogueEntry e, int line) {
    return Tuple.tuple()
        .addLong(version)
        .addString(e.code())
        .addLocalDate(e.validFrom())
        .addLocalDate(e.validTo())
        .addString(e.name())
        .addString(e.category().name())
        .addInteger(e.selfPayRatio().perTenThousand())
        .addLong(e.priceCapE6())
        .addInteger(line);
  }

  static Optional<CatalogueVersion> first(RowSet<Row> rows) {
    return VersionSql.first(rows, CatalogueStore::version);
  }

  static CatalogueVersion version(Row r) {
    OffsetDateTime reviewed = r.getOffsetDateTime("reviewed_at");
    return new CatalogueVersion(
        r.getLong("id"),
        r.getString("scope"),
        r.getLocalDate("valid_from"),
        r.getLocalDate("valid_to"),
        PolicyVersion.State.valueOf(r.getString("state")),
        r.getInteger("entry_count"),
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
