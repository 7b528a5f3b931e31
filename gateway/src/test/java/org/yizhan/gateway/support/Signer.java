package org.yizhan.gateway.support;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.security.NationalSignature;
import org.yizhan.gateway.security.RequestSignature;

/**
 * The client side of request signing, as a hospital's developer would write it (docs/security.md):
 * the headers to add to one request.
 */
public final class Signer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signer() {}

  /** HMAC-SHA256 headers for a request sent now with a fresh nonce. */
  public static Map<String, String> headers(
      String apiKey, String method, String pathAndQuery, byte[] body) {
    return headers(
        apiKey,
        method,
        pathAndQuery,
        body,
        RequestSignature.HMAC_SHA256,
        Instant.now().getEpochSecond(),
        nonce());
  }

  /** The headers for a request with the given method, timestamp and nonce. */
  public static Map<String, String> headers(
      String apiKey,
      String method,
      String pathAndQuery,
      byte[] body,
      String signatureMethod,
      long timestamp,
      String nonce) {
    String ts = Long.toString(timestamp);
    String canonical = RequestSignature.canonical(method, pathAndQuery, ts, nonce, body);
    Map<String, String> h = new LinkedHashMap<>();
    h.put(RequestSignature.TIMESTAMP, ts);
    h.put(RequestSignature.NONCE, nonce);
    h.put(RequestSignature.METHOD, signatureMethod);
    h.put(
        RequestSignature.SIGNATURE,
        RequestSignature.sign(signatureMethod, RequestSignature.signingKey(apiKey), canonical));
    return h;
  }

  /**
   * The national platform's signature headers for a request sent now ({@code x-tif-*}, see
   * docs/nhsa-interface.md): paasid = the key's hospital code (the default paasid), secret = the
   * lower-case hex SHA-256 of the API key.
   */
  public static Map<String, String> national(String apiKey) {
    return national(apiKey, paasidOf(apiKey), Instant.now().getEpochSecond(), nonce());
  }

  /** The national signature headers with the given paasid, timestamp and nonce. */
  public static Map<String, String> national(
      String apiKey, String paasid, long timestamp, String nonce) {
    String ts = Long.toString(timestamp);
    Map<String, String> h = new LinkedHashMap<>();
    h.put(NationalSignature.PAASID, paasid);
    h.put(NationalSignature.TIMESTAMP, ts);
    h.put(NationalSignature.NONCE, nonce);
    h.put(
        NationalSignature.SIGNATURE, NationalSignature.sign(ts, Digests.sha256Hex(apiKey), nonce));
    return h;
  }

  /** The hospital code inside a key ({@code yz_<code>_<hex>} or {@code yz_demo_<code>_<hex>}). */
  public static String paasidOf(String apiKey) {
    String rest = apiKey.startsWith("yz_demo_") ? apiKey.substring(8) : apiKey.substring(3);
    return rest.substring(0, rest.indexOf('_'));
  }

  /** Whether a path is the national interface's. */
  public static boolean isNational(String path) {
    return path.startsWith("/fsi/") || path.startsWith("/nhsa/");
  }

  /** 32 random hex digits. */
  public static String nonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
