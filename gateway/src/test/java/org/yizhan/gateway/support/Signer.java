package org.yizhan.gateway.support;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yizhan.gateway.security.RequestSignature;

/**
 * Signs a hospital request the way a hospital's system must (see {@link RequestSignature}): the
 * four {@code X-Yz-*} headers for one request, with the current Unix time and a fresh nonce. A
 * client of a separately started gateway adds them to every call to {@code /api/v1/*} and the
 * national routes.
 */
public final class Signer {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Nonce length, random bytes (32 URL-safe base64 characters, within the allowed 16–64). */
  private static final int NONCE_BYTES = 24;

  private Signer() {}

  /**
   * The signature headers of one request.
   *
   * @param pathAndQuery the path with its query string exactly as sent, e.g. {@code
   *     /api/v1/settlements?page=2}
   * @param body the body bytes as sent; {@code null} or empty when there is none
   */
  public static Map<String, String> headers(
      String apiKey, String method, String pathAndQuery, byte[] body) {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    byte[] random = new byte[NONCE_BYTES];
    RANDOM.nextBytes(random);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String canonical = RequestSignature.canonical(method, pathAndQuery, timestamp, nonce, body);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(RequestSignature.TIMESTAMP, timestamp);
    headers.put(RequestSignature.NONCE, nonce);
    headers.put(RequestSignature.METHOD, RequestSignature.HMAC_SHA256);
    headers.put(
        RequestSignature.SIGNATURE,
        RequestSignature.sign(
            RequestSignature.HMAC_SHA256, RequestSignature.signingKey(apiKey), canonical));
    return headers;
  }
}
