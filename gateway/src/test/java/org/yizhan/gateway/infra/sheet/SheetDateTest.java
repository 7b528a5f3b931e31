package org.yizhan.gateway.infra.sheet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one lenient date reader the roster and the register share. */
class SheetDateTest {
  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "2018-01-01, 2018-01-01",
    "2018-1-1, 2018-01-01",
    "2018/1/1, 2018-01-01",
    "2018/12/31, 2018-12-31",
    "2018年1月1日, 2018-01-01",
    "2018年12月3日, 2018-12-03",
    "20180101, 2018-01-01",
    "43101, 2018-01-01",
    "61, 1900-03-01",
    "2958465, 9999-12-31",
    "'  2018-01-01 ', 2018-01-01"
  })
  void parse_everyUnambiguousSpelling(String text, LocalDate expected) throws Exception {
    assertThat(SheetDate.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "2018-02-30, not a date of the calendar",
    "20181301, not a date of the calendar",
    "2018年2月29日, not a date of the calendar",
    "60, from 61",
    "2958466, from 61",
    "01/02/2018, must be a date like",
    "2018.01.01, must be a date like",
    "1.5, must be a date like",
    "yesterday, must be a date like"
  })
  void parse_refusesWithAReasonNeverTheText(String text, String reason) {
    assertThatThrownBy(() -> SheetDate.parse(text))
        .isInstanceOf(SheetDate.NotADate.class)
        .hasMessageContaining(reason)
        .message()
        .doesNotContain(text);
  }
}
