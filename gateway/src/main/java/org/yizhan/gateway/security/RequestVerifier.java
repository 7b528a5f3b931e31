package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.REQUEST_NONCE;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.infra.db.Gatherer;
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
 *
 * <p>Nonces are gathered ({@link Gatherer}): a lone request's nonce goes at once in its own round
 * trip; the nonces of requests arriving while that round trip is in flight go together in the next,
 * one multi-row statement and one commit ({@link #RECORD_NONCES}), each request learning whether
 * its own nonce was new. A failed round trip fails its group's requests, as a failed insert failed
 * its request (503, the caller could not be checked). Asynchronous commit stays as safe for a group
 * as for one nonce: a request is served only after its nonce's commit, so no other instance accepts
 * the same nonce meanwhile; the WAL is written in order, so the synchronous commit of the request's
 * settlement (or of anything after it) makes its nonce durable too; what a crash can lose is the
 * last few hundred milliseconds of nonces of requests that wrote nothing durable (previews, reads,
 * refusals), whose replay within their timestamp window changes nothing.
 */
public final class RequestVerifier {
  static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  static final Pattern TIMESTAMP = Pattern.compile("\\d{9,11}");

  /** Nonces recorded by one round trip at most (rows of one statement). */
  static final int NONCES_PER_ROUND_TRIP = 256;

  /** Nonce checks waiting for a round trip at most; more are answered 503. */
  static final int NONCES_QUEUED_MAX = 4096;

  /**
   * Nonce round trips in flight at once: one, so that everything arriving during it goes in the
   * next (a round trip takes well under a millisecond; 256 nonces a round trip is far beyond the
   * gateway's rate).
   */
  static final int NONCE_ROUND_TRIPS_IN_FLIGHT = 1;

  /**
   * Records a group of nonces ($1 hospital codes, $2 nonces, $3 the time) in one round trip: the
   * statement is its own transaction, {@code set_config(…, true)} turns {@code synchronous_commit}
   * off for that transaction alone, and the rows go in key order (two instances' groups sharing
   * replayed nonces lock them in one order, never a deadlock). A nonce already recorded, or
   * recorded earlier in the same group, is skipped; those recorded come back.
   */
  static final String RECORD_NONCES =
      "INSERT INTO request_nonce (hospital_code, nonce, seen_at)"
          + " SELECT n.hospital_code, n.nonce, $3"
          + " FROM unnest($1::text[], $2::text[]) AS n(hospital_code, nonce),"
          + " (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous"
          + " ORDER BY 1, 2"
          + " ON CONFLICT DO NOTHING RETURNING hospital_code, nonce";

  /** A nonce to record: {@code nonce} of hospital {@code hospital}. */
  record NonceUse(String hospital, String nonce) {}

  static final String PURGE =
      Sql.render(
          Sql.dsl()
              .deleteFrom(REQUEST_NONCE)
              .where(REQUEST_NONCE.SEEN_AT.lt(Sql.p(1, REQUEST_NONCE.SEEN_AT))));

  private final Pool pool;
  private final Clock clock;
  private final int maxSkewSeconds;
  private final Gatherer<NonceUse, Boolean> nonces;

  public RequestVerifier(Pool pool, Clock clock, int maxSkewSeconds) {
    this.pool = pool;
    this.clock = clock;
    this.maxSkewSeconds = maxSkewSeconds;
    this.nonces =
        new Gatherer<>(
            "nonce checks",
            NONCES_PER_ROUND_TRIP,
            NONCES_QUEUED_MAX,
            NONCE_ROUND_TRIPS_IN_FLIGHT,
            recordNonces(pool, clock));
  }

  /**
   * The round trip of a group of nonces: whether each member's nonce was recorded by it. Of two
   * members with one nonce, the first is (when the nonce is new) and the second is not.
   */
  static Gatherer.RoundTrip<NonceUse, Boolean> recordNonces(SqlClient client, Clock clock) {
    return group -> {
      String[] hospitals = new String[group.size()];
      String[] values = new String[group.size()];
      for (int i = 0; i < group.size(); i++) {
        hospitals[i] = group.get(i).hospital();
        values[i] = group.get(i).nonce();
      }
      OffsetDateTime at = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
      return client
          .preparedQuery(RECORD_NONCES)
          .execute(Tuple.of(hospitals, values, at))
          .map(
              rows -> {
                Set<NonceUse> recorded = new HashSet<>();
                for (Row r : rows) {
                  recorded.add(new NonceUse(r.getString(0), r.getString(1)));
                }
                List<Boolean> taken = new ArrayList<>(group.size());
                for (NonceUse n : group) {
                  taken.add(recorded.remove(n));
                }
                return taken;
              });
    };
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
    return nonces
        .submit(new NonceUse(who.hospital().code(), nonce))
        .compose(
            taken ->
                taken
                    ? Future.succeededFuture()
                    : refuse(
                        "REPLAYED_NONCE",
                        field,
                        "was already used within " + maxSkewSeconds + " seconds"));
  }

  /**
   * Publishes the nonce round trips ({@code yizhan.nonce.round.trips}) and the nonces they carried
   * ({@code yizhan.nonce.checks}): their ratio is the mean group.
   */
  public RequestVerifier bindTo(MeterRegistry registry) {
    FunctionCounter.builder("yizhan.nonce.round.trips", nonces, Gatherer::roundTrips)
        .register(registry);
    FunctionCounter.builder("yizhan.nonce.checks", nonces, Gatherer::members).register(registry);
    return this;
  }

  /** The gatherer of nonce round trips (its counters: round trips and nonces so far). */
  Gatherer<NonceUse, Boolean> nonces() {
    return nonces;
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
