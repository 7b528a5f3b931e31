package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.REQUEST_NONCE;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.HospitalAuth.Principal;

/**
 * Checks a hospital request's signature ({@link RequestSignature}), its age and its nonce.
 *
 * <p>A request is refused (401) when its timestamp is more than {@code maxSkewSeconds} from the
 * gateway's clock ({@code STALE_REQUEST}), when its signature does not match ({@code
 * BAD_SIGNATURE}), or when its nonce was seen in that window ({@code REPLAYED_NONCE}). Nonces are
 * recorded in PostgreSQL, so a request replayed to another gateway instance is caught too; the
 * nonce is written only after the signature checks, so nobody can use up a hospital's nonces. The
 * insert commits with {@code synchronous_commit} off: a nonce lost in a crash only reopens a replay
 * window of a few minutes for requests that are idempotent anyway, while the settlements themselves
 * stay durable.
 */
public final class RequestVerifier {
  static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  static final Pattern TIMESTAMP = Pattern.compile("\\d{9,11}");

  /**
   * Records a nonce in one round trip: the statement is its own transaction, and {@code
   * set_config(…, true)} turns {@code synchronous_commit} off for that transaction alone.
   */
  static final String RECORD_NONCE =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  REQUEST_NONCE,
                  REQUEST_NONCE.HOSPITAL_CODE,
                  REQUEST_NONCE.NONCE,
                  REQUEST_NONCE.SEEN_AT)
              .select(
                  DSL.select(
                          Sql.p(1, REQUEST_NONCE.HOSPITAL_CODE),
                          Sql.p(2, REQUEST_NONCE.NONCE),
                          Sql.p(3, REQUEST_NONCE.SEEN_AT))
                      .from(
                          DSL.select(
                                  DSL.function(
                                      "set_config",
                                      String.class,
                                      DSL.inline("synchronous_commit"),
                                      DSL.inline("off"),
                                      DSL.inline(true)))
                              .asTable("asynchronous")))
              .onConflictDoNothing());

  static final String PURGE =
      Sql.render(
          Sql.dsl()
              .deleteFrom(REQUEST_NONCE)
              .where(REQUEST_NONCE.SEEN_AT.lt(Sql.p(1, REQUEST_NONCE.SEEN_AT))));

  private final Pool pool;
  private final Clock clock;
  private final int maxSkewSeconds;

  public RequestVerifier(Pool pool, Clock clock, int maxSkewSeconds) {
    this.pool = pool;
    this.clock = clock;
    this.maxSkewSeconds = maxSkewSeconds;
  }

  /**
   * Verifies {@code request} of {@code who}, whose body's lower-case hex SHA-256 is {@code
   * bodySha256}, or fails with a 401 naming what is wrong.
   */
  public Future<Void> verify(
      Principal who, HttpServerRequest request, String bodySha256, SignatureMode mode) {
    String signature = request.getHeader(RequestSignature.SIGNATURE);
    if (mode == SignatureMode.OFF || (signature == null && mode == SignatureMode.OPTIONAL)) {
      return Future.succeededFuture();
    }
    if (signature == null) {
      return refuse("BAD_SIGNATURE", RequestSignature.SIGNATURE, "is required on every request");
    }
    String method = request.getHeader(RequestSignature.METHOD);
    if (method == null) {
      method = RequestSignature.HMAC_SHA256;
    }
    if (!method.equals(RequestSignature.HMAC_SHA256) && !method.equals(RequestSignature.HMAC_SM3)) {
      return refuse("BAD_SIGNATURE", RequestSignature.METHOD, "must be HMAC-SHA256 or HMAC-SM3");
    }
    String timestamp = request.getHeader(RequestSignature.TIMESTAMP);
    if (timestamp == null || !TIMESTAMP.matcher(timestamp).matches()) {
      return refuse("BAD_SIGNATURE", RequestSignature.TIMESTAMP, "must be Unix seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - Long.parseLong(timestamp)) > maxSkewSeconds) {
      return refuse(
          "STALE_REQUEST",
          RequestSignature.TIMESTAMP,
          "is more than " + maxSkewSeconds + " seconds from the gateway's clock");
    }
    String nonce = request.getHeader(RequestSignature.NONCE);
    if (nonce == null || !NONCE.matcher(nonce).matches()) {
      return refuse("BAD_SIGNATURE", RequestSignature.NONCE, "must be 16–64 of [A-Za-z0-9_-]");
    }
    String canonical =
        RequestSignature.canonicalOfHash(
            request.method().name(), request.uri(), timestamp, nonce, bodySha256);
    if (signature.length() > 128
        || !RequestSignature.verify(
            method, RequestSignature.signingKeyFromHash(who.keySha256()), canonical, signature)) {
      return refuse("BAD_SIGNATURE", RequestSignature.SIGNATURE, "does not match the request");
    }
    return recordNonce(who, nonce, RequestSignature.NONCE);
  }

  /**
   * Remembers {@code who}'s {@code nonce} (sent in header {@code field}), or fails with 401 {@code
   * REPLAYED_NONCE} when it was used within the window. Call only once the signature checks.
   */
  Future<Void> recordNonce(Principal who, String nonce, String field) {
    OffsetDateTime at = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    return pool.preparedQuery(RECORD_NONCE)
        .execute(Tuple.of(who.hospital().code(), nonce, at))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? Future.succeededFuture()
                    : refuse(
                        "REPLAYED_NONCE",
                        field,
                        "was already used within " + maxSkewSeconds + " seconds"));
  }

  /** Forgets nonces older than twice the accepted skew. */
  public Future<Integer> purge() {
    OffsetDateTime before =
        OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).minusSeconds(2L * maxSkewSeconds);
    return pool.preparedQuery(PURGE).execute(Tuple.of(before)).map(r -> r.rowCount());
  }

  private static <T> Future<T> refuse(String code, String field, String why) {
    return Future.failedFuture(
        new Refusal(Refusal.Kind.UNAUTHENTICATED, code, field, field + " " + why));
  }
}
