package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.B20;
import static org.yizhan.core.fixtures.TestCatalogue.C;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Settlement;

/** The two worked examples of the rules page, to the fen. */
class WorkedExamplesTest {

  /**
   * Lines that classify as the example says: fullOwnPay 3000.00, preSelfPay 2000.00, overLimit 0,
   * inScope 45000.00 (an A item of 37000.00 and a 20% B item of 10000.00).
   */
  static Claims firstAdmission() {
    return Claims.claim()
        .no("ZY-1")
        .level(3)
        .admitted("2018-03-01")
        .discharged("2018-03-20")
        .item(A, "37000.00")
        .item(B20, "10000.00")
        .item(C, "3000.00");
  }

  @Test
  void settle_workedExample1_registeredPoorFirstLevel3Admission() {
    EngineHarness year =
        EngineHarness.reference()
            .holding(
                Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)));

    Settlement s = year.settle(firstAdmission().build());

    assertThat(Fen.format(s.totalFen())).isEqualTo("50000.00");
    assertThat(Fen.format(s.fullOwnPayFen())).isEqualTo("3000.00");
    assertThat(Fen.format(s.preSelfPayFen())).isEqualTo("2000.00");
    assertThat(Fen.format(s.overLimitFen())).isEqualTo("0.00");
    assertThat(Fen.format(s.inScopeFen())).isEqualTo("45000.00");
    assertThat(Fen.format(s.actDeductibleFen())).isEqualTo("1000.00");
    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("29350.00");
    assertThat(Fen.format(s.criticalIllness().baseFen())).isEqualTo("15650.00");
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("6922.50");
    assertThat(Fen.format(s.assistance().baseFen())).isEqualTo("8727.50");
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("6109.25");
    assertThat(s.assistanceIdentity()).isEqualTo(IdentityCategory.REGISTERED_POOR);
    assertThat(Fen.format(s.fundPayFen())).isEqualTo("42381.75");
    assertThat(Fen.format(s.personalPayFen())).isEqualTo("7618.25");
    assertThat(s.basic().fundCode()).isEqualTo("390100");
    assertThat(s.criticalIllness().fundCode()).isEqualTo("390200");
    assertThat(s.assistance().fundCode()).isEqualTo("610100");
    assertThat(s.basic().trace())
        .isEqualTo(
            "inScope 45000.00, deductible 1000.00 (level 3), "
                + "band 1000.00-30000.00 x 65% = 18850.00, "
                + "band 30000.00-45000.00 x 70% = 10500.00, -> 29350.00, pay 29350.00");
    assertThat(Fen.format(s.basic().remainingRoomFen())).isEqualTo("120650.00");
    assertThat(s.criticalIllness().remainingRoomFen()).isNull();
    assertThat(Fen.format(s.assistance().remainingRoomFen())).isEqualTo("23890.75");

    assertThat(year.ytd)
        .isEqualTo(
            new Accumulators(
                2018, 2_935_000, 100_000, 0, 0, 1, 1_565_000, 692_250, 872_750, 610_925));
  }

  @Test
  void settle_workedExample2_readmissionAtSameLevelWaivesDeductible() {
    EngineHarness year =
        EngineHarness.reference()
            .holding(
                Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2017, 1, 1)));
    year.settle(firstAdmission().build());

    Settlement s =
        year.settle(
            Claims.claim()
                .no("ZY-2")
                .level(3)
                .admitted("2018-08-01")
                .discharged("2018-08-09")
                .item(A, "20000.00")
                .build());

    assertThat(Fen.format(s.actDeductibleFen())).isEqualTo("0.00");
    assertThat(Fen.format(s.basic().paidFen())).isEqualTo("13000.00");
    assertThat(Fen.format(s.criticalIllness().baseFen())).isEqualTo("7000.00");
    assertThat(Fen.format(s.criticalIllness().paidFen())).isEqualTo("4550.00");
    assertThat(Fen.format(s.assistance().baseFen())).isEqualTo("2450.00");
    assertThat(Fen.format(s.assistance().paidFen())).isEqualTo("1715.00");
    assertThat(Fen.format(s.personalPayFen())).isEqualTo("735.00");
    assertThat(s.basic().trace()).contains("waived: readmission");
    assertThat(s.criticalIllness().trace()).contains("year base 15650.00 -> 22650.00");
  }
}
