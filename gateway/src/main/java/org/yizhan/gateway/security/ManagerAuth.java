package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.MANAGER;
import static org.yizhan.gateway.infra.db.schema.Tables.MANAGER_SESSION;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Civil-affairs managers log in with a password and get a session: 256 random bits, sent back as an
 * HttpOnly cookie (and in the body, for API clients that send it as a Bearer token). Only the
 * token's SHA-256 is stored. A session lasts {@link #SESSION_HOURS}; lookups are cached for {@link
 * #CACHE_SECONDS}, so a logout reaches other gateway instances within that bound.
 */
public final class ManagerAuth {
  /** How long a session lasts, hours. */
  public static final int SESSION_HOURS = 8;

  /** How long a session lookup is cached, seconds. */
  static final int CACHE_SECONDS = 10;

  /** A manager known by a session: one office's manager. */
  public record ManagerPrincipal(String username, String name, String officeCode) {
    public String actor() {
      return "manager:" + username;
    }
  }

  /** A new session: the token (given once) and who it is. */
  public record Session(String token, ManagerPrincipal manager, OffsetDateTime expiresAt) {}

  static final String FIND_MANAGER =
      Sql.render(
          Sql.dsl()
              .select(
                  MANAGER.USERNAME,
                  MANAGER.DISPLAY_NAME,
                  MANAGER.OFFICE_CODE,
                  MANAGER.PASSWORD_HASH)
              .from(MANAGER)
              .where(MANAGER.USERNAME.eq(Sql.p(1, MANAGER.USERNAME))));

  static final String INSERT_SESSION =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  MANAGER_SESSION,
                  MANAGER_SESSION.TOKEN_SHA256,
                  MANAGER_SESSION.USERNAME,
                  MANAGER_SESSION.CREATED_AT,
                  MANAGER_SESSION.EXPIRES_AT)
              .values(
                  Sql.p(1, MANAGER_SESSION.TOKEN_SHA256),
                  Sql.p(2, MANAGER_SESSION.USERNAME),
                  Sql.p(3, MANAGER_SESSION.CREATED_AT),
                  Sql.p(4, MANAGER_SESSION.EXPIRES_AT)));

  static final String FIND_SESSION =
      Sql.render(
          Sql.dsl()
              .select(MANAGER.USERNAME, MANAGER.DISPLAY_NAME, MANAGER.OFFICE_CODE)
              .from(MANAGER_SESSION)
              .join(MANAGER)
              .on(MANAGER.USERNAME.eq(MANAGER_SESSION.USERNAME))
              .where(MANAGER_SESSION.TOKEN_SHA256.eq(Sql.p(1, MANAGER_SESSION.TOKEN_SHA256)))
              .and(MANAGER_SESSION.EXPIRES_AT.gt(Sql.p(2, MANAGER_SESSION.EXPIRES_AT))));

  static final String DELETE_SESSION =
      Sql.render(
          Sql.dsl()
              .deleteFrom(MANAGER_SESSION)
              .where(MANAGER_SESSION.TOKEN_SHA256.eq(Sql.p(1, MANAGER_SESSION.TOKEN_SHA256))));

  /** Verifying against this keeps an unknown user's answer as slow as a wrong password's. */
  private static final String DUMMY_HASH = PasswordHash.hash("not a password".toCharArray());

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final AsyncLoadingCache<String, Optional<ManagerPrincipal>> sessions;
  private final LoginGuard loginGuard;

  public ManagerAuth(Vertx vertx, Pool pool, Clock clock, LoginGuard loginGuard) {
    this.vertx = vertx;
    this.loginGuard = loginGuard;
    this.pool = pool;
    this.clock = clock;
    this.sessions =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS))
            .buildAsync(
                (hash, executor) ->
                    pool.preparedQuery(FIND_SESSION)
                        .execute(Tuple.of(hash, OffsetDateTime.now(clock)))
                        .map(
                            rows ->
                                rows.size() == 0
                                    ? Optional.<ManagerPrincipal>empty()
                                    : Optional.of(principal(rows.iterator().next())))
                        .toCompletionStage()
                        .toCompletableFuture());
  }

  private static ManagerPrincipal principal(Row r) {
    return new ManagerPrincipal(
        r.getString("username"), r.getString("display_name"), r.getString("office_code"));
  }

  /**
   * Checks the password (on a worker thread) and opens a session; 401 when either is wrong, 429
   * {@code LOGIN_LOCKED} with Retry-After while the account or {@code address} is locked out after
   * failed attempts ({@link LoginGuard}; a lockout's start is audited as {@code LOGIN_LOCKOUT}).
   */
  public Future<Session> login(String username, String password, String address) {
    Optional<LoginGuard.Lockout> locked = loginGuard.locked(username, address);
    if (locked.isPresent()) {
      long wait = locked.get().secondsLeft(clock);
      return Future.failedFuture(
          Refusal.tooMany(
              "LOGIN_LOCKED",
              "too many failed logins from this "
                  + locked.get().kind()
                  + "; retry after "
                  + wait
                  + " seconds",
              wait));
    }
    return pool.preparedQuery(FIND_MANAGER)
        .execute(Tuple.of(username))
        .compose(
            rows -> {
              Row r = rows.size() == 0 ? null : rows.iterator().next();
              String stored = r == null ? DUMMY_HASH : r.getString("password_hash");
              return vertx
                  .executeBlocking(() -> PasswordHash.verify(password.toCharArray(), stored), false)
                  .compose(
                      ok -> {
                        if (ok && r != null) {
                          loginGuard.succeeded(username);
                          return open(principal(r));
                        }
                        return audit(loginGuard.failed(username, address))
                            .compose(
                                v ->
                                    Future.failedFuture(
                                        Refusal.unauthenticated("invalid username or password")));
                      });
            });
  }

  /** Appends a {@code LOGIN_LOCKOUT} entry for each lockout just begun. */
  private Future<Void> audit(List<LoginGuard.Lockout> begun) {
    if (begun.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(
        conn -> {
          Future<Void> chain = Future.succeededFuture();
          for (LoginGuard.Lockout l : begun) {
            chain =
                chain.compose(
                    v ->
                        Audit.append(
                            conn,
                            "gateway",
                            "LOGIN_LOCKOUT",
                            l.kind().equals("account") ? "manager" : "address",
                            l.who(),
                            new JsonObject()
                                .put("failures", l.failures())
                                .put("until", l.until().toString())));
          }
          return chain;
        });
  }

  private Future<Session> open(ManagerPrincipal m) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    OffsetDateTime expires = now.plusHours(SESSION_HOURS);
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(INSERT_SESSION)
                    .execute(Tuple.of(Digests.sha256Hex(token), m.username(), now, expires))
                    .compose(
                        x ->
                            Audit.append(
                                conn,
                                m.actor(),
                                "LOGIN",
                                "manager",
                                m.username(),
                                new JsonObject().put("office", m.officeCode()))))
        .map(v -> new Session(token, m, expires));
  }

  /** The manager of a session token; 401 when none or expired. */
  public Future<ManagerPrincipal> authenticate(String token) {
    if (token == null || token.isEmpty() || token.length() > 128) {
      return Future.failedFuture(Refusal.unauthenticated("log in first"));
    }
    return Future.fromCompletionStage(
            sessions.get(Digests.sha256Hex(token)), vertx.getOrCreateContext())
        .compose(
            p ->
                p.isPresent()
                    ? Future.succeededFuture(p.get())
                    : Future.failedFuture(
                        Refusal.unauthenticated("session expired; log in again")));
  }

  public Future<Void> logout(String token) {
    String hash = Digests.sha256Hex(token);
    sessions.synchronous().invalidate(hash);
    return pool.preparedQuery(DELETE_SESSION).execute(Tuple.of(hash)).mapEmpty();
  }
}
