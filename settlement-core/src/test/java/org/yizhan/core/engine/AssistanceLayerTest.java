package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.policy.AssistanceTerms;
import org.yizhan.core.policy.IdentityRules;

/** Rules §5: medical assistance for confirmed identities in force on the discharge date. */
class AssistanceLayerTest {
  static final LocalDate DISCHARGE = LocalDate.of(2018, 6, 10);

  /** Level 1, inScope 1200.00: basic 900.00, critical illness 0, assistance base 300.00. */
  static Settlement settleSmall(EngineHarness h) {
    return h.settle(
        Claims.claim()
            .level(1)
            .admitted("2018-06-01")
            .discharged(DISCHARGE.toString())
            .item(A, "1200.00")
            .build());
  }

  @ParameterizedTest(name = "{0} from {1} to {2}, confirmed {3}, lifted out {4} → {5}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # identity       | from       | to         | confirmed | lifted out | assistance
          # DESTITUTE has no basic deductible: basic pays 1080.00, assistance all of the 120.00 left
          DESTITUTE        | 2018-01-01 | -          | true      | -          | 120.00
          SUBSISTENCE      | 2018-01-01 | -          | true      | -          | 240.00
          REGISTERED_POOR  | 2018-01-01 | -          | true      | -          | 210.00
          # ILLNESS_POOR has a 2000.00 annual deductible: a 300.00 base pays nothing
          ILLNESS_POOR     | 2018-01-01 | -          | true      | -          | 0.00
          # valid to the discharge day inclusive
          SUBSISTENCE      | 2018-01-01 | 2018-06-10 | true      | -          | 240.00
          # ended the day before discharge
          SUBSISTENCE      | 2018-01-01 | 2018-06-09 | true      | -          | 0.00
          # starts the day after discharge
          SUBSISTENCE      | 2018-06-11 | -          | true      | -          | 0.00
          # starts on the discharge day
          SUBSISTENCE      | 2018-06-10 | -          | true      | -          | 240.00
          # registered but not yet confirmed
          SUBSISTENCE      | 2018-01-01 | -          | false     | -          | 0.00
          # lifted out of poverty on or before discharge
          REGISTERED_POOR  | 2016-01-01 | -          | true      | 2018-06-10 | 0.00
          REGISTERED_POOR  | 2016-01-01 | -          | true      | 2018-01-01 | 0.00
          # lifted out after discharge still counts
          REGISTERED_POOR  | 2016-01-01 | -          | true      | 2018-06-11 | 210.00
          """)
  void settle_assistanceByIdentity(
      IdentityCategory category,
      LocalDate from,
      LocalDate to,
      boolean confirmed,
      LocalDate liftedOut,
      String expected) {
    EngineHarness h =
        EngineHarness.reference().holding(new Identity(category, from, to, confirmed, liftedOut));

    Settlement s = settleSmall(h);

    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(expected);
    assertThat(s.assistanceIdentity()).isEqualTo(s.assistance().paidFen() > 0 ? category : null);
    assertThat(h.ytd.maBaseFen()).isEqualTo(s.assistance().baseFen());
  }

  @Test
  void settle_noIdentity_paysNoAssistanceButCountsTheBase() {
    EngineHarness h = EngineHarness.reference();

    Settlement s = settleSmall(h);

    assertThat(s.assistance().paidFen()).isZero();
    assertThat(s.assistanceIdentity()).isNull();
    assertThat(s.assistance().remainingRoomFen()).isZero();
    assertThat(Fen.format(h.ytd.maBaseFen())).isEqualTo("300.00");
  }

  @Test
  void settle_severalIdentities_mostFavourablePays() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)))
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)))
            .holding(Identity.confirmed(IdentityCategory.ILLNESS_POOR, LocalDate.of(2017, 1, 1)));

    Settlement s = settleSmall(h);

    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("240.00");
    assertThat(s.assistanceIdentity()).isEqualTo(IdentityCategory.SUBSISTENCE);
  }

  @Test
  void settle_limitLeavesALowerPayer_higherRatioWithLittleRoomLoses() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)))
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)));
    // SUBSISTENCE's limit 50000 has 100.00 left; REGISTERED_POOR's 30000 is spent too
    h.ytd = new Accumulators(2018, 0, 0, 0, 0, 0, 0, 0, 0, Fen.parse("29900.00"));

    Settlement s = settleSmall(h);

    // SUBSISTENCE: min(240, 20100) = 240; REGISTERED_POOR: min(210, 100) = 100
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("240.00");
    assertThat(s.assistanceIdentity()).isEqualTo(IdentityCategory.SUBSISTENCE);
    assertThat(Fen.format(s.assistance().remainingRoomFen())).isEqualTo("19860.00");
  }

  @Test
  void settle_tie_recordsTheFirstInTieOrder() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    IdentityRules same =
        new IdentityRules(
            Ratio.ONE,
            Ratio.ZERO,
            Ratio.ONE,
            Ratio.ZERO,
            false,
            new AssistanceTerms(0, Ratio.parse("0.5"), null));
    b.identities = Map.of(IdentityCategory.ILLNESS_POOR, same, IdentityCategory.SUBSISTENCE, same);
    EngineHarness h =
        new EngineHarness(b.build(), 2018)
            .holding(Identity.confirmed(IdentityCategory.ILLNESS_POOR, LocalDate.of(2017, 1, 1)))
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)));

    Settlement s = settleSmall(h);

    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("150.00");
    assertThat(s.assistanceIdentity()).isEqualTo(IdentityCategory.SUBSISTENCE);
  }

  @Test
  void settle_annualLimitAcrossAdmissions_stopsAtTheLimit() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(
                Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)));
    h.ytd = new Accumulators(2018, 0, 0, 0, 0, 0, 0, 0, 0, Fen.parse("29850.00"));

    Settlement first = settleSmall(h);
    Settlement second = settleSmall(h);

    assertThat(Fen.format(first.assistance().paidFen())).isEqualTo("150.00");
    assertThat(first.assistance().remainingRoomFen()).isZero();
    assertThat(second.assistance().paidFen()).isZero();
    assertThat(Fen.format(h.ytd.maPaidFen())).isEqualTo("30000.00");
  }

  @Test
  void settle_annualDeductibleAcrossAdmissions_isBorneOncePerYear() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.ILLNESS_POOR, LocalDate.of(2017, 1, 1)));
    h.ytd = new Accumulators(2018, 0, 0, 0, 0, 0, 0, 0, Fen.parse("1900.00"), 0);

    Settlement s = settleSmall(h);

    // 100.00 of the 2000.00 deductible is left: (300 − 100) × 60% = 120.00
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("120.00");
    Settlement next = settleSmall(h);
    assertThat(Fen.format(next.assistance().paidFen())).isEqualTo("180.00");
  }

  @Test
  void settle_identityHeldOnlyLaterInTheYear_baseEarlierInYearStillCounts() {
    EngineHarness h = EngineHarness.reference();
    settleSmall(h);
    h.holding(Identity.confirmed(IdentityCategory.ILLNESS_POOR, LocalDate.of(2018, 6, 10)));
    h.ytd =
        new Accumulators(
            2018,
            h.ytd.basicPaidFen(),
            h.ytd.deductiblePaidFen(),
            1,
            0,
            0,
            h.ytd.ciBaseFen(),
            0,
            Fen.parse("1800.00"),
            0);

    Settlement s = settleSmall(h);

    // year base 1800 before: 200 of deductible left: (300 − 200) × 60% = 60.00
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("60.00");
  }
}
