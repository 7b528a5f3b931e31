package org.yizhan.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FenTest {

  @ParameterizedTest(name = "{0} / {1} → {2}")
  @CsvSource({
    "5, 10, 1",
    "4, 10, 0",
    "15, 10, 2",
    "-5, 10, -1",
    "-4, 10, 0",
    "-15, 10, -2",
    "0, 7, 0",
    "10, 3, 3",
    "11, 3, 4",
    "49999, 10000, 5",
    "50000, 100000, 1"
  })
  void divideHalfUp_roundsHalfAwayFromZero(long value, long divisor, long expected) {
    assertThat(Fen.divideHalfUp(value, divisor)).isEqualTo(expected);
  }

  @Property
  void divideHalfUp_agreesWithBigDecimal(
      @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long value,
      @ForAll @LongRange(min = 1, max = 100_000_000) long divisor) {
    long expected =
        BigDecimal.valueOf(value)
            .divide(BigDecimal.valueOf(divisor), 0, RoundingMode.HALF_UP)
            .longValueExact();
    assertThat(Fen.divideHalfUp(value, divisor)).isEqualTo(expected);
  }

  @Property
  void quantityTimesPrice_agreesWithBigDecimal(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 4) long quantityE4,
      @ForAll @LongRange(min = 0, max = 10_000_000_000_000L) long priceE6) {
    long expected =
        BigDecimal.valueOf(quantityE4, 4)
            .multiply(BigDecimal.valueOf(priceE6, 6))
            .setScale(2, RoundingMode.HALF_UP)
            .movePointRight(2)
            .longValue();
    // products past 2^63 fen do not fit any amount we store; only compare those that do
    if (BigDecimal.valueOf(quantityE4, 4)
            .multiply(BigDecimal.valueOf(priceE6, 6))
            .compareTo(BigDecimal.valueOf(Long.MAX_VALUE, 2))
        < 0) {
      assertThat(Fen.quantityTimesPrice(quantityE4, priceE6)).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @CsvSource({"0.00, 0", "12.34, 1234", "-0.05, -5", "7, 700", "12.5, 1250", "100000.00, 10000000"})
  void parse_andFormat_roundTrip(String yuan, long fen) {
    assertThat(Fen.parse(yuan)).isEqualTo(fen);
    assertThat(Fen.format(fen)).isEqualTo(new BigDecimal(yuan).setScale(2).toPlainString());
  }

  @ParameterizedTest
  @CsvSource({"0.001", "1.005", "abc"})
  void parse_moreThanTwoDecimalsOrJunk_throws(String yuan) {
    assertThatThrownBy(() -> Fen.parse(yuan)).isInstanceOf(RuntimeException.class);
  }

  @ParameterizedTest
  @CsvSource({"0.65, 6500, 65%", "1, 10000, 100%", "0.725, 7250, 72.5%", "0.0525, 525, 5.25%"})
  void ratio_parseAndPercent(String decimal, int perTenThousand, String percent) {
    Ratio r = Ratio.parse(decimal);
    assertThat(r.perTenThousand()).isEqualTo(perTenThousand);
    assertThat(r.toPercentString()).isEqualTo(percent);
  }

  @ParameterizedTest
  @CsvSource({"0.00001", "-0.1"})
  void ratio_moreThanFourDecimalsOrNegative_throws(String decimal) {
    assertThatThrownBy(() -> Ratio.parse(decimal)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ratio_bonusIsCappedAtOne() {
    assertThat(Ratio.parse("0.98").plusCappedAtOne(Ratio.parse("0.05"))).isEqualTo(Ratio.ONE);
  }
}
