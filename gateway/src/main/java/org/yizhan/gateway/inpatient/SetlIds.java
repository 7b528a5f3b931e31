package org.yizhan.gateway.inpatient;

import java.util.UUID;

/**
 * Our ids in the national fields. setl_id and mdtrt_id hold at most 30 characters; a UUID (ours are
 * time-ordered version 7, see {@code Ids}) written in hex needs 32. So an id travels as its 128
 * bits in Crockford base 32: 26 characters of {@code 0-9A-Z} without I, L, O and U, e.g. {@code
 * 01J9Z3K8Q5W7X2M4N6P8R0T2V4}. The mapping is exact both ways, so setl_id is our settlement id
 * itself, only spelled shorter; a setl_id also reads in the UUID form of the JSON API.
 */
public final class SetlIds {
  /** Characters of an encoded id. */
  public static final int LENGTH = 26;

  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private SetlIds() {}

  public static String encode(UUID id) {
    long hi = id.getMostSignificantBits();
    long lo = id.getLeastSignificantBits();
    char[] out = new char[LENGTH];
    for (int i = LENGTH - 1; i >= 0; i--) {
      out[i] = DIGITS[(int) (lo & 31)];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }

  /** The id of an encoded (or UUID-form) id, or {@code null} when it is not one. */
  public static UUID decode(String s) {
    if (s == null) {
      return null;
    }
    if (s.length() == 36) {
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (s.length() != LENGTH || value(s.charAt(0)) > 7) {
      return null;
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < LENGTH; i++) {
      int v = value(s.charAt(i));
      if (v < 0) {
        return null;
      }
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | v;
    }
    return new UUID(hi, lo);
  }

  private static int value(char c) {
    char u = Character.toUpperCase(c);
    for (int i = 0; i < DIGITS.length; i++) {
      if (DIGITS[i] == u) {
        return i;
      }
    }
    return -1;
  }
}
