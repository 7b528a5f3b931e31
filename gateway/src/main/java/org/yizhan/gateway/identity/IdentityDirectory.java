package org.yizhan.gateway.identity;

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
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.infra.db.ChangeListener;
import org.yizhan.gateway.infra.db.Gatherer;
import org.yizhan.gateway.infra.db.NotifiedCache;

/**
 * The identities the engine sees: each person's current identities (the versions not superseded)
 * recorded by the office that manages the person ({@link ManagingOffice}), read from the store and
 * cached. An identity another office recorded (before that rule) does not count: it would make an
 * office that does not manage the person pay for them.
 *
 * <p>Staleness bound ({@link NotifiedCache}): a change made through this gateway invalidates the
 * person's entry before its transaction's answer is sent, and PostgreSQL NOTIFY on channel {@link
 * #CHANNEL} carries the invalidation to every other instance ({@link ChangeListener}); an entry is
 * otherwise kept at most the configured {@code identityCacheSeconds}, which bounds the staleness of
 * a change written to the database by other means, or of a lost notification. Misses are gathered
 * ({@link NotifiedCache}): the persons missed while a load is in flight are read together by the
 * next, one statement ({@link #CURRENT_OF_GROUP}) for the group.
 */
public final class IdentityDirectory {
  /** The NOTIFY channel that carries "this person's identities changed" between instances. */
  public static final String CHANNEL = "identity_changed";

  /** Persons cached at most. */
  static final int CACHE_ENTRIES = 200_000;

  /**
   * The current identities of a group of persons ($1 their ID numbers, each once, $2 the office
   * managing each, the same order) recorded by the person's managing office: one statement, an
   * index scan of {@code person_identity_current} per person, each person's rows together in the
   * order recorded.
   *
   * <p>The lateral subquery's {@code OFFSET 0} keeps PostgreSQL from flattening it into a join:
   * flattened, a table whose statistics are missing or stale (right after a seed or a bulk import,
   * before autovacuum's ANALYZE) was read whole into a hash join, 3,057 current rows scanned for
   * one person, 1.1–1.6 ms a load against 0.03 ms for a probe of the index per person (EXPLAIN
   * ANALYZE on the benchmark's database, 2026-12-02), which cost the benchmark about 0.2 ms of
   * PostgreSQL's CPU per settlement. As written, the plan is a nested loop of index probes whatever
   * the statistics say.
   */
  static final String CURRENT_OF_GROUP =
      "SELECT i.person_id_no, i.category, i.valid_from, i.valid_to, i.confirmed,"
          + " i.lifted_out_date"
          + " FROM unnest($1::text[], $2::text[]) AS g(person_id_no, office_code)"
          + " CROSS JOIN LATERAL (SELECT * FROM person_identity p"
          + " WHERE p.person_id_no = g.person_id_no AND p.office_code = g.office_code"
          + " AND p.superseded_at IS NULL OFFSET 0) i"
          + " ORDER BY i.person_id_no, i.id";

  private final NotifiedCache<List<Identity>> cache;

  public IdentityDirectory(Vertx vertx, SqlClient client, int cacheSeconds) {
    this.cache =
        new NotifiedCache<>(
            vertx, "identities", CHANNEL, CACHE_ENTRIES, cacheSeconds, currentOfGroup(client));
  }

  /**
   * The load of a group of persons' identities, one statement: each member's own, in order; a
   * person with none gets an empty list.
   */
  static Gatherer.RoundTrip<String, List<Identity>> currentOfGroup(SqlClient client) {
    return group -> {
      String[] persons = NotifiedCache.distinct(group);
      String[] offices = new String[persons.length];
      for (int i = 0; i < persons.length; i++) {
        offices[i] = ManagingOffice.of(persons[i]);
      }
      return client
          .preparedQuery(CURRENT_OF_GROUP)
          .execute(Tuple.tuple().addArrayOfString(persons).addArrayOfString(offices))
          .map(rows -> NotifiedCache.perKey(group, identities(rows), List.of()));
    };
  }

  /** The rows of a group's statement, by person: each person's in the statement's order. */
  private static Map<String, List<Identity>> identities(RowSet<Row> rows) {
    Map<String, List<Identity>> out = new HashMap<>();
    for (Row r : rows) {
      out.computeIfAbsent(r.getString("person_id_no"), k -> new ArrayList<>(2))
          .add(
              new Identity(
                  IdentityCategory.valueOf(r.getString("category")),
                  r.getLocalDate("valid_from"),
                  r.getLocalDate("valid_to"),
                  r.getBoolean("confirmed"),
                  r.getLocalDate("lifted_out_date")));
    }
    out.replaceAll((person, list) -> List.copyOf(list));
    return out;
  }

  /** The person's current identities (any validity dates; the engine picks those in force). */
  public Future<List<Identity>> current(String personIdNo) {
    return cache.get(personIdNo);
  }

  /** Forgets the person's cached identities: the next read goes to the store. */
  public void invalidate(String personIdNo) {
    cache.invalidate(personIdNo);
  }

  public void invalidateAll() {
    cache.invalidateAll();
  }

  /** Load round trips run so far (one statement each). */
  public long loadRoundTrips() {
    return cache.loadRoundTrips();
  }

  /** Misses waiting for a load round trip now. */
  int loadsQueued() {
    return cache.loadsQueued();
  }

  /** Publishes the cache's reads and size (tag {@code cache=identities}). */
  public IdentityDirectory bindTo(MeterRegistry registry) {
    cache.bindTo(registry, "identities");
    return this;
  }

  /** The change listener's channel of identities ({@link #CHANNEL}). */
  public ChangeListener.Channel listening() {
    return cache.listening();
  }
}
