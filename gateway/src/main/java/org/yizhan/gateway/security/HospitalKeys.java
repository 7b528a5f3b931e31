package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL_KEY;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.HospitalAuth.Principal;

/**
 * Key rotation: a hospital issues itself a new API key while the old one still works, moves its
 * systems over, then revokes the old one. At most {@link #MAX_VALID} keys are valid at once, and
 * the last valid key cannot be revoked (the hospital would lock itself out). The new secret is
 * shown once and stored only as its SHA-256. Each change is audited ({@code KEY_ISSUE}, {@code
 * KEY_REVOKE}) and announced on PostgreSQL channel {@link #CHANNEL}, on which every gateway
 * instance drops its cached key lookups, so a revoked key stops working everywhere at its commit.
 */
public final class HospitalKeys {
  /** Keys a hospital may hold valid at once. */
  public static final int MAX_VALID = 2;

  /** The PostgreSQL NOTIFY channel of key changes; the payload is the hospital code. */
  public static final String CHANNEL = "yizhan_hospital_keys";

  /** A key as listed: never its secret. */
  public record KeyInfo(
      String keyId, OffsetDateTime validFrom, OffsetDateTime validTo, boolean valid) {}

  /** A key just issued: its secret, shown this once. */
  public record Issued(String keyId, String apiKey, OffsetDateTime validFrom) {}

  static final String LOCK_HOSPITAL =
      Sql.render(
          Sql.dsl()
              .select(HOSPITAL.CODE)
              .from(HOSPITAL)
              .where(HOSPITAL.CODE.eq(Sql.p(1, HOSPITAL.CODE)))
              .forUpdate());

  static final String KEYS =
      Sql.render(
          Sql.dsl()
              .select(HOSPITAL_KEY.KEY_ID, HOSPITAL_KEY.VALID_FROM, HOSPITAL_KEY.VALID_TO)
              .from(HOSPITAL_KEY)
              .where(HOSPITAL_KEY.HOSPITAL_CODE.eq(Sql.p(1, HOSPITAL_KEY.HOSPITAL_CODE)))
              .orderBy(HOSPITAL_KEY.VALID_FROM, HOSPITAL_KEY.KEY_ID));

  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  HOSPITAL_KEY,
                  HOSPITAL_KEY.KEY_ID,
                  HOSPITAL_KEY.HOSPITAL_CODE,
                  HOSPITAL_KEY.KEY_SHA256,
                  HOSPITAL_KEY.VALID_FROM)
              .values(
                  Sql.p(1, HOSPITAL_KEY.KEY_ID),
                  Sql.p(2, HOSPITAL_KEY.HOSPITAL_CODE),
                  Sql.p(3, HOSPITAL_KEY.KEY_SHA256),
                  Sql.p(4, HOSPITAL_KEY.VALID_FROM)));

  static final String REVOKE =
      Sql.render(
          Sql.dsl()
              .update(HOSPITAL_KEY)
              .set(HOSPITAL_KEY.VALID_TO, Sql.p(1, HOSPITAL_KEY.VALID_TO))
              .where(HOSPITAL_KEY.KEY_ID.eq(Sql.p(2, HOSPITAL_KEY.KEY_ID))));

  static final String NOTIFY = Sql.notify(CHANNEL);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final Clock clock;
  private final HospitalAuth auth;
  private final DbGuard guard;

  public HospitalKeys(Pool pool, Clock clock, HospitalAuth auth, DbGuard guard) {
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.auth = auth;
  }

  /** The hospital's keys, oldest first. */
  public Future<List<KeyInfo>> list(Principal who) {
    OffsetDateTime now = now();
    return guard.call(
        () ->
            pool.preparedQuery(KEYS)
                .execute(Tuple.of(who.hospital().code()))
                .map(rows -> infos(rows, now)));
  }

  /** Issues a new key, refused with 409 {@code KEY_LIMIT} when two are valid already. */
  public Future<Issued> issue(Principal who) {
    String code = who.hospital().code();
    OffsetDateTime now = now();
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String secret = "yz_" + code + "_" + HexFormat.of().formatHex(random);
    String keyId = code + "-" + HexFormat.of().formatHex(random, 0, 4) + "-" + now.toEpochSecond();
    return guard
        .call(
            () ->
                pool.withTransaction(
                    conn ->
                        locked(conn, code, now)
                            .compose(
                                keys -> {
                                  long valid = keys.stream().filter(KeyInfo::valid).count();
                                  if (valid >= MAX_VALID) {
                                    throw new Refusal(
                                        Refusal.Kind.CONFLICT,
                                        "KEY_LIMIT",
                                        null,
                                        MAX_VALID
                                            + " keys are valid already; revoke one first:"
                                            + " DELETE /api/v1/keys/{keyId}");
                                  }
                                  return conn.preparedQuery(INSERT)
                                      .execute(
                                          Tuple.of(keyId, code, Digests.sha256Hex(secret), now));
                                })
                            .compose(
                                r ->
                                    Audit.append(
                                        conn,
                                        who.actor(),
                                        "KEY_ISSUE",
                                        "hospital_key",
                                        keyId,
                                        new JsonObject().put("by", who.keyId())))
                            // every instance forgets the key as unknown, should it have been tried
                            .compose(v -> conn.preparedQuery(NOTIFY).execute(Tuple.of(code)))
                            .map(v -> new Issued(keyId, secret, now))))
        .onSuccess(k -> auth.invalidateAll());
  }

  /**
   * Revokes {@code keyId} from now on. Revoking a revoked key changes nothing and answers the same;
   * the last valid key cannot be revoked (409 {@code LAST_KEY}).
   */
  public Future<KeyInfo> revoke(Principal who, String keyId) {
    String code = who.hospital().code();
    OffsetDateTime now = now();
    return guard
        .call(
            () ->
                pool.withTransaction(
                    conn ->
                        locked(conn, code, now)
                            .compose(
                                keys -> {
                                  KeyInfo key =
                                      keys.stream()
                                          .filter(k -> k.keyId().equals(keyId))
                                          .findFirst()
                                          .orElseThrow(() -> Refusal.notFound("key"));
                                  if (!key.valid()) {
                                    return Future.succeededFuture(key);
                                  }
                                  if (keys.stream().filter(KeyInfo::valid).count() == 1) {
                                    throw new Refusal(
                                        Refusal.Kind.CONFLICT,
                                        "LAST_KEY",
                                        "keyId",
                                        "keyId "
                                            + keyId
                                            + " is the hospital's only valid key; issue a new one first");
                                  }
                                  return conn.preparedQuery(REVOKE)
                                      .execute(Tuple.of(now, keyId))
                                      .compose(
                                          r ->
                                              Audit.append(
                                                  conn,
                                                  who.actor(),
                                                  "KEY_REVOKE",
                                                  "hospital_key",
                                                  keyId,
                                                  new JsonObject().put("by", who.keyId())))
                                      .compose(
                                          v -> conn.preparedQuery(NOTIFY).execute(Tuple.of(code)))
                                      .map(r -> new KeyInfo(keyId, key.validFrom(), now, false));
                                })))
        .onSuccess(k -> auth.invalidateAll());
  }

  private Future<List<KeyInfo>> locked(SqlConnection conn, String code, OffsetDateTime now) {
    return conn.preparedQuery(LOCK_HOSPITAL)
        .execute(Tuple.of(code))
        .compose(r -> conn.preparedQuery(KEYS).execute(Tuple.of(code)))
        .map(rows -> infos(rows, now));
  }

  private static List<KeyInfo> infos(RowSet<Row> rows, OffsetDateTime now) {
    List<KeyInfo> out = new ArrayList<>();
    for (Row r : rows) {
      OffsetDateTime from = r.getOffsetDateTime("valid_from");
      OffsetDateTime to = r.getOffsetDateTime("valid_to");
      out.add(
          new KeyInfo(
              r.getString("key_id"),
              from,
              to,
              !from.isAfter(now) && (to == null || to.isAfter(now))));
    }
    return out;
  }

  private OffsetDateTime now() {
    // to the microsecond, as PostgreSQL stores it: an answer shows what was written
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
