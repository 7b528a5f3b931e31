package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.A_CAPPED;
import static org.yizhan.core.fixtures.TestCatalogue.B10;
import static org.yizhan.core.fixtures.TestCatalogue.B20;
import static org.yizhan.core.fixtures.TestCatalogue.B_CAPPED;
import static org.yizhan.core.fixtures.TestCatalogue.B_THEN_A;
import static org.yizhan.core.fixtures.TestCatalogue.C;
import static org.yizhan.core.fixtures.TestCatalogue.UNKNOWN;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.policy.UnknownItems;

/** Rules §1: each line classified against the catalogue, to the fen. */
class LinePricingTest {

  @ParameterizedTest(name = "{0} × {1} @ {2} on {3} → {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # code     | qty    | unit price | discharge  | category | own pay | over limit | pre self pay | in scope
          A-ITEM      | 1      | 100.00     | 2018-06-01 | A        | 0.00    | 0.00       | 0.00         | 100.00
          B-ITEM-20   | 1      | 100.00     | 2018-06-01 | B        | 0.00    | 0.00       | 20.00        | 80.00
          C-ITEM      | 3      | 10.00      | 2018-06-01 | C        | 30.00   | 0.00       | 0.00         | 0.00
          NOT-LISTED  | 1      | 55.55      | 2018-06-01 | C        | 55.55   | 0.00       | 0.00         | 0.00
          # B share of 0.05 × 10% = 0.005 rounds HALF_UP to 0.01
          B-ITEM-10   | 1      | 0.05       | 2018-06-01 | B        | 0.00    | 0.00       | 0.01         | 0.04
          # 0.04 × 10% = 0.004 rounds down
          B-ITEM-10   | 1      | 0.04       | 2018-06-01 | B        | 0.00    | 0.00       | 0.00         | 0.04
          # 120 against a 100 cap, 2 units: 40.00 over the limit
          A-CAPPED-100 | 2     | 120.00     | 2018-06-01 | A        | 0.00    | 40.00      | 0.00         | 200.00
          # exactly at the cap: nothing over
          A-CAPPED-100 | 1     | 100.00     | 2018-06-01 | A        | 0.00    | 0.00       | 0.00         | 100.00
          # B with cap: 3 × (80 − 50) = 90 over; within 150 × 10% = 15 pre-self-pay
          B-CAPPED-50 | 3      | 80.00      | 2018-06-01 | B        | 0.00    | 90.00      | 15.00        | 135.00
          # fractional quantity and six-decimal price: 2.5 × 0.333333 = 0.8333325 → 0.83
          A-ITEM      | 2.5    | 0.333333   | 2018-06-01 | A        | 0.00    | 0.00       | 0.00         | 0.83
          # amount 0.3333 × 100.015 = 33.3349995 → 33.33; over 0.3333 × 0.015 = 0.0049995 → 0.00
          A-CAPPED-100 | 0.3333 | 100.015   | 2018-06-01 | A        | 0.00    | 0.00       | 0.00         | 33.33
          # the catalogue entry in force on the discharge date decides
          B-THEN-A    | 1      | 100.00     | 2018-12-31 | B        | 0.00    | 0.00       | 15.00        | 85.00
          B-THEN-A    | 1      | 100.00     | 2019-01-01 | A        | 0.00    | 0.00       | 0.00         | 100.00
          """)
  void price_lineAgainstCatalogue(
      String code,
      String quantity,
      String unitPrice,
      String discharge,
      String category,
      String ownPay,
      String overLimit,
      String preSelfPay,
      String inScope) {
    int year = Integer.parseInt(discharge.substring(0, 4));
    EngineHarness h =
        new EngineHarness(org.yizhan.core.fixtures.ReferencePolicy.builder().build(), 2018);
    var claim = Claims.claim().discharged(discharge).line(code, quantity, unitPrice).build();
    LinePricing line =
        ((PricedClaim.Priced) LinePricer.price(claim, h.catalogue, UnknownItems.SELF_PAY))
            .lines()
            .get(0);

    assertThat(line.category().name()).isEqualTo(category);
    assertThat(Fen.format(line.fullOwnPayFen())).isEqualTo(ownPay);
    assertThat(Fen.format(line.overLimitFen())).isEqualTo(overLimit);
    assertThat(Fen.format(line.preSelfPayFen())).isEqualTo(preSelfPay);
    assertThat(Fen.format(line.inScopeFen())).isEqualTo(inScope);
    assertThat(line.inCatalogue()).isEqualTo(!code.equals(UNKNOWN));
  }

  @Test
  void settle_totalIsTheSumOfTheFourClassifications() {
    Settlement s =
        EngineHarness.reference()
            .preview(
                Claims.claim()
                    .item(A, "10.00")
                    .item(B20, "10.00")
                    .line(B10, "3", "3.33")
                    .item(C, "1.00")
                    .line(A_CAPPED, "1", "150.00")
                    .line(B_CAPPED, "2", "60.00")
                    .item(UNKNOWN, "2.00")
                    .line(B_THEN_A, "1", "9.99")
                    .build());

    assertThat(s.totalFen())
        .isEqualTo(s.fullOwnPayFen() + s.overLimitFen() + s.preSelfPayFen() + s.inScopeFen())
        .isEqualTo(s.lines().stream().mapToLong(LinePricing::amountFen).sum());
    assertThat(Fen.format(s.overLimitFen())).isEqualTo("70.00");
  }
}
