package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.B20;

import java.time.LocalDate;
import java.util.Map;
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
import org.yizhan.core.policy.IdentityRules;

/**
 * Two decisions the rules page states (§0 and §5): a derived threshold is rounded HALF_UP to the
 * fen before it is used, and a negative assistance base counts as 0. (The third, the ceiling's
 * order, is pinned in {@link OverallCeilingTest}.)
 */
class StatedDecisionsTest {
  static final LocalDate FROM = LocalDate.of(2017, 1, 1);

  /**
   * A policy whose level-1 deductible and critical-illness threshold are not even fen, and an
   * identity that halves both: the derived figures end in half a fen.
   */
  @ParameterizedTest(name = "{0}: {1} x {2}, base {3} → threshold {4}, pay {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # layer | listed   | factor | base    | threshold used | pay
          # 100.005 → 100.01: (100.07 − 100.01) × 90% = 0.054 → 0.05 (unrounded: 0.0585 → 0.06)
          basic   | 200.01   | 0.5    | 100.07  | 100.01         | 0.05
          # here rounding first changes nothing: 0.045 → 0.05 and 0.0495 → 0.05
          basic   | 200.01   | 0.5    | 100.06  | 100.01         | 0.05
          # 100.015 → 100.02: (100.09 − 100.02) × 90% = 0.063 → 0.06 (unrounded: 0.0675 → 0.07)
          basic   | 200.03   | 0.5    | 100.09  | 100.02         | 0.06
          # 5000.005 → 5000.01: (5000.03 − 5000.01) × 60% = 0.012 → 0.01 (unrounded: 0.015 → 0.02)
          ci      | 10000.01 | 0.5    | 5000.03 | 5000.01        | 0.01
          # here rounding first changes nothing: 0.018 → 0.02 and 0.021 → 0.02
          ci      | 10000.01 | 0.5    | 5000.04 | 5000.01        | 0.02
          """)
  void settle_derivedThresholdIsRoundedToTheFenBeforeUse(
      String layer, String listed, String factor, String base, String threshold, String pay) {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.deductible = Map.of(1, Fen.parse(listed), 2, Fen.parse("500.00"), 3, Fen.parse("1000.00"));
    b.ciThreshold = Fen.parse(listed);
    b.identities =
        Map.of(
            IdentityCategory.SUBSISTENCE,
            new IdentityRules(
                Ratio.parse(factor), Ratio.ZERO, Ratio.parse(factor), Ratio.ZERO, false, null));
    EngineHarness h =
        new EngineHarness(b.build(), 2018)
            .holding(Identity.confirmed(IdentityCategory.SUBSISTENCE, FROM));
    boolean basic = layer.equals("basic");
    if (!basic) {
      // basic's annual cap is spent, so the whole in-scope amount is the critical-illness base
      h.ytd = new Accumulators(2018, Fen.parse("150000.00"), 0, 1, 0, 0, 0, 0, 0, 0);
    }

    Settlement s = h.preview(Claims.claim().level(1).item(A, base).build());

    if (basic) {
      assertThat(Fen.format(s.actDeductibleFen())).isEqualTo(threshold);
      assertThat(Fen.format(s.basic().paidFen())).isEqualTo(pay);
    } else {
      assertThat(s.basic().paidFen()).isZero();
      assertThat(s.criticalIllness().trace()).contains("threshold " + threshold);
      assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(pay);
    }
  }

  /**
   * Level 1, a 20% B line of 125000.00: preSelfPay 25000.00, inScope 100000.00. Critical illness
   * counting the B share while assistance does not can pay more than basic left of inScope; the
   * assistance base is then 0, and the year's assistance base does not go down.
   */
  @ParameterizedTest(name = "{0} ci+pre {1}, ma+pre {2} → ci {3}, maBase {4}, assistance {5}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # identity | ci pre | ma pre | ci       | maBase   | assistance
          # basic 89820.00; ciBase 10180 + 25000 = 35180.00; ci 25180 × 60% = 15108.00;
          # 100000 − 89820 − 15108 = −4928.00 → 0
          -          | true   | false  | 15108.00 | 0.00     | 0.00
          # 特困: basic 90000.00; ciBase 35000.00; ci 30000 × 65% = 19500.00; 10000 − 19500 → 0
          DESTITUTE  | true   | false  | 19500.00 | 0.00     | 0.00
          # assistance counting the B share too: 125000 − 90000 − 19500 = 15500.00, all paid
          DESTITUTE  | true   | true   | 19500.00 | 15500.00 | 15500.00
          # neither counts it: ciBase 10000.00, ci 5000 × 65% = 3250.00, maBase 6750.00
          DESTITUTE  | false  | false  | 3250.00  | 6750.00  | 6750.00
          """)
  void settle_negativeAssistanceBaseCountsAsZero(
      IdentityCategory identity,
      boolean ciIncludesPre,
      boolean maIncludesPre,
      String ci,
      String maBase,
      String assistance) {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.ciIncludePreSelfPay = ciIncludesPre;
    b.maIncludePreSelfPay = maIncludesPre;
    EngineHarness h = new EngineHarness(b.build(), 2018);
    if (identity != null) {
      h.holding(Identity.confirmed(identity, FROM));
    }
    long yearBaseBefore = Fen.parse("1000.00");
    h.ytd = new Accumulators(2018, 0, 0, 0, 0, 0, 0, 0, yearBaseBefore, 0);

    Settlement s = h.settle(Claims.claim().level(1).item(B20, "125000.00").build());

    assertThat(Fen.format(s.inScopeFen())).isEqualTo("100000.00");
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo(ci);
    assertThat(Fen.format(s.assistance().baseFen())).isEqualTo(maBase);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo(assistance);
    assertThat(h.ytd.maBaseFen()).isEqualTo(yearBaseBefore + Fen.parse(maBase));
  }
}
