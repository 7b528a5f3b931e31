package org.yizhan.gateway.insured;

import static org.yizhan.gateway.infra.db.schema.Tables.INSURED_ENROLMENT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The register's reads: a person's current enrolments (the settlement's check, one indexed query),
 * the holder of a card (1101 by card), a region's page and an enrolment's history.
 *
 * <p>A person's current enrolments are an index scan of {@code insured_enrolment_current}
 * (person_id_no, partial on current rows) returning the person's few rows (one per scheme and
 * period kept). Settlements do not read them here: they read {@link EnrolmentCache}, which loads a
 * group of persons' in one statement.
 */
public final class EnrolmentStore {
  static final String CURRENT_OF_PERSON =
      Sql.render(
          Sql.dsl()
              .selectFrom(INSURED_ENROLMENT)
              .where(INSURED_ENROLMENT.PERSON_ID_NO.eq(Sql.p(1, INSURED_ENROLMENT.PERSON_ID_NO)))
              .and(INSURED_ENROLMENT.SUPERSEDED_AT.isNull())
              .orderBy(INSURED_ENROLMENT.VALID_FROM));

  static final String CURRENT_BY_CARD =
      Sql.render(
          Sql.dsl()
              .selectFrom(INSURED_ENROLMENT)
              .where(INSURED_ENROLMENT.CARD_NO.eq(Sql.p(1, INSURED_ENROLMENT.CARD_NO)))
              .and(INSURED_ENROLMENT.SUPERSEDED_AT.isNull())
              .orderBy(INSURED_ENROLMENT.VALID_FROM));

  /** All versions of an enrolment, oldest first. */
  static final String HISTORY =
      Sql.render(
          Sql.dsl()
              .selectFrom(INSURED_ENROLMENT)
              .where(INSURED_ENROLMENT.ENROLMENT_ID.eq(Sql.p(1, INSURED_ENROLMENT.ENROLMENT_ID)))
              .orderBy(INSURED_ENROLMENT.VERSION));

  /** Current enrolments of regions starting with $1 (an agency's), $2 ID-number prefix or null. */
  static final String PAGE =
      "SELECT * FROM insured_enrolment WHERE superseded_at IS NULL AND admdvs LIKE $1 || '%'"
          + " AND ($2::varchar IS NULL OR person_id_no LIKE $2 || '%')"
          + " ORDER BY admdvs, person_id_no, scheme, valid_from LIMIT $3 OFFSET $4";

  static final String COUNT =
      "SELECT count(*) FROM insured_enrolment WHERE superseded_at IS NULL AND admdvs LIKE $1 || '%'"
          + " AND ($2::varchar IS NULL OR person_id_no LIKE $2 || '%')";

  private final SqlClient client;

  public EnrolmentStore(SqlClient client) {
    this.client = client;
  }

  /** The person's current enrolments (every scheme and period), earliest first. */
  public Future<List<Enrolment>> current(String personIdNo) {
    return client
        .preparedQuery(CURRENT_OF_PERSON)
        .execute(Tuple.of(personIdNo))
        .map(EnrolmentStore::enrolments);
  }

  /** The current enrolments carrying the card number (one holder's: the register refuses two). */
  public Future<List<Enrolment>> byCard(String cardNo) {
    return client
        .preparedQuery(CURRENT_BY_CARD)
        .execute(Tuple.of(cardNo))
        .map(EnrolmentStore::enrolments);
  }

  Future<List<Enrolment>> history(java.util.UUID enrolmentId) {
    return client
        .preparedQuery(HISTORY)
        .execute(Tuple.of(enrolmentId))
        .map(EnrolmentStore::enrolments);
  }

  /** A page of current enrolments. */
  public record Page(List<Enrolment> items, int page, int size, long total) {}

  Future<Page> page(String agencyRegion, String idPrefix, int page, int size) {
    String prefix = Regions.prefix(agencyRegion);
    Future<RowSet<Row>> rows =
        client.preparedQuery(PAGE).execute(Tuple.of(prefix, idPrefix, size, (page - 1) * size));
    Future<RowSet<Row>> count = client.preparedQuery(COUNT).execute(Tuple.of(prefix, idPrefix));
    return Future.all(rows, count)
        .map(
            x ->
                new Page(
                    enrolments(rows.result()),
                    page,
                    size,
                    count.result().iterator().next().getLong(0)));
  }

  static List<Enrolment> enrolments(RowSet<Row> rows) {
    List<Enrolment> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(Enrolment.of(r));
    }
    return out;
  }
}
