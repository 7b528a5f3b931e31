package org.yizhan.gateway.security;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.HospitalAuth.Principal;

/**
 * The national platform's own header signature, checked on the national interface:
 *
 * <pre>
 * x-tif-paasid     the calling application's id: the hospital's paasid (config/hospitals.yaml,
 *                  by default its code)
 * x-tif-timestamp  Unix seconds (13 digits are read as milliseconds)
 * x-tif-nonce      16–64 of [A-Za-z0-9_-], new for every request
 * x-tif-signature  lower-case hex SHA-256 of (timestamp + secret + nonce + timestamp)
 * </pre>
 *
 * <p>The secret is the lower-case hex SHA-256 of the hospital's API key: the gateway stores only
 * that hash, so it can check the signature without holding the key, and rotating the key rotates
 * the secret. The key itself is still sent ({@code Authorization: Bearer}, {@code X-Api-Key} or
 * {@code apikey}): the signature proves the request is fresh and the paasid's, the key that the
 * caller holds more than a copy of the gateway's tables. Timestamps are checked against the
 * gateway's clock within {@code maxSkewSeconds} and nonces are remembered as the JSON API's are
 * ({@link RequestVerifier#recordNonce}). The signature does not cover the body (the national scheme
 * does not); the body's integrity rests on the transport (TLS at the load balancer).
 */
public final class NationalSignature {
  public static final String PAASID = "x-tif-paasid";
  public static final String TIMESTAMP = "x-tif-timestamp";
  public static final String NONCE = "x-tif-nonce";
  public static final String SIGNATURE = "x-tif-signature";

  static final Pattern TIMESTAMP_TEXT = Pattern.compile("\\d{9,13}");
  static final Pattern SIGNATURE_TEXT = Pattern.compile("[0-9a-fA-F]{64}");

  private final Map<String, String> hospitalByPaasid;
  private final RequestVerifier nonces;
  private final Clock clock;
  private final int maxSkewSeconds;

  /**
   * @param hospitalByPaasid each paasid's hospital code
   */
  public NationalSignature(
      Map<String, String> hospitalByPaasid,
      RequestVerifier nonces,
      Clock clock,
      int maxSkewSeconds) {
    this.hospitalByPaasid = Map.copyOf(hospitalByPaasid);
    this.nonces = nonces;
    this.clock = clock;
    this.maxSkewSeconds = maxSkewSeconds;
  }

  /** The signature of a national request: lower-case hex SHA-256(ts + secret + nonce + ts). */
  public static String sign(String timestamp, String secret, String nonce) {
    return Digests.sha256Hex(timestamp + secret + nonce + timestamp);
  }

  /**
   * The caller of a request signed with its paasid and no key: the paasid's hospital, with the key
   * whose secret makes the signature match (a hospital may have two keys in force while it rotates
   * them). Fails with a 401 naming the header at fault. The timestamp and nonce are checked after
   * the body is read, by {@link #verify}, as for every signed request.
   */
  public Future<Principal> identify(HttpServerRequest request, HospitalAuth auth) {
    if (request.getHeader(SIGNATURE) == null && CsbSignature.isCsb(request)) {
      return identifyCsb(request, auth);
    }
    String paasid = request.getHeader(PAASID);
    String hospital = paasid == null || paasid.length() > 64 ? null : hospitalByPaasid.get(paasid);
    if (hospital == null) {
      return refuse("BAD_SIGNATURE", PAASID, "is not the paasid of a hospital of this gateway");
    }
    String timestamp = request.getHeader(TIMESTAMP);
    String nonce = request.getHeader(NONCE);
    String signature = request.getHeader(SIGNATURE);
    if (timestamp == null || nonce == null || !SIGNATURE_TEXT.matcher(signature).matches()) {
      return refuse("BAD_SIGNATURE", SIGNATURE, "with x-tif-timestamp and x-tif-nonce is required");
    }
    byte[] sent = signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return auth.keysOf(hospital)
        .compose(
            keys -> {
              for (Principal p : keys) {
                byte[] expected =
                    sign(timestamp, p.keySha256(), nonce).getBytes(StandardCharsets.US_ASCII);
                if (MessageDigest.isEqual(expected, sent)) {
                  return Future.succeededFuture(p);
                }
              }
              return refuse("BAD_SIGNATURE", SIGNATURE, "does not match the request");
            });
  }

  /**
   * {@link #identify} by Jiangsu's CSB headers ({@link CsbSignature}): {@code _api_access_key} is
   * the paasid, {@code _api_signature} must be made with the secret of one of its keys.
   */
  private Future<Principal> identifyCsb(HttpServerRequest request, HospitalAuth auth) {
    String access = request.getHeader(CsbSignature.ACCESS_KEY);
    String hospital = access.length() > 64 ? null : hospitalByPaasid.get(access);
    if (hospital == null) {
      return refuse(
          "BAD_SIGNATURE",
          CsbSignature.ACCESS_KEY,
          "is not the paasid of a hospital of this gateway");
    }
    SortedMap<String, String> pairs = CsbSignature.pairs(request);
    String signature = request.getHeader(CsbSignature.SIGNATURE);
    if (pairs == null || !CsbSignature.SIGNATURE_TEXT.matcher(signature).matches()) {
      return refuse(
          "BAD_SIGNATURE",
          CsbSignature.SIGNATURE,
          "with _api_timestamp, _api_name and _api_version is required");
    }
    byte[] sent = signature.getBytes(StandardCharsets.US_ASCII);
    return auth.keysOf(hospital)
        .compose(
            keys -> {
              for (Principal p : keys) {
                byte[] expected =
                    CsbSignature.sign(pairs, p.keySha256()).getBytes(StandardCharsets.US_ASCII);
                if (MessageDigest.isEqual(expected, sent)) {
                  return Future.succeededFuture(p);
                }
              }
              return refuse("BAD_SIGNATURE", CsbSignature.SIGNATURE, "does not match the request");
            });
  }

  /** Verifies {@code request} of {@code who}, or fails with a 401 naming the header at fault. */
  public Future<Void> verify(Principal who, HttpServerRequest request, SignatureMode mode) {
    String signature = request.getHeader(SIGNATURE);
    if (signature == null && CsbSignature.isCsb(request) && mode != SignatureMode.OFF) {
      return verifyCsb(who, request);
    }
    if (mode == SignatureMode.OFF || (signature == null && mode == SignatureMode.OPTIONAL)) {
      return Future.succeededFuture();
    }
    if (signature == null) {
      return refuse("BAD_SIGNATURE", SIGNATURE, "is required on every request");
    }
    String paasid = request.getHeader(PAASID);
    if (paasid == null || paasid.length() > 64) {
      return refuse("BAD_SIGNATURE", PAASID, "is required: the paasid of the calling hospital");
    }
    if (!who.hospital().code().equals(hospitalByPaasid.get(paasid))) {
      return refuse("BAD_SIGNATURE", PAASID, "is not the paasid of this key's hospital");
    }
    String timestamp = request.getHeader(TIMESTAMP);
    if (timestamp == null || !TIMESTAMP_TEXT.matcher(timestamp).matches()) {
      return refuse("BAD_SIGNATURE", TIMESTAMP, "must be Unix seconds");
    }
    long seconds = Long.parseLong(timestamp);
    if (timestamp.length() == 13) {
      seconds /= 1000;
    }
    if (Math.abs(clock.instant().getEpochSecond() - seconds) > maxSkewSeconds) {
      return refuse(
          "STALE_REQUEST",
          TIMESTAMP,
          "is more than " + maxSkewSeconds + " seconds from the gateway's clock");
    }
    String nonce = request.getHeader(NONCE);
    if (nonce == null || !RequestVerifier.NONCE.matcher(nonce).matches()) {
      return refuse("BAD_SIGNATURE", NONCE, "must be 16–64 of [A-Za-z0-9_-]");
    }
    if (!SIGNATURE_TEXT.matcher(signature).matches()
        || !MessageDigest.isEqual(
            sign(timestamp, who.keySha256(), nonce).getBytes(StandardCharsets.US_ASCII),
            signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      return refuse("BAD_SIGNATURE", SIGNATURE, "does not match the request");
    }
    return nonces.recordNonce(who, nonce, NONCE);
  }

  /**
   * The CSB headers of {@code who}'s request: its paasid, a timestamp within the skew, the
   * signature with its secret, used once ({@link CsbSignature}: the scheme has no nonce).
   */
  private Future<Void> verifyCsb(Principal who, HttpServerRequest request) {
    if (!who.hospital()
        .code()
        .equals(hospitalByPaasid.get(request.getHeader(CsbSignature.ACCESS_KEY)))) {
      return refuse(
          "BAD_SIGNATURE", CsbSignature.ACCESS_KEY, "is not the paasid of this key's hospital");
    }
    SortedMap<String, String> pairs = CsbSignature.pairs(request);
    String timestamp = pairs == null ? null : pairs.get(CsbSignature.TIMESTAMP);
    if (timestamp == null || !TIMESTAMP_TEXT.matcher(timestamp).matches()) {
      return refuse(
          "BAD_SIGNATURE", CsbSignature.TIMESTAMP, "must be Unix seconds or milliseconds");
    }
    long seconds = Long.parseLong(timestamp);
    if (timestamp.length() == 13) {
      seconds /= 1000;
    }
    if (Math.abs(clock.instant().getEpochSecond() - seconds) > maxSkewSeconds) {
      return refuse(
          "STALE_REQUEST",
          CsbSignature.TIMESTAMP,
          "is more than " + maxSkewSeconds + " seconds from the gateway's clock");
    }
    String signature = request.getHeader(CsbSignature.SIGNATURE);
    if (!CsbSignature.SIGNATURE_TEXT.matcher(signature).matches()
        || !MessageDigest.isEqual(
            CsbSignature.sign(pairs, who.keySha256()).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII))) {
      return refuse("BAD_SIGNATURE", CsbSignature.SIGNATURE, "does not match the request");
    }
    // the signature stands in for the nonce the scheme lacks (hashed: the nonce column's shape)
    return nonces
        .recordNonce(who, Digests.sha256Hex("csb:" + signature), CsbSignature.SIGNATURE)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof Refusal && "REPLAYED_NONCE".equals(((Refusal) e).code())
                        ? new Refusal(
                            Refusal.Kind.UNAUTHENTICATED,
                            "REPLAYED_NONCE",
                            CsbSignature.SIGNATURE,
                            CsbSignature.SIGNATURE
                                + " was already used: a CSB signature covers only its timestamp,"
                                + " so a second message of the same timestamp cannot be told from"
                                + " a replay; send it again (with the same msgid)")
                        : e));
  }

  private static <T> Future<T> refuse(String code, String field, String why) {
    return Future.failedFuture(
        new Refusal(Refusal.Kind.UNAUTHENTICATED, code, field, field + " " + why));
  }
}
