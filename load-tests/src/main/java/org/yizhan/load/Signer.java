package org.yizhan.load;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yizhan.gateway.security.RequestSignature;

/**
 * The headers of one signed hospital call: the API key as a bearer token and the request signature
 * of {@link RequestSignature} (HMAC-SHA256 with SHA-256 of the key, over method, path and query,
 * timestamp, nonce and the body's SHA-256). One signer per API key; the signing key is derived
 * once.
 */
public final class Signer {
  private static final SecureRandom NONCES = new SecureRandom();

  /** Random bytes per nonce: 18 bytes are 24 URL-safe base64 characters, within 16–64. */
  private static final int NONCE_BYTES = 18;

  private final String apiKey;
  private final byte[] signingKey;
  private final Clock clock;

  public Signer(String apiKey, Clock clock) {
    this.apiKey = apiKey;
    this.signingKey = RequestSignature.signingKey(apiKey);
    this.clock = clock;
  }

  public String apiKey() {
    return apiKey;
  }

  /** The headers for {@code method pathAndQuery} with {@code body} (null or empty for none). */
  public Map<String, String> headers(String method, String pathAndQuery, String body) {
    return headers(
        method, pathAndQuery, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The headers for {@code method pathAndQuery} with the bytes {@code body} as sent (empty for
   * none): the caller encodes the body once and sends these bytes.
   */
  public Map<String, String> headers(String method, String pathAndQuery, byte[] body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    byte[] random = new byte[NONCE_BYTES];
    NONCES.nextBytes(random);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String canonical = RequestSignature.canonical(method, pathAndQuery, timestamp, nonce, body);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + apiKey);
    h.put(RequestSignature.TIMESTAMP, timestamp);
    h.put(RequestSignature.NONCE, nonce);
    h.put(RequestSignature.METHOD, RequestSignature.HMAC_SHA256);
    h.put(
        RequestSignature.SIGNATURE,
        RequestSignature.sign(RequestSignature.HMAC_SHA256, signingKey, canonical));
    return h;
  }
}
