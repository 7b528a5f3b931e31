package org.yizhan.gateway.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.model.IdentityCategory;

/** The subsidy of one contribution: exact, rounded once HALF_UP, never above the contribution. */
class SubsidyShareTest {
  @ParameterizedTest(name = "{1}/10000 of {0} fen = {2} fen")
  @CsvSource({
    "35000, 10000, 35000", // 特困 in full
    "35000, 5000, 17500",
    "35005, 5000, 17503", // 175.025 yuan: the half fen rounds up
    "35003, 5000, 17502", // 175.015 yuan: up as well
    "35001, 3333, 11666", // 11666.6333 fen
    "101, 5000, 51", // 50.5 fen
    "99, 5000, 50", // 49.5 fen
    "35000, 0, 0",
    "1, 4999, 0", // 0.4999 fen
    "1, 5000, 1", // exactly half a fen
  })
  void ratio_roundsHalfUpOnce(long contributionFen, int ratio, long subsidyFen) {
    assertThat(new SubsidyShare.Ratio(ratio).subsidyFen(contributionFen)).isEqualTo(subsidyFen);
  }

  @ParameterizedTest(name = "fixed {1} of {0} fen = {2} fen")
  @CsvSource({"35000, 10000, 10000", "35000, 35000, 35000", "35000, 50000, 35000", "35000, 0, 0"})
  void fixed_isCappedAtTheContribution(long contributionFen, long fixedFen, long subsidyFen) {
    assertThat(new SubsidyShare.Fixed(fixedFen).subsidyFen(contributionFen)).isEqualTo(subsidyFen);
  }

  @Test
  void ratio_outsideZeroToWhole_isRefused() {
    assertThatThrownBy(() -> new SubsidyShare.Ratio(10_001)).hasMessageContaining("10001");
    assertThatThrownBy(() -> new SubsidyShare.Ratio(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> new SubsidyShare.Fixed(-1)).hasMessageContaining("-1");
  }

  @Test
  void standard_paysTheLargestShareOfTheCategoriesHeld() {
    ContributionStandard s =
        new ContributionStandard(
            2018,
            "445200",
            35005,
            Map.of(
                IdentityCategory.DESTITUTE, new SubsidyShare.Ratio(10_000),
                IdentityCategory.REGISTERED_POOR, new SubsidyShare.Ratio(5_000),
                IdentityCategory.ILLNESS_POOR, new SubsidyShare.Fixed(10_000)),
            Instant.EPOCH,
            "test");
    var both = s.subsidyFor(List.of(IdentityCategory.DESTITUTE, IdentityCategory.REGISTERED_POOR));
    assertThat(both.category()).isEqualTo(IdentityCategory.DESTITUTE);
    assertThat(both.subsidyFen()).isEqualTo(35005);
    assertThat(both.paidByPersonFen()).isZero();

    var poor = s.subsidyFor(List.of(IdentityCategory.REGISTERED_POOR));
    assertThat(poor.subsidyFen()).isEqualTo(17503);
    assertThat(poor.paidByPersonFen()).isEqualTo(17502);

    var none = s.subsidyFor(List.of(IdentityCategory.SUBSISTENCE));
    assertThat(none.category()).isNull();
    assertThat(none.subsidyFen()).isZero();
    assertThat(none.paidByPersonFen()).isEqualTo(35005);
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
    "445202, 445202, true",
    "445202, 445281, false",
    "445200, 445202, true",
    "445200, 445281, true",
    "445200, 440104, false",
    "440000, 445202, true",
    "440000, 450100, false",
    "445281, 445200, false",
  })
  void regions_coverThemselvesAndTheDivisionsBelow(String region, String code, boolean covers) {
    assertThat(Regions.covers(region, code)).isEqualTo(covers);
  }
}
