package org.yizhan.core.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A non-negative ratio with at most four decimals, held exactly as a count of 1/10000 (0.65 is
 * 6500). Ratios, bonuses and factors of the policy are all of this kind.
 */
public record Ratio(int perTenThousand) implements Comparable<Ratio> {
  /** Ratios are counted in 1/SCALE. */
  public static final int SCALE = 10_000;

  public static final Ratio ZERO = new Ratio(0);
  public static final Ratio ONE = new Ratio(SCALE);

  public Ratio {
    if (perTenThousand < 0) {
      throw new IllegalArgumentException("ratio must not be negative: " + perTenThousand);
    }
  }

  /** Parses "0.65", "1", "0.0525"; more than four decimals or a negative value throws. */
  public static Ratio parse(String decimal) {
    return of(new BigDecimal(decimal));
  }

  public static Ratio of(BigDecimal decimal) {
    if (decimal.signum() < 0) {
      throw new IllegalArgumentException("ratio must not be negative: " + decimal);
    }
    try {
      return new Ratio(
          decimal.movePointRight(4).setScale(0, RoundingMode.UNNECESSARY).intValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "ratio must have at most 4 decimals and be small: " + decimal, e);
    }
  }

  /** {@code min(this + other, 1)}: a bonus never lifts a ratio past 100%. */
  public Ratio plusCappedAtOne(Ratio other) {
    return new Ratio(Math.min(SCALE, perTenThousand + other.perTenThousand));
  }

  public boolean isAtMostOne() {
    return perTenThousand <= SCALE;
  }

  public static Ratio min(Ratio a, Ratio b) {
    return a.perTenThousand <= b.perTenThousand ? a : b;
  }

  public static Ratio max(Ratio a, Ratio b) {
    return a.perTenThousand >= b.perTenThousand ? a : b;
  }

  public BigDecimal toBigDecimal() {
    return BigDecimal.valueOf(perTenThousand, 4);
  }

  /** "0.6500": the national format for ratios (four decimals). */
  public String toDecimalString() {
    return toBigDecimal().toPlainString();
  }

  /** "65%", "72.5%": for traces. */
  public String toPercentString() {
    StringBuilder s = new StringBuilder(8);
    appendPercent(s);
    return s.toString();
  }

  /** Appends "65%", "72.5%", "5.25%" without allocating a temporary. */
  public void appendPercent(StringBuilder out) {
    out.append(perTenThousand / 100);
    int hundredths = perTenThousand % 100;
    if (hundredths != 0) {
      out.append('.');
      if (hundredths < 10) {
        out.append('0');
        out.append(hundredths);
      } else {
        out.append(hundredths % 10 == 0 ? hundredths / 10 : hundredths);
      }
    }
    out.append('%');
  }

  @Override
  public int compareTo(Ratio other) {
    return Integer.compare(perTenThousand, other.perTenThousand);
  }

  @Override
  public String toString() {
    return toDecimalString();
  }
}
