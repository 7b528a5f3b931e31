package org.yizhan.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.yizhan.gateway.infra.Digests;

/**
 * The request signature hospitals add to every call, besides their API key.
 *
 * <p>The signed text is five lines joined by "\n": the method (upper case), the path with its query
 * string as sent, the timestamp (Unix seconds), the nonce, and the lower-case hex SHA-256 of the
 * body (of the empty string when there is none). The signing key is the 32 bytes of SHA-256 of the
 * API key: the gateway verifies with what it stores (it never holds the API key itself), while a
 * copy of the gateway's table cannot authenticate, since the key must also be sent. The signature
 * is HMAC-SHA256, or HMAC-SM3 (GB/T 32905) for integrators of the national platform, as lower-case
 * hex.
 *
 * <p>Headers: {@code X-Yz-Timestamp}, {@code X-Yz-Nonce} (16–64 of [A-Za-z0-9_-]), {@code
 * X-Yz-Signature-Method} ({@code HMAC-SHA256} or {@code HMAC-SM3}), {@code X-Yz-Signature}.
 */
public final class RequestSignature {
  public static final String TIMESTAMP = "X-Yz-Timestamp";
  public static final String NONCE = "X-Yz-Nonce";
  public static final String METHOD = "X-Yz-Signature-Method";
  public static final String SIGNATURE = "X-Yz-Signature";

  public static final String HMAC_SHA256 = "HMAC-SHA256";
  public static final String HMAC_SM3 = "HMAC-SM3";

  private RequestSignature() {}

  /**
   * One HmacSHA256 per thread (the event loops): looking the algorithm up per request costs more
   * than the MAC of a short text; each use initialises it with its key, so nothing leaks between
   * requests.
   */
  private static final ThreadLocal<Mac> HMAC_SHA256_MACS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("HmacSHA256 is in every JDK", e);
            }
          });

  /** The text that is signed. */
  public static String canonical(
      String method, String pathAndQuery, String timestamp, String nonce, byte[] body) {
    return canonicalOfHash(
        method,
        pathAndQuery,
        timestamp,
        nonce,
        Digests.sha256Hex(body == null ? new byte[0] : body));
  }

  /**
   * The text that is signed, from the body's lower-case hex SHA-256 (the gateway hashes a body once
   * and uses the hash for the claim's fingerprint too).
   */
  public static String canonicalOfHash(
      String method, String pathAndQuery, String timestamp, String nonce, String bodySha256Hex) {
    return method.toUpperCase()
        + '\n'
        + pathAndQuery
        + '\n'
        + timestamp
        + '\n'
        + nonce
        + '\n'
        + bodySha256Hex;
  }

  /** The signing key of an API key: SHA-256 of it, 32 bytes. */
  public static byte[] signingKey(String apiKey) {
    return Digests.sha256(apiKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The signing key from the stored hex SHA-256 of the API key. */
  public static byte[] signingKeyFromHash(String keySha256Hex) {
    return HexFormat.of().parseHex(keySha256Hex);
  }

  /** The hex signature of {@code canonical} with {@code key} by {@code method}. */
  public static String sign(String method, byte[] key, String canonical) {
    byte[] text = canonical.getBytes(StandardCharsets.UTF_8);
    if (HMAC_SM3.equals(method)) {
      HMac mac = new HMac(new SM3Digest());
      mac.init(new KeyParameter(key));
      mac.update(text, 0, text.length);
      byte[] out = new byte[mac.getMacSize()];
      mac.doFinal(out, 0);
      return HexFormat.of().formatHex(out);
    }
    if (HMAC_SHA256.equals(method)) {
      try {
        Mac mac = HMAC_SHA256_MACS.get();
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text));
      } catch (InvalidKeyException e) {
        throw new IllegalStateException("HmacSHA256 takes any key", e);
      }
    }
    throw new IllegalArgumentException("unknown signature method " + method);
  }

  /** Whether {@code signature} is right, compared in constant time. */
  public static boolean verify(String method, byte[] key, String canonical, String signature) {
    byte[] expected = sign(method, key, canonical).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(
        expected, signature.toLowerCase().getBytes(StandardCharsets.US_ASCII));
  }
}
