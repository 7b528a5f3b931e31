package org.yizhan.gateway.insured;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yizhan.gateway.infra.db.ChangeListener;
import org.yizhan.gateway.infra.db.Gatherer;
import org.yizhan.gateway.infra.db.NotifiedCache;

/**
 * The register as the settlements read it: each person's current enrolments ({@link Enrolled}),
 * read from the store ({@code insured_enrolment_current}, an indexed query) and cached, so that a
 * settlement of a person seen lately costs PostgreSQL no statement for the register. Misses are
 * gathered ({@link NotifiedCache}): the persons missed while a load is in flight are read together
 * by the next, one statement ({@link #CURRENT_OF_GROUP}) for the group.
 *
 * <p>Staleness bound, as the identities' ({@link NotifiedCache}): every change of the register
 * through this gateway drops the person's entry after its commit and before its answer ({@link
 * RegisterService}), or every entry after a bulk import ({@link ImportJobs}), and NOTIFY on channel
 * {@link #CHANNEL} in the change's transaction carries the same to every other instance; an entry
 * is otherwise kept at most the configured {@code registerCacheSeconds}, the bound for a change
 * written to the database by other means or a lost notification.
 *
 * <p>Memory: at most {@link #CACHE_ENTRIES} persons, each a list of one or two small records (about
 * 300 bytes with the cache's node and key), so about 30 MB at the bound.
 */
public final class EnrolmentCache {
  /** The NOTIFY channel that carries "this person's enrolments changed" ("*": anyone's). */
  public static final String CHANNEL = "insured_changed";

  /** Persons cached at most. */
  static final int CACHE_ENTRIES = 100_000;

  /**
   * The current enrolments of a group of persons ($1 their ID numbers, each once): one statement,
   * an index scan of {@code insured_enrolment_current} per person, each person's rows together and
   * earliest first.
   */
  static final String CURRENT_OF_GROUP =
      "SELECT person_id_no, admdvs, scheme, valid_from, valid_to, contribution_year,"
          + " contribution_status FROM insured_enrolment"
          + " WHERE person_id_no = ANY($1::text[]) AND superseded_at IS NULL"
          + " ORDER BY person_id_no, valid_from";

  private final NotifiedCache<List<Enrolled>> cache;

  /**
   * @param cacheSeconds the longest an entry is kept, seconds (0: every read goes to the store)
   */
  public EnrolmentCache(Vertx vertx, SqlClient client, int cacheSeconds) {
    this.cache =
        new NotifiedCache<>(
            vertx, "enrolments", CHANNEL, CACHE_ENTRIES, cacheSeconds, currentOfGroup(client));
  }

  /**
   * The load of a group of persons' enrolments, one statement: each member's own, in order; a
   * person with none gets an empty list (cached too: "not enrolled" is an answer).
   */
  static Gatherer.RoundTrip<String, List<Enrolled>> currentOfGroup(SqlClient client) {
    return group ->
        client
            .preparedQuery(CURRENT_OF_GROUP)
            .execute(Tuple.of(NotifiedCache.distinct(group)))
            .map(rows -> NotifiedCache.perKey(group, enrolled(rows), List.of()));
  }

  /** The rows of a group's statement, by person: each person's in the statement's order. */
  private static Map<String, List<Enrolled>> enrolled(RowSet<Row> rows) {
    Map<String, List<Enrolled>> out = new HashMap<>();
    for (Row r : rows) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>(2))
          .add(
              new Enrolled(
                  // one copy of each region's code: a few hundred regions, not one a person
                  r.getString(1).intern(),
                  Scheme.valueOf(r.getString(2)),
                  r.getLocalDate(3),
                  r.getLocalDate(4),
                  r.getInteger(5),
                  ContributionStatus.valueOf(r.getString(6))));
    }
    out.replaceAll((person, list) -> List.copyOf(list));
    return out;
  }

  /** The person's current enrolments (every scheme and period), earliest first. */
  public Future<List<Enrolled>> current(String personIdNo) {
    return cache.get(personIdNo);
  }

  /** Forgets the person's cached enrolments: the next read goes to the store. */
  public void invalidate(String personIdNo) {
    cache.invalidate(personIdNo);
  }

  /** Forgets every person's (after a bulk import). */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  /** The change listener's channel of the register ({@link #CHANNEL}). */
  public ChangeListener.Channel listening() {
    return cache.listening();
  }

  /** The NOTIFY of a change, run in its transaction with the person's ID number or "*". */
  String notifyStatement() {
    return cache.notifyStatement();
  }

  /** Publishes the cache's reads and size (tag {@code cache=enrolments}). */
  public EnrolmentCache bindTo(MeterRegistry registry) {
    cache.bindTo(registry, "enrolments");
    return this;
  }

  /** Reads answered from the cache so far. */
  public long hits() {
    return cache.hits();
  }

  /** Load round trips run so far (one statement each). */
  public long loadRoundTrips() {
    return cache.loadRoundTrips();
  }

  /** Misses waiting for a load round trip now. */
  int loadsQueued() {
    return cache.loadsQueued();
  }

  /** Persons cached now (an estimate). */
  public long size() {
    return cache.size();
  }
}
