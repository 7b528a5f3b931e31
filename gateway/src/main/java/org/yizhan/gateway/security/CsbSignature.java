package org.yizhan.gateway.security;

import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Jiangsu's gateway headers (CSB, the provincial service bus), as YbRefund sends them ({@code
 * BusinessCSB/CSBHelper.cs}): {@code _api_access_key} (the access key), {@code _api_timestamp}
 * (Unix seconds, or milliseconds as another Jiangsu city's variant), {@code _api_name} and {@code
 * _api_version} (the service called), and {@code _api_signature} = Base64 of HMAC-SHA1, keyed with
 * the secret key, of those four as {@code name=value} pairs sorted by name and joined with {@code
 * &}. A JSON body is not signed (the client's own comment: "目前没有参与签名计算").
 *
 * <p>Read as the national header signature is ({@link NationalSignature}): the access key is the
 * hospital's paasid, the secret the same hex SHA-256 of its API key. What the scheme lacks is a
 * nonce: the signature depends on the timestamp alone, so the gateway remembers each signature as a
 * nonce and refuses it the second time within the skew window. A captured request cannot then be
 * sent again with another body, at the price that two messages signed within the same timestamp
 * unit (a second, for YbRefund) cannot be told from a replay: the second is refused, saying to send
 * it again, and with its msgid unchanged it is done once.
 */
public final class CsbSignature {
  public static final String ACCESS_KEY = "_api_access_key";
  public static final String TIMESTAMP = "_api_timestamp";
  public static final String NAME = "_api_name";
  public static final String VERSION = "_api_version";
  public static final String SIGNATURE = "_api_signature";

  /** Base64 of HMAC-SHA1's 20 bytes. */
  static final Pattern SIGNATURE_TEXT = Pattern.compile("[A-Za-z0-9+/]{27}=");

  /** A service name or version: short printable text. */
  static final Pattern LABEL = Pattern.compile("[\\x21-\\x7e]{1,64}");

  private CsbSignature() {}

  /** Whether a request carries the CSB headers (and so is to be read by them). */
  public static boolean isCsb(HttpServerRequest r) {
    return r.getHeader(ACCESS_KEY) != null && r.getHeader(SIGNATURE) != null;
  }

  /** Base64 HMAC-SHA1, keyed with {@code secret}, of {@code pairs} as {@code k=v&…} in order. */
  public static String sign(SortedMap<String, String> pairs, String secret) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      if (text.length() > 0) {
        text.append('&');
      }
      text.append(e.getKey()).append('=').append(e.getValue());
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      byte[] h = mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(h);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  /** The signed pairs of a request: the four {@code _api_*} headers, or null when one is bad. */
  static SortedMap<String, String> pairs(HttpServerRequest r) {
    SortedMap<String, String> p = new TreeMap<>();
    for (String h : new String[] {ACCESS_KEY, TIMESTAMP, NAME, VERSION}) {
      String v = r.getHeader(h);
      if (v == null || !LABEL.matcher(v).matches()) {
        return null;
      }
      p.put(h, v);
    }
    return p;
  }
}
