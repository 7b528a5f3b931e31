package org.yizhan.gateway.simulation;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.UUID;

/**
 * A streaming reader of PostgreSQL's binary {@code COPY … TO STDOUT (FORMAT binary)}: the rows as
 * the server keeps them, read field by field straight from the socket's bytes.
 *
 * <p>Why: a simulation reads a year of claims, a million rows of five arrays of some twenty
 * elements each. Through a JDBC cursor every array comes as text and every element becomes a {@code
 * BigDecimal} (and the server formats every numeric as text for it); here a numeric's base-10000
 * digits become a {@code long} count of its smallest unit directly, with no object per element and
 * no text on either side.
 *
 * <p>Only what the simulation's statement needs: {@code bool}, {@code int2/int4}, {@code uuid},
 * text types, {@code date}, {@code timestamptz}, {@code numeric} and one-dimensional arrays of
 * them. A value that does not fit (a numeric with more decimals than asked, or too large for a
 * {@code long}) is an error, never rounded. Not thread-safe.
 */
final class BinaryCopy {
  /** The 11-byte signature every binary COPY starts with. */
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  /** The first buffer, bytes; it grows for a field larger than it (a claim of 2,000 lines). */
  static final int BUFFER_BYTES = 1 << 16;

  /** Days from 1970-01-01 (epoch day 0) to 2000-01-01, PostgreSQL's day 0. */
  static final long PG_EPOCH_DAY = 10_957;

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private final InputStream in;
  private byte[] buf = new byte[BUFFER_BYTES];
  private int pos;
  private int limit;

  BinaryCopy(InputStream in) throws IOException {
    this.in = in;
    need(SIGNATURE.length + 8);
    if (!Arrays.equals(buf, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new IOException("not a binary COPY stream");
    }
    pos = SIGNATURE.length + 4;
    int extension = int32();
    skip(extension);
  }

  /** The next row's field count, or -1 at the end of the data. */
  int row() throws IOException {
    return int16();
  }

  /** The next field's length in bytes, -1 for NULL. */
  int field() throws IOException {
    return int32();
  }

  boolean bool() throws IOException {
    expect(1);
    need(1);
    return buf[pos++] != 0;
  }

  /** A smallint or an integer field. */
  int integer() throws IOException {
    int n = field();
    if (n == 2) {
      return int16();
    }
    if (n == 4) {
      return int32();
    }
    throw new IOException("an integer of " + n + " bytes");
  }

  String uuid() throws IOException {
    expect(16);
    return new UUID(int64(), int64()).toString();
  }

  /** A text field, or null. */
  String text() throws IOException {
    int n = field();
    return n < 0 ? null : utf8(n);
  }

  LocalDate date() throws IOException {
    expect(4);
    return LocalDate.ofEpochDay(PG_EPOCH_DAY + int32());
  }

  /** A timestamptz as microseconds since 2000-01-01 00:00 UTC. */
  long micros() throws IOException {
    expect(8);
    return int64();
  }

  /** A numeric field as a count of 10^-{@code scale} (a numeric(14,2) at scale 2: fen). */
  long numeric(int scale) throws IOException {
    int n = field();
    if (n < 8) {
      throw new IOException("a numeric of " + n + " bytes");
    }
    return numericBody(scale);
  }

  /** A one-dimensional array's element count (its header read); 0 when empty, -1 when NULL. */
  int array() throws IOException {
    int n = field();
    if (n < 0) {
      return -1;
    }
    int ndim = int32();
    int32(); // has nulls: an element's length -1 says so
    int32(); // element type
    if (ndim == 0) {
      return 0;
    }
    if (ndim != 1) {
      throw new IOException("an array of " + ndim + " dimensions");
    }
    int size = int32();
    int32(); // lower bound
    return size;
  }

  /** An element of a text array. */
  String textElement() throws IOException {
    int n = int32();
    if (n < 0) {
      throw new IOException("a NULL element");
    }
    return utf8(n);
  }

  /** An element of a numeric array, as {@link #numeric}. */
  long numericElement(int scale) throws IOException {
    int n = int32();
    if (n < 8) {
      throw new IOException("a numeric element of " + n + " bytes");
    }
    return numericBody(scale);
  }

  /** Skips the rest of a field of {@code n} bytes (n may be -1: NULL). */
  void skip(int n) throws IOException {
    if (n > 0) {
      need(n);
      pos += n;
    }
  }

  private long numericBody(int scale) throws IOException {
    int ndigits = int16();
    int weight = int16();
    int sign = int16() & 0xffff;
    int16(); // display scale
    if (sign == 0xc000) {
      throw new IOException("NaN where an amount was expected");
    }
    need(ndigits * 2);
    long acc = 0;
    for (int i = 0; i < ndigits; i++) {
      acc = Math.addExact(Math.multiplyExact(acc, 10_000L), int16());
    }
    // acc × 10000^(weight − ndigits + 1) × 10^scale, exactly
    int exponent = 4 * (weight - ndigits + 1) + scale;
    long v;
    if (acc == 0) {
      v = 0;
    } else if (exponent >= 0) {
      v = Math.multiplyExact(acc, pow10(exponent));
    } else {
      long d = pow10(-exponent);
      if (acc % d != 0) {
        throw new IOException("a numeric with more than " + scale + " decimals");
      }
      v = acc / d;
    }
    return sign == 0x4000 ? -v : v;
  }

  private static long pow10(int e) throws IOException {
    if (e >= POW10.length) {
      throw new IOException("a numeric too large for a long: 10^" + e);
    }
    return POW10[e];
  }

  private String utf8(int n) throws IOException {
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private void expect(int bytes) throws IOException {
    int n = field();
    if (n != bytes) {
      throw new IOException("a field of " + n + " bytes where " + bytes + " were expected");
    }
  }

  private int int16() throws IOException {
    need(2);
    int v = (short) (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff));
    pos += 2;
    return v;
  }

  private int int32() throws IOException {
    need(4);
    int v =
        ((buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  private long int64() throws IOException {
    long hi = int32() & 0xffffffffL;
    long lo = int32() & 0xffffffffL;
    return (hi << 32) | lo;
  }

  /** Makes at least {@code n} bytes readable at {@code pos}. */
  private void need(int n) throws IOException {
    if (limit - pos >= n) {
      return;
    }
    if (n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
    }
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    pos = 0;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        throw new EOFException("the COPY stream ended inside a row");
      }
      limit += r;
    }
  }
}
