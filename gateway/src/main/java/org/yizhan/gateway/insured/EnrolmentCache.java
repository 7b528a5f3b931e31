package org.yizhan.gateway.insured;

import static org.yizhan.gateway.infra.db.schema.Tables.INSURED_ENROLMENT;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.gateway.infra.db.ChangeListener;
import org.yizhan.gateway.infra.db.NotifiedCache;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The register as the settlements read it: each person's current enrolments ({@link Enrolled}),
 * read from the store ({@code insured_enrolment_current}, one indexed query) and cached, so that a
 * settlement of a person seen lately costs PostgreSQL no statement for the register.
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

  static final String CURRENT =
      Sql.render(
          Sql.dsl()
              .select(
                  INSURED_ENROLMENT.ADMDVS,
                  INSURED_ENROLMENT.SCHEME,
                  INSURED_ENROLMENT.VALID_FROM,
                  INSURED_ENROLMENT.VALID_TO,
                  INSURED_ENROLMENT.CONTRIBUTION_YEAR,
                  INSURED_ENROLMENT.CONTRIBUTION_STATUS)
              .from(INSURED_ENROLMENT)
              .where(INSURED_ENROLMENT.PERSON_ID_NO.eq(Sql.p(1, INSURED_ENROLMENT.PERSON_ID_NO)))
              .and(INSURED_ENROLMENT.SUPERSEDED_AT.isNull())
              .orderBy(INSURED_ENROLMENT.VALID_FROM));

  private final NotifiedCache<List<Enrolled>> cache;

  /**
   * @param cacheSeconds the longest an entry is kept, seconds (0: every read goes to the store)
   */
  public EnrolmentCache(Vertx vertx, Pool pool, int cacheSeconds) {
    this.cache =
        new NotifiedCache<>(
            vertx,
            CHANNEL,
            CACHE_ENTRIES,
            cacheSeconds,
            personIdNo ->
                pool.preparedQuery(CURRENT)
                    .execute(Tuple.of(personIdNo))
                    .map(EnrolmentCache::enrolled));
  }

  private static List<Enrolled> enrolled(RowSet<Row> rows) {
    List<Enrolled> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(
          new Enrolled(
              // one copy of each region's code: a few hundred regions, not one a person
              r.getString(0).intern(),
              Scheme.valueOf(r.getString(1)),
              r.getLocalDate(2),
              r.getLocalDate(3),
              r.getInteger(4),
              ContributionStatus.valueOf(r.getString(5))));
    }
    return List.copyOf(out);
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

  /** Persons cached now (an estimate). */
  public long size() {
    return cache.size();
  }
}
