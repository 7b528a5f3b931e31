package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Settlement;

/**
 * Rules §0 "Which identities count": only an identity civil affairs has confirmed and that is in
 * force on the discharge date tilts any layer; a 建档立卡 identity lifted out on or before discharge
 * keeps its basic and critical-illness tilts but draws no assistance.
 *
 * <p>One A line of 45000.00 at level 3, discharged 2018-03-10. With no identity that counts: basic
 * (30000 − 1000) × 65% + 15000 × 70% = 29350.00; critical illness (15650 − 10000) × 60% = 3390.00.
 */
class IdentitiesThatCountTest {
  static final LocalDate FROM = LocalDate.of(2017, 1, 1);

  @ParameterizedTest(
      name = "{0}, confirmed {1}, lifted out {2} → basic {3}, ci {4}, assistance {5}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # identity      | confirmed | lifted out | basic    | ci      | assistance
          -               | -         | -          | 29350.00 | 3390.00 | 0.00
          # unconfirmed: changes nothing, in any layer
          DESTITUTE       | false     | -          | 29350.00 | 3390.00 | 0.00
          SUBSISTENCE     | false     | -          | 29350.00 | 3390.00 | 0.00
          REGISTERED_POOR | false     | -          | 29350.00 | 3390.00 | 0.00
          # confirmed 特困: no deductible, threshold 5000 at 65%, assistance 100% of the rest
          DESTITUTE       | true      | -          | 30000.00 | 6500.00 | 8500.00
          # confirmed 低保: basic as everyone, critical illness (15650 − 5000) × 65%, 80% of the rest
          SUBSISTENCE     | true      | -          | 29350.00 | 6922.50 | 6982.00
          # 建档立卡 lifted out before discharge: tilts kept, no assistance
          REGISTERED_POOR | true      | 2018-03-01 | 29350.00 | 6922.50 | 0.00
          REGISTERED_POOR | true      | 2018-03-10 | 29350.00 | 6922.50 | 0.00
          REGISTERED_POOR | true      | 2018-03-11 | 29350.00 | 6922.50 | 6109.25
          """)
  void settle_onlyConfirmedIdentitiesTiltTheLayers(
      IdentityCategory category,
      Boolean confirmed,
      LocalDate liftedOut,
      String basic,
      String ci,
      String assistance) {
    EngineHarness h = EngineHarness.reference();
    if (category != null) {
      h.holding(new Identity(category, FROM, null, confirmed, liftedOut));
    }

    Settlement s = h.preview(admission("1"));

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo(basic);
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(ci);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(assistance);
  }

  @Test
  void settle_unconfirmedDestitute_paysLikeNoIdentity() {
    Settlement s =
        EngineHarness.reference()
            .holding(new Identity(IdentityCategory.DESTITUTE, FROM, null, false, null))
            .preview(admission("1"));

    assertThat(Fen.format(s.actDeductibleFen())).isEqualTo("1000.00");
    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("29350.00");
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("3390.00");
    assertThat(s.criticalIllness().remainingRoomFen()).isNotNull();
    assertThat(s.assistanceIdentity()).isNull();
  }

  @Test
  void settle_readmissionOfUnconfirmedRegisteredPoor_keepsDeductible() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(new Identity(IdentityCategory.REGISTERED_POOR, FROM, null, false, null));
    h.settle(admission("1"));

    Settlement again = h.settle(admission("2"));

    assertThat(Fen.format(again.actDeductibleFen())).isEqualTo("1000.00");
  }

  @Test
  void settle_readmissionOfLiftedOutRegisteredPoor_stillWaivesDeductible() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(
                new Identity(
                    IdentityCategory.REGISTERED_POOR, FROM, null, true, LocalDate.of(2018, 1, 1)));
    h.settle(admission("1"));

    Settlement again = h.settle(admission("2"));

    assertThat(Fen.format(again.actDeductibleFen())).isEqualTo("0.00");
    assertThat(again.assistance().paidFen()).isZero();
  }

  private static org.yizhan.core.model.Claim admission(String no) {
    return Claims.claim()
        .no(no)
        .level(3)
        .admitted("2018-03-01")
        .discharged("2018-03-10")
        .item(A, "45000.00")
        .build();
  }
}
