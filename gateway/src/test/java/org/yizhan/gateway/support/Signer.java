package org.yizhan.gateway.support;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /** 32 random hex digits. */
  public static String nonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
