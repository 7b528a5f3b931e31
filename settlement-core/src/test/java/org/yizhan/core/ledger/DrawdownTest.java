package org.yizhan.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrawdownTest {

  @ParameterizedTest(
      name = "{0}, balance {1}, assistance {2} → drawn {3}, advance {4}, refused {5}")
  @CsvSource({
    // mode,          balance, maPay, drawn, advance, refused, why
    "HOSPITAL_ADVANCE, 100000, 30000, 30000, 0, false, the balance covers it",
    "HOSPITAL_ADVANCE, 30000, 30000, 30000, 0, false, the balance covers it exactly",
    "REFUSE, 30000, 30000, 30000, 0, false, exactly covered: REFUSE has nothing to refuse",
    "HOSPITAL_ADVANCE, 29999, 30000, 29999, 1, false, one fen short: the hospital advances a fen",
    "REFUSE, 29999, 30000, 0, 0, true, one fen short in REFUSE: all of it is refused",
    "HOSPITAL_ADVANCE, 0, 30000, 0, 30000, false, zero balance: the hospital advances all",
    "REFUSE, 0, 30000, 0, 0, true, zero balance in REFUSE",
    "HOSPITAL_ADVANCE, 12345, 99999, 12345, 87654, false, part drawn and part advanced",
    "HOSPITAL_ADVANCE, 0, 0, 0, 0, false, no assistance and no balance: nothing moves",
    "REFUSE, 0, 0, 0, 0, false, no assistance is never refused",
    "HOSPITAL_ADVANCE, 100000, 0, 0, 0, false, no assistance: nothing moves",
    "HOSPITAL_ADVANCE, 1, 1, 1, 0, false, the smallest assistance covered",
    "REFUSE, 0, 1, 0, 0, true, the smallest assistance refused",
  })
  void plan_fundsAssistanceFromTheBalance_advancingOrRefusingTheRest(
      PrepaymentMode mode,
      long balanceFen,
      long maPayFen,
      long drawnFen,
      long advanceFen,
      boolean refused,
      String why) {
    Drawdown plan = Drawdown.plan(mode, balanceFen, maPayFen);

    assertThat(plan).as(why).isEqualTo(new Drawdown(drawnFen, advanceFen, refused));
    if (!plan.refused()) {
      assertThat(plan.drawnFen() + plan.advanceFen()).as("all of it is funded").isEqualTo(maPayFen);
      assertThat(plan.drawnFen()).as("never more than the balance").isLessThanOrEqualTo(balanceFen);
    }
  }

  @Test
  void plan_ofNoAssistance_isNone() {
    assertThat(Drawdown.plan(PrepaymentMode.REFUSE, 0, 0)).isSameAs(Drawdown.NONE);
    assertThat(Drawdown.NONE.movesMoney()).isFalse();
  }

  @ParameterizedTest(name = "balance {0}, assistance {1}")
  @CsvSource({"-1, 100", "100, -1"})
  void plan_refusesANegativeAmount_namingIt(long balanceFen, long maPayFen) {
    assertThatThrownBy(() -> Drawdown.plan(PrepaymentMode.HOSPITAL_ADVANCE, balanceFen, maPayFen))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void plan_needsAMode() {
    assertThatThrownBy(() -> Drawdown.plan(null, 0, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("mode");
  }

  @ParameterizedTest(name = "drawn {0}, advance {1}, refused {2}")
  @CsvSource({"-1, 0, false", "0, -1, false", "1, 0, true", "0, 1, true"})
  void theConstructor_refusesAnImpossibleDrawdown(long drawnFen, long advanceFen, boolean refused) {
    assertThatThrownBy(() -> new Drawdown(drawnFen, advanceFen, refused))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
