package org.yizhan.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.fixtures.TestCatalogue;

class SettlementTest {

  @Test
  void withAssistanceRefused_patientPaysTheAssistancePartAndTheBaseStillCounts() {
    Settlement s =
        (Settlement)
            SettlementEngine.settle(
                Claims.claim().level(1).item(TestCatalogue.A, "1200.00").build(),
                ReferencePolicy.policy(),
                TestCatalogue.catalogue(),
                List.of(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1))),
                Accumulators.zero(2018),
                null);
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("240.00");

    Settlement refused = s.withAssistanceRefused("PREPAYMENT_EXHAUSTED");

    assertThat(refused.assistance().paidFen()).isZero();
    assertThat(refused.assistanceIdentity()).isNull();
    assertThat(refused.assistanceNote()).isEqualTo("PREPAYMENT_EXHAUSTED");
    assertThat(refused.personalPayFen()).isEqualTo(s.personalPayFen() + 24_000);
    assertThat(refused.delta().maPaidFen()).isZero();
    assertThat(refused.delta().maBaseFen()).isEqualTo(s.delta().maBaseFen());
    assertThat(refused.assistance().remainingRoomFen())
        .isEqualTo(s.assistance().remainingRoomFen() + 24_000);
    assertThat(refused.assistance().trace()).contains("refused (PREPAYMENT_EXHAUSTED)");
  }
}
