package org.yizhan.gateway.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, written once: of API keys and session tokens (stored as their hash), of a claim's
 * canonical text (the idempotency fingerprint), of a national message, of a roster file, of a
 * request body being signed, and of an audit entry. Hex is lower case, as stored in the database
 * and as PostgreSQL's {@code encode(sha256(...), 'hex')} writes it.
 */
public final class Digests {
  private static final HexFormat HEX = HexFormat.of();

  private Digests() {}

  /** The 32-byte SHA-256 of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The SHA-256 of {@code bytes}, as 64 lower-case hex digits. */
  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256(bytes));
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes, as 64 lower-case hex digits. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }
}
