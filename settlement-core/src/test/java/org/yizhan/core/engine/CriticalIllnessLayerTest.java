package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.B20;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Settlement;

/** Rules §4: critical illness over the year's cumulative base. */
class CriticalIllnessLayerTest {

  @Test
  void settle_thresholdCrossedAcrossTwoAdmissions_paysOnlyThePartAbove() {
    EngineHarness h = EngineHarness.reference();
    // level 1, inScope 20200: basic 18000 (90% above 200) → ciBase 2200, below the threshold
    Settlement first = h.settle(Claims.claim().no("1").level(1).item(A, "60200.00").build());
    assertThat(Fen.format(first.criticalIllness().baseFen())).isEqualTo("6200.00");
    assertThat(first.criticalIllness().paidFen()).isZero();

    Settlement second = h.settle(Claims.claim().no("2").level(1).item(A, "70200.00").build());

    // ciBase 7200: the year's base goes 6200 → 13400, of which 3400 lies above 10000
    assertThat(Fen.format(second.criticalIllness().baseFen())).isEqualTo("7200.00");
    assertThat(Fen.format(second.criticalIllness().paidFen())).isEqualTo("2040.00");
    assertThat(second.criticalIllness().trace()).contains("band 10000.00-13400.00 x 60% = 2040.00");
  }

  @Test
  void settle_baseAcrossBandEdge_paysEachBandAtItsRatio() {
    EngineHarness h = EngineHarness.reference();
    h.ytd = new Accumulators(2018, 0, 0, 0, 0, 0, Fen.parse("45000.00"), 0, 0, 0);

    // level 1, inScope 100200 → basic 90000 → ciBase 10200: 5000 at 60%, 5200 at 70%
    Settlement s = h.settle(Claims.claim().level(1).item(A, "100200.00").build());

    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("6640.00");
  }

  @Test
  void settle_annualCapReached_paysTheRoomLeft() {
    EngineHarness h = EngineHarness.reference();
    h.ytd =
        new Accumulators(2018, 0, 0, 0, 0, 0, Fen.parse("400000.00"), Fen.parse("299000.00"), 0, 0);

    Settlement s = h.settle(Claims.claim().level(1).item(A, "100200.00").build());

    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("1000.00");
    assertThat(s.criticalIllness().remainingRoomFen()).isZero();
  }

  @Test
  void settle_capRemovedForPoorIdentity_paysPastTheCap() {
    EngineHarness h =
        EngineHarness.reference()
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2016, 5, 1)));
    h.ytd =
        new Accumulators(2018, 0, 0, 0, 0, 0, Fen.parse("400000.00"), Fen.parse("300000.00"), 0, 0);

    Settlement s = h.settle(Claims.claim().level(1).item(A, "100200.00").build());

    // threshold halved, ratio +5%: the whole 10200 lies in the top band at 85%
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("8670.00");
    assertThat(s.criticalIllness().remainingRoomFen()).isNull();
    assertThat(s.criticalIllness().trace()).contains("annual cap removed");
  }

  @Test
  void settle_includePreSelfPaySwitch_addsTheBShareToTheBase() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.ciIncludePreSelfPay = true;
    EngineHarness h = new EngineHarness(b.build(), 2018);

    Settlement s = h.preview(Claims.claim().level(1).item(B20, "30200.00").build());

    // inScope 24160, basic (24160−200)×90% = 21564, base 24160 − 21564 + 6040 = 8636
    assertThat(Fen.format(s.criticalIllness().baseFen())).isEqualTo("8636.00");
  }

  @Test
  void splitAdmissions_sameYearBase_sameTotalWithinOneFenEach() {
    Benefits none = Benefits.of(ReferencePolicy.policy(), List.of(), LocalDate.of(2018, 6, 1));
    long whole = ciPay(none, 0, Fen.parse("73333.33"));
    long split = 0;
    long before = 0;
    long[] parts = {Fen.parse("11111.11"), Fen.parse("22222.22"), Fen.parse("40000.00")};
    for (long part : parts) {
      split += ciPay(none, before, part);
      before += part;
    }
    assertThat(Math.abs(whole - split)).isLessThanOrEqualTo(parts.length);
  }

  private static long ciPay(Benefits b, long yearBaseBefore, long base) {
    Accumulators ytd = new Accumulators(2018, 0, 0, 0, 0, 0, yearBaseBefore, 0, 0, 0);
    return CriticalIllnessLayer.pay(ReferencePolicy.policy().criticalIllness(), base, 0, 0, b, ytd)
        .paidFen();
  }
}
