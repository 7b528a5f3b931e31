package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Settlements racing for one person's year figures, and for one prepayment account: nothing is
 * lost, nothing passes a cap, and the ledger balance stays the sum of its transfers.
 */
class ConcurrencyTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** Sends {@code n} settles at once from {@code n} threads; returns the responses. */
  static List<Response> concurrently(int n, IntFunction<String> body) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<Response>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        all.add(
            CompletableFuture.supplyAsync(
                () -> gw.post("/api/v1/settlements", H1_KEY, body.apply(k)), pool));
      }
      return all.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void fiftyConcurrentSettlementsOfOnePerson_accumulatorsEqualTheirSumAndStayUnderCaps() {
    String person = "445202197001010019";
    // 50 level-3 admissions of 8000.00 in scope: basic alone would pay far past its 150000 cap
    List<Response> rs =
        concurrently(
            50,
            i ->
                ClaimJson.claim("CC-" + i)
                    .person(person)
                    .item("T-A", "8000.00")
                    .item("T-A-CAP100", "99.00")
                    .json());

    assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
    Map<String, Object> sums =
        gw.sql(
                "SELECT sum(basic_pay) basic, sum(act_deductible) ded, count(*) n,"
                    + " sum(delta_ci_base) ci_base, sum(ci_pay) ci, sum(delta_ma_base) ma_base,"
                    + " sum(ma_pay) ma FROM settlement WHERE person_id_no = ? AND status = 'SETTLED'",
                person)
            .get(0);
    Map<String, Object> acc =
        gw.sql("SELECT * FROM accumulator WHERE person_id_no = ? AND year = 2018", person).get(0);
    assertThat(sums.get("n")).isEqualTo(50L);
    assertThat((BigDecimal) acc.get("basic_paid"))
        .isEqualByComparingTo((BigDecimal) sums.get("basic"));
    assertThat((BigDecimal) acc.get("deductible_paid"))
        .isEqualByComparingTo((BigDecimal) sums.get("ded"));
    assertThat((BigDecimal) acc.get("ci_base"))
        .isEqualByComparingTo((BigDecimal) sums.get("ci_base"));
    assertThat((BigDecimal) acc.get("ci_paid")).isEqualByComparingTo((BigDecimal) sums.get("ci"));
    assertThat((BigDecimal) acc.get("ma_base"))
        .isEqualByComparingTo((BigDecimal) sums.get("ma_base"));
    assertThat(acc.get("admissions_level3")).isEqualTo(50);
    assertThat((BigDecimal) acc.get("basic_paid")).isEqualByComparingTo("150000.00");
    assertThat((BigDecimal) acc.get("ci_paid")).isLessThanOrEqualTo(new BigDecimal("300000.00"));
  }

  @Test
  void concurrentDrawdownsOfOneAccount_balanceIsTopUpsLessDrawdowns_withAdvancesWhenEmpty() {
    long account = TestData.topUp(gw, "445281", TestGateway.H1, "20000.00", "HOSPITAL_ADVANCE");
    for (int i = 0; i < 40; i++) {
      TestData.confirmed(gw, TestData.idNo("445281", LocalDate.of(1970, 1, 1), i), "DESTITUTE");
    }
    // a destitute person's 2000.00 at level 3: no deductible, basic 1300.00, critical illness 0,
    // assistance 700.00; 40 of them draw 28000.00 from an account holding 20000.00
    List<Response> rs =
        concurrently(
            40,
            i ->
                ClaimJson.claim("PD-" + i)
                    .office("445281")
                    .person(TestData.idNo("445281", LocalDate.of(1970, 1, 1), i))
                    .item("T-A", "2000.00")
                    .json());

    assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
    Map<String, Object> s =
        gw.sql(
                "SELECT sum(ma_pay) ma, sum(prepayment_drawn) drawn, sum(hospital_advance) adv"
                    + " FROM settlement WHERE office_code = '445281'")
            .get(0);
    BigDecimal drawn = (BigDecimal) s.get("drawn");
    BigDecimal advance = (BigDecimal) s.get("adv");
    assertThat(drawn.add(advance)).isEqualByComparingTo((BigDecimal) s.get("ma"));
    assertThat(drawn).isEqualByComparingTo("20000.00");
    assertThat(advance).isEqualByComparingTo("8000.00");
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo("0.00");
    assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("0.00");
    assertThat(
            (BigDecimal)
                gw.value("SELECT advance_owed FROM prepayment_account WHERE id = ?", account))
        .isEqualByComparingTo(advance);
  }
}
