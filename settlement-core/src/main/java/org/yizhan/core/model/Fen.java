package org.yizhan.core.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Money is a {@code long} count of fen (0.01 yuan). This class converts at the edges and holds the
 * one rounding rule of the settlement rules: HALF_UP (a half rounds away from zero) to the fen.
 *
 * <p>Why not {@link BigDecimal} everywhere: every amount the rules produce is a whole number of
 * fen, and every ratio has at most four decimals, so {@code fen × ratio} is an exact integer count
 * of 1/10000 fen that needs one division to round. Longs keep the engine allocation-free and make
 * "exact" easy to check; {@link Math#multiplyExact} turns a silent overflow into an error.
 */
public final class Fen {
  /** The largest amount we store: NUMERIC(14,2) holds 999,999,999,999.99 yuan. */
  public static final long MAX = 99_999_999_999_999L;

  private Fen() {}

  /** Parses a yuan amount with at most two decimals ("12.5", "12.50", "-3"); exact or throws. */
  public static long parse(String yuan) {
    return fromYuan(new BigDecimal(yuan));
  }

  /** Converts yuan with at most two decimals to fen; throws {@link ArithmeticException} if not. */
  public static long fromYuan(BigDecimal yuan) {
    return yuan.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  public static BigDecimal toYuan(long fen) {
    return BigDecimal.valueOf(fen, 2);
  }

  /** Formats fen as yuan with exactly two decimals: 1234 → "12.34", -5 → "-0.05". */
  public static String format(long fen) {
    StringBuilder out = new StringBuilder(16);
    appendTo(out, fen);
    return out.toString();
  }

  /** Appends fen as yuan with exactly two decimals, without allocating a temporary string. */
  public static void appendTo(StringBuilder out, long fen) {
    if (fen < 0) {
      out.append('-');
      if (fen == Long.MIN_VALUE) {
        throw new ArithmeticException("fen out of range: " + fen);
      }
      fen = -fen;
    }
    out.append(fen / 100).append('.');
    long cents = fen % 100;
    if (cents < 10) {
      out.append('0');
    }
    out.append(cents);
  }

  /**
   * {@code value / divisor} rounded HALF_UP (ties away from zero), for a positive divisor. This is
   * {@link RoundingMode#HALF_UP} on integers.
   */
  public static long divideHalfUp(long value, long divisor) {
    if (divisor <= 0) {
      throw new IllegalArgumentException("divisor must be positive: " + divisor);
    }
    if (value < 0) {
      return -divideHalfUp(-value, divisor);
    }
    long quotient = value / divisor;
    long remainder = value % divisor;
    return remainder >= divisor - remainder ? quotient + 1 : quotient;
  }

  /** {@code round(fen × ratio)} HALF_UP to the fen. */
  public static long times(long fen, Ratio ratio) {
    return divideHalfUp(Math.multiplyExact(fen, (long) ratio.perTenThousand()), Ratio.SCALE);
  }

  /**
   * {@code round(quantity × unitPrice)} HALF_UP to the fen, where the quantity is in 1/10000 units
   * and the price in 1/1,000,000 yuan: the product is in 1e-10 yuan, i.e. 1e-8 fen. Both inputs are
   * non-negative here; falls back to exact big-integer arithmetic if the product does not fit.
   */
  public static long quantityTimesPrice(long quantityE4, long unitPriceE6) {
    if (quantityE4 < 0 || unitPriceE6 < 0) {
      throw new IllegalArgumentException(
          "quantity and price must be non-negative: " + quantityE4 + ", " + unitPriceE6);
    }
    long high = Math.multiplyHigh(quantityE4, unitPriceE6);
    long low = quantityE4 * unitPriceE6;
    if (high == 0 && low >= 0) {
      return divideHalfUp(low, 100_000_000L);
    }
    BigInteger product = BigInteger.valueOf(quantityE4).multiply(BigInteger.valueOf(unitPriceE6));
    return new BigDecimal(product, 8).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /** {@code max(x, 0)}: the rules' {@code pos}. */
  public static long pos(long x) {
    return Math.max(x, 0);
  }
}
