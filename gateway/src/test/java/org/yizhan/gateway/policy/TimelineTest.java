package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.gateway.config.PolicyFiles.Problem;

/** The rules a new version keeps with its line's approved versions, at their edges. */
class TimelineTest {
  static final LocalDate TODAY = LocalDate.of(2019, 6, 10);

  /** The line: 2018 whole, and 2019 from January to December. */
  static final List<Timeline.Period> LINE =
      List.of(
          new Timeline.Period(1, LocalDate.of(2018, 1, 1), LocalDate.of(2018, 12, 31)),
          new Timeline.Period(2, LocalDate.of(2019, 1, 1), LocalDate.of(2019, 12, 31)));

  @ParameterizedTest(name = "from {0}: {1}")
  @CsvSource({
    "2019-06-11, ok",
    "2019-12-31, ok",
    "2020-01-01, ok",
    "2020-01-02, leaves a gap from 2020-01-01 to 2020-01-01",
    "2019-06-10, must be after today",
    "2019-06-09, must be after today",
    "2019-01-01, must be after today|overlaps approved version 2",
  })
  void aNewVersion_succeedsTheLast_inTheFuture_withoutAGap(String from, String expected) {
    LocalDate start = LocalDate.parse(from);
    List<String> found =
        Timeline.check(LINE, start, start.plusMonths(6), TODAY).stream()
            .map(Problem::message)
            .toList();
    if (expected.equals("ok")) {
      assertThat(found).isEmpty();
    } else {
      String[] each = expected.split("\\|");
      assertThat(found).hasSize(each.length);
      for (int i = 0; i < each.length; i++) {
        assertThat(found.get(i)).startsWith(each[i]);
      }
    }
  }

  @ParameterizedTest(name = "lapsed line, from {0}")
  @CsvSource({"2019-06-11", "2020-03-01"})
  void aLapsedLine_reopensOnAnyLaterDay(String from) {
    List<Timeline.Period> lapsed =
        List.of(new Timeline.Period(1, LocalDate.of(2018, 1, 1), LocalDate.of(2018, 12, 31)));
    LocalDate start = LocalDate.parse(from);
    assertThat(Timeline.check(lapsed, start, start.plusMonths(6), TODAY)).isEmpty();
  }
}
