package org.yizhan.load;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.yizhan.gateway.security.RequestSignature;

/**
 * The headers of one signed hospital call: the API key as a bearer token and the request signature
 * of {@link RequestSignature} (HMAC-SHA256 with SHA-256 of the key, over method, path and query,
 * timestamp, nonce and the body's SHA-256). One signer per API key; the signing key is derived
 * once.
 *
 * <p>The load generator shares the machine it measures, so a signature costs it no more than it
 * must: each thread keeps one SHA-256 digest and one MAC already keyed with this signer's key (a
 * MAC resets to its keyed state after {@code doFinal}, so nothing of one request reaches the next),
 * and the bearer header is built once. The canonical text is the gateway's own {@link
 * RequestSignature#canonicalOfHash}; SignerTest checks the signature against {@link
 * RequestSignature#sign}. Nonces come from {@link ThreadLocalRandom}: a nonce must be unique within
 * the gateway's replay window, not secret, and 144 random bits never repeat in a load, where a
 * shared {@code SecureRandom} locks and reads the kernel's pool on every request.
 */
public final class Signer {
  /** Random bytes per nonce: 18 bytes are 24 URL-safe base64 characters, within 16–64. */
  private static final int NONCE_BYTES = 18;

  private static final byte[] NO_BODY = new byte[0];

  private static final HexFormat HEX = HexFormat.of();

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("every JVM has SHA-256", e);
            }
          });

  /** The five headers of one signed call. */
  public record Signed(
      String authorization, String timestamp, String nonce, String method, String signature) {}

  private final String apiKey;
  private final String authorization;
  private final byte[] signingKey;
  private final Clock clock;
  private final ThreadLocal<Mac> macs;

  public Signer(String apiKey, Clock clock) {
    this.apiKey = apiKey;
    this.authorization = "Bearer " + apiKey;
    this.signingKey = RequestSignature.signingKey(apiKey);
    this.clock = clock;
    this.macs =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
                return mac;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is in every JDK and takes any key", e);
              }
            });
  }

  public String apiKey() {
    return apiKey;
  }

  /**
   * The signed headers for {@code method pathAndQuery} with the bytes {@code body} as sent (null or
   * empty for none).
   */
  public Signed sign(String method, String pathAndQuery, byte[] body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    byte[] random = new byte[NONCE_BYTES];
    ThreadLocalRandom.current().nextBytes(random);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String bodyHash = HEX.formatHex(SHA256.get().digest(body == null ? NO_BODY : body));
    String canonical =
        RequestSignature.canonicalOfHash(method, pathAndQuery, timestamp, nonce, bodyHash);
    String signature =
        HEX.formatHex(macs.get().doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    return new Signed(authorization, timestamp, nonce, RequestSignature.HMAC_SHA256, signature);
  }

  /** The headers for {@code method pathAndQuery} with {@code body} (null or empty for none). */
  public Map<String, String> headers(String method, String pathAndQuery, String body) {
    return headers(
        method, pathAndQuery, body == null ? NO_BODY : body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The headers for {@code method pathAndQuery} with the bytes {@code body} as sent (empty for
   * none), by name: the caller encodes the body once and sends these bytes.
   */
  public Map<String, String> headers(String method, String pathAndQuery, byte[] body) {
    Signed s = sign(method, pathAndQuery, body);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", s.authorization());
    h.put(RequestSignature.TIMESTAMP, s.timestamp());
    h.put(RequestSignature.NONCE, s.nonce());
    h.put(RequestSignature.METHOD, s.method());
    h.put(RequestSignature.SIGNATURE, s.signature());
    return h;
  }
}
