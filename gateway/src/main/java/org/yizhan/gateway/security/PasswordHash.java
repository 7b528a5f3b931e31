package org.yizhan.gateway.security;

import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Manager passwords as PBKDF2-HMAC-SHA256 ({@code pbkdf2-sha256$iterations$salt$hash}, salt and
 * hash base64). Verifying costs about a hundred milliseconds of CPU on purpose, so callers run it
 * on a worker thread, never on an event loop. {@code main} prints the hash of a password typed at
 * the console, for {@code config/managers.yaml}.
 */
public final class PasswordHash {
  /** Iterations for new hashes (OWASP's floor for PBKDF2-HMAC-SHA256 is 210,000 and up). */
  static final int ITERATIONS = 210_000;

  /** Hash length, bytes. */
  static final int HASH_BYTES = 32;

  private PasswordHash() {}

  public static String hash(char[] password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return "pbkdf2-sha256$"
        + ITERATIONS
        + "$"
        + b64(salt)
        + "$"
        + b64(derive(password, salt, ITERATIONS));
  }

  /** Whether {@code password} matches {@code stored}; constant time in the hash comparison. */
  public static boolean verify(char[] password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !"pbkdf2-sha256".equals(parts[0])) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, iterations));
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8))
          .getEncoded();
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is in every JDK", e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static void main(String[] args) {
    Console console = System.console();
    char[] password =
        console != null
            ? console.readPassword("password: ")
            : new String(readStdin(), StandardCharsets.UTF_8).trim().toCharArray();
    System.out.println(hash(password));
  }

  private static byte[] readStdin() {
    try {
      return System.in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
