package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Settlement;

/** Rules §3: basic insurance per admission, for a person holding no identity unless stated. */
class BasicLayerTest {

  @ParameterizedTest(name = "level {0}, inScope {1} → basic {2}, deductible borne {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # level | inScope   | basic     | deductible borne
          # level 1: flat 90% above 200
          1       | 1200.00   | 900.00    | 200.00
          # deductible larger than the bill: nothing paid, the whole bill is deductible
          2       | 300.00    | 0.00      | 300.00
          # exactly the deductible
          3       | 1000.00   | 0.00      | 1000.00
          # band edge: 30000 is the last amount of the 65% band
          3       | 30000.00  | 18850.00  | 1000.00
          # one fen into the 70% band: 18850 + 0.007 rounds to 18850.01
          3       | 30000.01  | 18850.01  | 1000.00
          # half a fen rounds up: (500.02 − 500) × 75% = 0.015 → 0.02
          2       | 500.02    | 0.02      | 500.00
          # a third of a fen rounds down: (500.01 − 500) × 75% = 0.0075 → 0.01
          2       | 500.01    | 0.01      | 500.00
          # all three level-3 bands: 29000×65% + 40000×70% + 10000×75%
          3       | 80000.00  | 54350.00  | 1000.00
          # level 2 above 30000: 29500×75% + 20000×80%
          2       | 50000.00  | 38125.00  | 500.00
          """)
  void settle_basicScheduleByLevel(int level, String inScope, String basic, String deductible) {
    Settlement s =
        EngineHarness.reference().preview(Claims.claim().level(level).item(A, inScope).build());

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo(basic);
    assertThat(Fen.format(s.actDeductibleFen())).isEqualTo(deductible);
    assertThat(s.delta().deductiblePaidFen()).isEqualTo(s.actDeductibleFen());
  }

  @Test
  void settle_basicAnnualCapReachedExactly_paysToTheCapAndLeavesNoRoom() {
    EngineHarness h = EngineHarness.reference();
    // level 1 claim of 1200.00 pays 900.00; leave exactly 900.00 of room
    h.ytd = new Accumulators(2018, Fen.parse("149100.00"), 0, 1, 0, 0, 0, 0, 0, 0);

    Settlement s = h.settle(Claims.claim().level(1).item(A, "1200.00").build());

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("900.00");
    assertThat(s.basic().remainingRoomFen()).isZero();
    assertThat(Fen.format(h.ytd.basicPaidFen())).isEqualTo("150000.00");
  }

  @Test
  void settle_basicAnnualCapReachedMidClaim_paysOnlyTheRoomLeft() {
    EngineHarness h = EngineHarness.reference();
    h.ytd = new Accumulators(2018, Fen.parse("149500.00"), 0, 1, 0, 0, 0, 0, 0, 0);

    Settlement s = h.settle(Claims.claim().level(1).item(A, "1200.00").build());

    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("500.00");
    assertThat(s.basic().remainingRoomFen()).isZero();
    // the capped-off 400.00 lands in the critical-illness base
    assertThat(Fen.format(s.criticalIllness().baseFen())).isEqualTo("700.00");
    assertThat(s.basic().trace()).contains("annual cap 150000.00");

    Settlement next = h.settle(Claims.claim().no("2").level(1).item(A, "5000.00").build());
    assertThat(next.basic().paidFen()).isZero();
  }

  @Test
  void settle_destituteDeductibleFactorZero_paysFromTheFirstYuan() {
    Settlement s =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.DESTITUTE, LocalDate.of(2015, 1, 1)))
            .preview(Claims.claim().level(3).item(A, "10000.00").build());

    assertThat(Fen.format(s.actDeductibleFen())).isEqualTo("0.00");
    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("6500.00");
    assertThat(s.basic().trace()).contains("1000.00 x 0.0000");
  }

  @Test
  void settle_readmissionOfRegisteredPoor_waivesDeductible() {
    EngineHarness h = registeredPoor();
    Settlement first = h.settle(Claims.claim().no("1").level(2).item(A, "5000.00").build());
    Settlement second = h.settle(Claims.claim().no("2").level(2).item(A, "5000.00").build());

    assertThat(Fen.format(first.actDeductibleFen())).isEqualTo("500.00");
    assertThat(Fen.format(second.actDeductibleFen())).isEqualTo("0.00");
    assertThat(Fen.format(second.basic().paidFen())).isEqualTo("3750.00");
  }

  @Test
  void settle_readmissionAtAnotherLevel_keepsDeductible() {
    EngineHarness h = registeredPoor();
    h.settle(Claims.claim().no("1").level(2).item(A, "5000.00").build());

    Settlement atLevel3 = h.settle(Claims.claim().no("2").level(3).item(A, "5000.00").build());

    assertThat(Fen.format(atLevel3.actDeductibleFen())).isEqualTo("1000.00");
  }

  @Test
  void settle_readmissionAfterReversedAdmission_keepsDeductible() {
    EngineHarness h = registeredPoor();
    Settlement first = h.settle(Claims.claim().no("1").level(3).item(A, "5000.00").build());
    h.reverse(first);

    Settlement again = h.settle(Claims.claim().no("2").level(3).item(A, "5000.00").build());

    assertThat(Fen.format(again.actDeductibleFen())).isEqualTo("1000.00");
  }

  @Test
  void settle_readmissionWithoutWaivingIdentity_keepsDeductible() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)));
    h.settle(Claims.claim().no("1").level(3).item(A, "5000.00").build());

    Settlement again = h.settle(Claims.claim().no("2").level(3).item(A, "5000.00").build());

    assertThat(Fen.format(again.actDeductibleFen())).isEqualTo("1000.00");
  }

  private static EngineHarness registeredPoor() {
    return EngineHarness.reference()
        .holding(Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)));
  }
}
