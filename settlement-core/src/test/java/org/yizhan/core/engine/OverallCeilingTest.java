package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.C;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.model.Settlement;

/**
 * Rules §6: the optional overall ceiling. A destitute person's level-1 bill of 10000.00, of which
 * 2000.00 is C: basic 7200.00, critical illness 0 (base 800 under the 5000 threshold), assistance
 * 800.00; funds 8000.00 of 10000.00 without a ceiling.
 */
class OverallCeilingTest {

  @ParameterizedTest(name = "ceiling {0} → basic {1}, ci {2}, assistance {3}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # ratio | basic   | ci    | assistance
          -       | 7200.00 | 0.00  | 800.00
          0.80    | 7200.00 | 0.00  | 800.00
          0.75    | 7200.00 | 0.00  | 300.00
          0.72    | 7200.00 | 0.00  | 0.00
          0.70    | 7000.00 | 0.00  | 0.00
          """)
  void settle_overallCeiling_trimsAssistanceFirst(
      String ratio, String basic, String ci, String assistance) {
    Settlement s = settle(ratio, "10000.00");

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo(basic);
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(ci);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(assistance);
    if (ratio != null) {
      assertThat(s.fundPayFen()).isLessThanOrEqualTo(Fen.times(s.totalFen(), Ratio.parse(ratio)));
    }
  }

  @ParameterizedTest(name = "ceiling {0} → ci {1}, assistance {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # 57000.00: 1000.00 over, all taken from assistance
          0.95    | 520.00  | 4280.00
          # 52500.00: assistance gone, then 220.00 from critical illness
          0.875   | 300.00  | 0.00
          """)
  void settle_overallCeiling_thenTrimsCriticalIllness(String ratio, String ci, String ma) {
    // level 1, A 58000 + C 2000, no deductible: basic 52200.00; ci base 5800.00, of which 800.00
    // above the halved threshold at 65% = 520.00; assistance 5280.00; funds 58000.00
    Settlement s = settle(ratio, "60000.00");

    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(ci);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(ma);
    assertThat(s.fundPayFen()).isEqualTo(Fen.times(s.totalFen(), Ratio.parse(ratio)));
    assertThat(s.assistance().trace()).contains("overall ceiling");
  }

  @ParameterizedTest(name = "ceiling {0} → basic {1}, ci {2}, assistance {3}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # level 1, A 58000 + C 2000: basic 52200.00, ci 520.00, assistance 5280.00 (58000.00)
          # ratio | basic    | ci     | assistance
          -       | 52200.00 | 520.00 | 5280.00
          # 57000.00: 1000.00 taken, from assistance alone
          0.95    | 52200.00 | 520.00 | 4280.00
          # 52500.00: assistance all gone, then 220.00 from critical illness
          0.875   | 52200.00 | 300.00 | 0.00
          # 52200.00: assistance and critical illness all gone, basic untouched
          0.87    | 52200.00 | 0.00   | 0.00
          # 48000.00: then 4200.00 from basic
          0.80    | 48000.00 | 0.00   | 0.00
          """)
  void settle_overallCeiling_takesFromAssistanceThenCriticalIllnessThenBasic(
      String ratio, String basic, String ci, String assistance) {
    Settlement s = settle(ratio, "60000.00");

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo(basic);
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(ci);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(assistance);
    assertThat(s.assistanceIdentity())
        .isEqualTo(s.assistance().paidFen() > 0 ? IdentityCategory.DESTITUTE : null);
    // the year's bases are those before the ceiling
    assertThat(Fen.format(s.delta().ciBaseFen())).isEqualTo("5800.00");
    assertThat(Fen.format(s.delta().maBaseFen())).isEqualTo("5280.00");
  }

  private static Settlement settle(String ratio, String total) {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.overallCapRatio = ratio == null ? null : Ratio.parse(ratio);
    long totalFen = Fen.parse(total);
    return new EngineHarness(b.build(), 2018)
        .holding(Identity.confirmed(IdentityCategory.DESTITUTE, LocalDate.of(2017, 1, 1)))
        .preview(
            Claims.claim()
                .level(1)
                .item(A, Fen.format(totalFen - Fen.parse("2000.00")))
                .item(C, "2000.00")
                .build());
  }
}
