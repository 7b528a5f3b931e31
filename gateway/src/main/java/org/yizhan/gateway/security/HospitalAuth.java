package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL_KEY;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.impl.DSL;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Who is calling: a hospital, known by its API key. The key is looked up by its SHA-256 (the secret
 * itself is never stored), and the hospital's code and level come from the registry, never from the
 * request. Lookups are cached (Caffeine) for {@link #CACHE_SECONDS}.
 *
 * <p>Made-up keys must cost the database nothing. An unknown key is remembered in a separate,
 * bounded negative cache for {@link #UNKNOWN_SECONDS} (separate so that a flood of made-up keys
 * cannot evict the real ones); both caches are dropped when a key is issued or revoked (PostgreSQL
 * NOTIFY, on every instance). A key in neither cache costs a lookup, and those are limited per
 * remote address ({@link AddressLimiter}: {@code 429 KEY_LOOKUPS_LIMITED} beyond), so one address
 * sending a new made-up key with every request reaches the database at most that many times a
 * second.
 */
public final class HospitalAuth {
  /** How long a key lookup is cached, seconds: a revoked key stops working within this. */
  public static final int CACHE_SECONDS = 60;

  /** Keys cached at most. */
  static final int CACHE_ENTRIES = 10_000;

  /** How long an unknown key is remembered as unknown, seconds. */
  static final int UNKNOWN_SECONDS = 10;

  /** Unknown keys remembered at most. */
  static final int UNKNOWN_ENTRIES = 100_000;

  /**
   * A caller known by its key.
   *
   * @param keySha256 hex SHA-256 of the key: the signing key of its requests
   */
  public record Principal(Hospital hospital, String keyId, String keySha256) {
    public String actor() {
      return "hospital:" + hospital.code();
    }
  }

  /** The keys in force at {@code $2} whose column {@code by} is {@code $1}, with their hospital. */
  private static String keysInForce(Condition by) {
    return Sql.render(
        Sql.dsl()
            .select(
                HOSPITAL.CODE,
                HOSPITAL.NAME,
                HOSPITAL.HOSPITAL_LEVEL,
                HOSPITAL.REGION,
                HOSPITAL_KEY.KEY_ID,
                HOSPITAL_KEY.KEY_SHA256)
            .from(HOSPITAL_KEY)
            .join(HOSPITAL)
            .on(HOSPITAL.CODE.eq(HOSPITAL_KEY.HOSPITAL_CODE))
            .where(by)
            .and(HOSPITAL_KEY.VALID_FROM.le(Sql.p(2, HOSPITAL_KEY.VALID_FROM)))
            .and(
                HOSPITAL_KEY
                    .VALID_TO
                    .isNull()
                    .or(HOSPITAL_KEY.VALID_TO.gt(DSL.param("2", HOSPITAL_KEY.VALID_TO)))));
  }

  static final String FIND_KEY =
      keysInForce(HOSPITAL_KEY.KEY_SHA256.eq(Sql.p(1, HOSPITAL_KEY.KEY_SHA256)));

  static final String FIND_HOSPITAL_KEYS =
      keysInForce(HOSPITAL_KEY.HOSPITAL_CODE.eq(Sql.p(1, HOSPITAL_KEY.HOSPITAL_CODE)));

  private final Vertx vertx;
  private final AsyncLoadingCache<String, Optional<Principal>> byKeyHash;
  private final AsyncLoadingCache<String, List<Principal>> byHospital;
  private final Cache<String, Boolean> unknown;
  private final AddressLimiter lookups;

  /** The gateway's clock: a key is valid from its valid_from until its valid_to. */
  private final Clock clock;

  public HospitalAuth(Vertx vertx, Pool pool, AddressLimiter lookups, Clock clock) {
    this.vertx = vertx;
    this.lookups = lookups;
    this.clock = clock;
    this.unknown =
        Caffeine.newBuilder()
            .executor(Runnable::run) // maintenance inline, as NotifiedCache's
            .maximumSize(UNKNOWN_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(UNKNOWN_SECONDS))
            .build();
    this.byKeyHash =
        Caffeine.newBuilder()
            .executor(Runnable::run) // maintenance inline, as NotifiedCache's
            .maximumSize(CACHE_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS))
            .buildAsync(
                (hash, executor) ->
                    pool.preparedQuery(FIND_KEY)
                        .execute(
                            Tuple.of(
                                hash, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                        .map(
                            rows ->
                                rows.size() == 0
                                    ? Optional.<Principal>empty()
                                    : principal(rows.iterator().next()))
                        .toCompletionStage()
                        .toCompletableFuture());
    this.byHospital =
        Caffeine.newBuilder()
            .executor(Runnable::run) // maintenance inline, as NotifiedCache's
            .maximumSize(CACHE_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS))
            .buildAsync(
                (code, executor) ->
                    pool.preparedQuery(FIND_HOSPITAL_KEYS)
                        .execute(Tuple.of(code, clock.instant().atOffset(ZoneOffset.UTC)))
                        .map(HospitalAuth::principals)
                        .toCompletionStage()
                        .toCompletableFuture());
  }

  private static List<Principal> principals(RowSet<Row> rows) {
    List<Principal> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(principal(r).orElseThrow());
    }
    return List.copyOf(out);
  }

  /**
   * The hospital's keys in force, each as the caller it would make (a hospital known by its paasid
   * signs with one of them); cached as key lookups are. Only hospitals of the registry are asked
   * for, so made-up callers cost no lookup.
   */
  public Future<List<Principal>> keysOf(String hospitalCode) {
    return Future.fromCompletionStage(byHospital.get(hospitalCode), vertx.getOrCreateContext())
        .recover(
            e ->
                Future.failedFuture(
                    new DbGuard.Unavailable("the caller could not be checked; retry later")));
  }

  private static Optional<Principal> principal(Row r) {
    return Optional.of(
        new Principal(
            new Hospital(
                r.getString("code"),
                r.getString("name"),
                r.getInteger("hospital_level"),
                r.getString("region"),
                List.of()),
            r.getString("key_id"),
            r.getString("key_sha256")));
  }

  /**
   * The caller of a request with {@code authorization} ("Bearer &lt;key&gt;") or {@code apiKey}
   * (X-Api-Key or apikey) headers, from remote {@code address}; fails with 401 when neither names a
   * valid key, with 429 when the address has had too many unknown keys looked up this second.
   */
  public Future<Principal> authenticate(String authorization, String apiKey, String address) {
    String key = apiKey;
    if (key == null
        && authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = authorization.substring(7).trim();
    }
    if (key == null || key.isEmpty() || key.length() > 256) {
      return Future.failedFuture(
          Refusal.unauthenticated("an API key is required: Authorization: Bearer <key>"));
    }
    String hash = Digests.sha256Hex(key);
    if (unknown.getIfPresent(hash) != null) {
      return Future.failedFuture(Refusal.unauthenticated("unknown or expired API key"));
    }
    if (byKeyHash.getIfPresent(hash) == null && !lookups.tryAcquire(address)) {
      return Future.failedFuture(
          Refusal.tooMany(
              "KEY_LOOKUPS_LIMITED",
              "too many requests: more than "
                  + lookups.perSecond()
                  + " unknown API keys a second from this address; retry after 1 second",
              1));
    }
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(byKeyHash.get(hash), context)
        // a key that cannot be looked up now is the database's fault, not the caller's: 503
        .recover(
            e ->
                Future.failedFuture(
                    new DbGuard.Unavailable("the key could not be checked; retry later")))
        .compose(
            p -> {
              if (p.isPresent()) {
                return Future.succeededFuture(p.get());
              }
              unknown.put(hash, Boolean.TRUE);
              byKeyHash.synchronous().invalidate(hash);
              return Future.failedFuture(Refusal.unauthenticated("unknown or expired API key"));
            });
  }

  /** Forgets cached lookups, known and unknown keys, e.g. after a key change. */
  public void invalidateAll() {
    byKeyHash.synchronous().invalidateAll();
    byHospital.synchronous().invalidateAll();
    unknown.invalidateAll();
  }
}
