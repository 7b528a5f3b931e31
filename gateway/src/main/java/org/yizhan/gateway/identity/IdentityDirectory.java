package org.yizhan.gateway.identity;

import static org.yizhan.gateway.infra.db.schema.Tables.PERSON_IDENTITY;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.infra.db.ChangeListener;
import org.yizhan.gateway.infra.db.NotifiedCache;
import org.yizhan.gateway.infra.db.Sql;

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
 * a change written to the database by other means, or of a lost notification.
 */
public final class IdentityDirectory {
  /** The NOTIFY channel that carries "this person's identities changed" between instances. */
  public static final String CHANNEL = "identity_changed";

  /** Persons cached at most. */
  static final int CACHE_ENTRIES = 200_000;

  static final String CURRENT =
      Sql.render(
          Sql.dsl()
              .select(
                  PERSON_IDENTITY.CATEGORY,
                  PERSON_IDENTITY.VALID_FROM,
                  PERSON_IDENTITY.VALID_TO,
                  PERSON_IDENTITY.CONFIRMED,
                  PERSON_IDENTITY.LIFTED_OUT_DATE)
              .from(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.PERSON_ID_NO.eq(Sql.p(1, PERSON_IDENTITY.PERSON_ID_NO)))
              .and(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(2, PERSON_IDENTITY.OFFICE_CODE)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .orderBy(PERSON_IDENTITY.ID));

  private final NotifiedCache<List<Identity>> cache;

  public IdentityDirectory(Vertx vertx, Pool pool, int cacheSeconds) {
    this.cache =
        new NotifiedCache<>(
            vertx,
            CHANNEL,
            CACHE_ENTRIES,
            cacheSeconds,
            personIdNo ->
                pool.preparedQuery(CURRENT)
                    .execute(Tuple.of(personIdNo, ManagingOffice.of(personIdNo)))
                    .map(IdentityDirectory::identities));
  }

  private static List<Identity> identities(Iterable<Row> rows) {
    List<Identity> out = new ArrayList<>(2);
    for (Row r : rows) {
      out.add(
          new Identity(
              IdentityCategory.valueOf(r.getString("category")),
              r.getLocalDate("valid_from"),
              r.getLocalDate("valid_to"),
              r.getBoolean("confirmed"),
              r.getLocalDate("lifted_out_date")));
    }
    return List.copyOf(out);
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
