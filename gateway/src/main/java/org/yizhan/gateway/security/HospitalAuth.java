package org.yizhan.gateway.security;

import static org.yizhan.gateway.store.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.store.schema.Tables.HOSPITAL_KEY;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jooq.impl.DSL;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.http.ApiError;
import org.yizhan.gateway.store.DbGuard;
import org.yizhan.gateway.store.Sql;

/**
 * Who is calling: a hospital, known by its API key. The key is looked up by its SHA-256 (the secret
 * itself is never stored), and the hospital's code and level come from the registry, never from the
 * request. Lookups are cached (Caffeine) for {@link #CACHE_SECONDS}; unknown keys are cached too,
 * so a flood of made-up keys cannot reach the database.
 */
public final class HospitalAuth {
  /** How long a key lookup is cached, seconds: a revoked key stops working within this. */
  public static final int CACHE_SECONDS = 60;

  /** Keys cached at most. */
  static final int CACHE_ENTRIES = 10_000;

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

  static final String FIND_KEY =
      Sql.render(
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
              .where(HOSPITAL_KEY.KEY_SHA256.eq(Sql.p(1, HOSPITAL_KEY.KEY_SHA256)))
              .and(HOSPITAL_KEY.VALID_FROM.le(Sql.p(2, HOSPITAL_KEY.VALID_FROM)))
              .and(
                  HOSPITAL_KEY
                      .VALID_TO
                      .isNull()
                      .or(HOSPITAL_KEY.VALID_TO.gt(DSL.param("2", HOSPITAL_KEY.VALID_TO)))));

  private final Vertx vertx;
  private final AsyncLoadingCache<String, Optional<Principal>> byKeyHash;

  public HospitalAuth(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.byKeyHash =
        Caffeine.newBuilder()
            .maximumSize(CACHE_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS))
            .buildAsync(
                (hash, executor) ->
                    pool.preparedQuery(FIND_KEY)
                        .execute(Tuple.of(hash, OffsetDateTime.now(ZoneOffset.UTC)))
                        .map(
                            rows ->
                                rows.size() == 0
                                    ? Optional.<Principal>empty()
                                    : principal(rows.iterator().next()))
                        .toCompletionStage()
                        .toCompletableFuture());
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
   * (X-Api-Key) headers; fails with 401 when neither names a valid key.
   */
  public Future<Principal> authenticate(String authorization, String apiKey) {
    String key = apiKey;
    if (key == null
        && authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = authorization.substring(7).trim();
    }
    if (key == null || key.isEmpty() || key.length() > 256) {
      return Future.failedFuture(
          ApiError.unauthenticated("an API key is required: Authorization: Bearer <key>"));
    }
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(byKeyHash.get(sha256Hex(key)), context)
        // a key that cannot be looked up now is the database's fault, not the caller's: 503
        .recover(
            e ->
                Future.failedFuture(
                    new DbGuard.Unavailable("the key could not be checked; retry later")))
        .compose(
            p ->
                p.isPresent()
                    ? Future.succeededFuture(p.get())
                    : Future.failedFuture(ApiError.unauthenticated("unknown or expired API key")));
  }

  /** Forgets cached lookups, e.g. after a key change. */
  public void invalidateAll() {
    byKeyHash.synchronous().invalidateAll();
  }

  public static String sha256Hex(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
