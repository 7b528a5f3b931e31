package org.yizhan.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The run-out forecast's rule ({@link Forecast}) on figures computed by hand, in fen. */
class ForecastTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
      # case                          | today      | drawn  | advanced | reversed | adv.rev | balance | line   | rate | run out    | alert      | days | needed | top-up
      paid to the day                 | 2026-11-20 | 300000 | 0        | 0        | 0       | 50000   | 200000 | 10000 | 2026-11-25 | 2026-11-20 | 11   | 110000 | 60000
      nothing drawn: no date          | 2026-11-20 | 0      | 0        | 0        | 0       | 50000   | 0      | 0     | -          | -          | 11   | 0      | 0
      advances count as demand        | 2026-11-20 | 150000 | 150000   | 0        | 0       | 50000   | 0      | 10000 | 2026-11-25 | 2026-11-25 | 11   | 110000 | 60000
      reversals take demand back      | 2026-11-20 | 300000 | 0        | 75000    | 0       | 50000   | 0      | 7500  | 2026-11-26 | 2026-11-26 | 11   | 82500  | 32500
      more reversed than paid: none   | 2026-11-20 | 1000   | 0        | 5000     | 0       | 50000   | 0      | 0     | -          | -          | 11   | 0      | 0
      a third of a fen a day rounds up| 2026-11-30 | 10     | 0        | 0        | 0       | 0       | 0      | 0     | 2026-11-30 | 2026-11-30 | 1    | 1      | 1
      enough: no top-up               | 2026-11-01 | 30000  | 0        | 0        | 0       | 999999  | 100000 | 1000  | 2029-07-27 | 2029-04-18 | 30   | 30000  | 0
      exactly covers to a day's end   | 2026-12-31 | 3000   | 0        | 0        | 0       | 100     | 0      | 100   | 2027-01-01 | 2027-01-01 | 1    | 100    | 0
      overdrawn balance: today        | 2026-02-10 | 3001   | 0        | 0        | 0       | -5      | 0      | 100   | 2026-02-10 | 2026-02-10 | 19   | 1901   | 1906
      """)
  void forecast(
      String name,
      String today,
      long drawn,
      long advanced,
      long reversed,
      long advanceReversed,
      long balance,
      long line,
      long rate,
      String runOut,
      String alert,
      long days,
      long needed,
      long topUp) {
    Forecast f =
        Forecast.of(
            LocalDate.parse(today), drawn, advanced, reversed, advanceReversed, balance, line);
    assertThat(f.windowFrom()).isEqualTo(LocalDate.parse(today).minusDays(30));
    assertThat(f.windowTo()).isEqualTo(LocalDate.parse(today).minusDays(1));
    assertThat(f.dailyRateFen()).as("rate").isEqualTo(rate);
    assertThat(f.runOutDate())
        .as("run out")
        .isEqualTo(runOut == null ? null : LocalDate.parse(runOut));
    assertThat(f.alertDate()).as("alert").isEqualTo(alert == null ? null : LocalDate.parse(alert));
    assertThat(f.daysLeft()).as("days left").isEqualTo(days);
    assertThat(f.neededToPeriodEndFen()).as("needed").isEqualTo(needed);
    assertThat(f.topUpNeededFen()).as("top-up").isEqualTo(topUp);
  }

  @Test
  void negativeDemand_isAProgrammingError() {
    LocalDate d = LocalDate.of(2026, 11, 20);
    assertThatThrownBy(() -> new Forecast(d, d, d, -1, 0, 0, d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
