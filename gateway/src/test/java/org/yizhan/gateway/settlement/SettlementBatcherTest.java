package org.yizhan.gateway.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Group commit over HTTP: a gateway whose batches hold exactly the test's requests ({@code maxSize}
 * = their number, a linger of a second as the fallback), so they are decided and written in one
 * transaction; rows written by one transaction share its id ({@code xmin}), which is how the tests
 * see the batch. Requests are sent {@link #GAP_MILLIS} apart, so they arrive in order. One lane, so
 * that the members of several persons meet in one batch (the lanes: {@link SettlementLanesTest}).
 */
class SettlementBatcherTest {
  static final long GAP_MILLIS = 150;

  static TestGateway gateway(int batchSize) {
    return TestGateway.start(
        Map.of(
            "YIZHAN_SETTLEMENT_BATCH_ENABLED", "true",
            "YIZHAN_SETTLEMENT_BATCH_LANES", "1",
            "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", String.valueOf(batchSize),
            "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000000"));
  }

  /**
   * Sends the requests {@link #GAP_MILLIS} apart without waiting for answers; then waits. The
   * persons must be enrolled before ({@link TestGateway#enrol}): the test client's enrolment on
   * first sight would hold a request back and change the order.
   */
  static List<Response> inOrder(List<Supplier<Response>> requests) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(requests.size());
    try {
      List<CompletableFuture<Response>> all = new ArrayList<>();
      for (Supplier<Response> r : requests) {
        all.add(CompletableFuture.supplyAsync(r, pool));
        Thread.sleep(GAP_MILLIS);
      }
      return all.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
  }

  static Supplier<Response> settle(TestGateway gw, String json) {
    return () -> gw.post("/api/v1/settlements", H1_KEY, json);
  }

  /** How many transactions wrote the settlements of these claim numbers. */
  static long transactions(TestGateway gw, String... claimNos) {
    return ((Number)
            gw.value(
                "SELECT count(DISTINCT xmin::text) FROM settlement WHERE claim_no = ANY (?)",
                (Object) claimNos))
        .longValue();
  }

  /** A valid ID number of office 445202, one per {@code i}. */
  static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1980, 1, 1), i);
  }

  static BigDecimal drawn(Response r) {
    return new BigDecimal(json(r).get("assistance").get("prepaymentDrawn").asText());
  }

  static JsonNode json(Response r) {
    return ClaimJson.parse(r.body());
  }

  @Test
  void batch_withAConflict_refusesItAloneAndWritesItsNeighboursTogether() throws Exception {
    try (TestGateway gw = gateway(3)) {
      String person = person(1);
      gw.enrol(person);
      gw.post(
          "/api/v1/settlements", H1_KEY, ClaimJson.workedExample1("BC-1").person(person).json());

      List<Response> rs =
          inOrder(
              List.of(
                  settle(gw, ClaimJson.workedExample1("BC-2").person(person).json()),
                  // BC-1 again with other content: a conflict, decided in memory
                  settle(
                      gw,
                      ClaimJson.workedExample1("BC-1").person(person).item("T-A", "1.00").json()),
                  settle(gw, ClaimJson.workedExample1("BC-3").person(person).json())));

      assertThat(rs.get(0).status()).as(rs.get(0).body()).isEqualTo(201);
      assertThat(rs.get(1).status()).as(rs.get(1).body()).isEqualTo(409);
      assertThat(json(rs.get(1)).get("code").asText()).isEqualTo("CLAIM_CONFLICT");
      assertThat(rs.get(2).status()).as(rs.get(2).body()).isEqualTo(201);
      assertThat(transactions(gw, "BC-2", "BC-3")).isEqualTo(1);
      assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = 'BC-1'")).isEqualTo(1L);
      assertThat(
              gw.value(
                  "SELECT admissions_level1 + admissions_level2 + admissions_level3"
                      + " FROM accumulator WHERE person_id_no = ?",
                  person))
          .isEqualTo(3);
    }
  }

  @Test
  void batch_withARefusal_writesNothingOfItNotEvenItsPersonsFigures() throws Exception {
    try (TestGateway gw = gateway(2)) {
      String refused = person(20);
      gw.enrol(refused, person(21));
      List<Response> rs =
          inOrder(
              List.of(
                  // no policy governs 2030: the engine refuses it, in memory
                  settle(
                      gw,
                      ClaimJson.workedExample1("RJ-1")
                          .person(refused)
                          .dates("2030-01-01", "2030-01-02")
                          .json()),
                  settle(gw, ClaimJson.workedExample1("RJ-2").person(person(21)).json())));

      assertThat(rs.get(0).status()).as(rs.get(0).body()).isEqualTo(422);
      assertThat(json(rs.get(0)).get("code").asText()).isEqualTo("NO_POLICY");
      assertThat(rs.get(1).status()).as(rs.get(1).body()).isEqualTo(201);
      assertThat(gw.sql("SELECT 1 FROM accumulator WHERE person_id_no = ?", refused)).isEmpty();
      assertThat(gw.value("SELECT count(*) FROM claim WHERE claim_no = 'RJ-1'")).isEqualTo(0L);
    }
  }

  @Test
  void batch_drainingARefusingAccount_drawsInArrivalOrderAndRefusesTheRest() throws Exception {
    try (TestGateway gw = gateway(3)) {
      long account = TestData.topUp(gw, "445281", TestGateway.H1, "1000.00", "REFUSE");
      List<Supplier<Response>> requests = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String person = TestData.idNo("445281", LocalDate.of(1970, 1, 1), i);
        TestData.confirmed(gw, person, "DESTITUTE");
        gw.enrol(person);
        // assistance 700.00 each (see ConcurrencyTest); the account holds 1000.00
        requests.add(
            settle(
                gw,
                ClaimJson.claim("EX-" + i)
                    .office("445281")
                    .person(person)
                    .item("T-A", "2000.00")
                    .json()));
      }

      List<Response> rs = inOrder(requests);

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(drawn(rs.get(0))).isEqualByComparingTo("700.00");
      for (Response refused : rs.subList(1, 3)) {
        assertThat(drawn(refused)).isEqualByComparingTo("0.00");
        assertThat(refused.body()).contains("PREPAYMENT_EXHAUSTED");
      }
      assertThat(transactions(gw, "EX-0", "EX-1", "EX-2")).isEqualTo(1);
      assertThat(TestData.balance(gw, account)).isEqualByComparingTo("300.00");
      assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("300.00");
      assertThat(
              (BigDecimal)
                  gw.value("SELECT sum(ma_pay) FROM settlement WHERE claim_no LIKE 'EX-%'"))
          .isEqualByComparingTo("700.00");
    }
  }

  @Test
  void replayOfAMemberInFlight_waitsForItAndGetsTheSameAnswer() throws Exception {
    try (TestGateway gw = gateway(2)) {
      gw.enrol(person(2), person(3));
      String body = ClaimJson.workedExample1("RF-1").person(person(2)).json();
      Map<String, String> key = Map.of("Idempotency-Key", "his-rf-1");
      // RF-1 waits in the open batch for a second member; its replay arrives meanwhile
      List<Response> rs =
          inOrder(
              List.of(
                  () -> gw.post("/api/v1/settlements", H1_KEY, body, key),
                  () -> gw.post("/api/v1/settlements", H1_KEY, body, key),
                  settle(gw, ClaimJson.workedExample1("RF-2").person(person(3)).json())));

      // one of the twins settles, the other waits for it and replays its answer (whichever of
      // the two reached the gateway first)
      assertThat(List.of(rs.get(0).status(), rs.get(1).status()))
          .as(rs.get(0).body())
          .containsExactlyInAnyOrder(201, 200);
      assertThat(rs.get(1).body()).isEqualTo(rs.get(0).body());
      assertThat(rs.get(2).status()).as(rs.get(2).body()).isEqualTo(201);
      assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = 'RF-1'")).isEqualTo(1L);
      assertThat(transactions(gw, "RF-1", "RF-2")).isEqualTo(1);
    }
  }

  @Test
  void twoAdmissionsOfOnePersonInOneBatch_areComputedInOrder_asIfSettledOneAfterTheOther()
      throws Exception {
    try (TestGateway gw = gateway(2)) {
      String batched = person(4);
      String alone = person(5);
      gw.enrol(batched, alone);
      // the second admission reaches basic's cap only after the first: order matters
      ClaimJson first = ClaimJson.claim("-").item("T-A", "100000.00");
      ClaimJson second =
          ClaimJson.claim("-").dates("2018-05-01", "2018-05-10").item("T-A", "100000.00");
      // the reference: one after the other, each alone in its batch (after the linger)
      for (String n : List.of("1", "2")) {
        ClaimJson c = n.equals("1") ? first : second;
        c.node().put("claimNo", "AL-" + n).put("personIdNo", alone);
        assertThat(gw.post("/api/v1/settlements", H1_KEY, c.json()).status()).isEqualTo(201);
      }
      first.node().put("claimNo", "TW-1").put("personIdNo", batched);
      second.node().put("claimNo", "TW-2").put("personIdNo", batched);

      List<Response> rs = inOrder(List.of(settle(gw, first.json()), settle(gw, second.json())));

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(transactions(gw, "TW-1", "TW-2")).isEqualTo(1);
      String figures =
          "SELECT total, act_deductible, basic_pay, ci_pay, ma_pay, personal_pay, delta_basic_paid,"
              + " delta_deductible_paid, delta_ci_base, delta_ci_paid FROM settlement"
              + " WHERE claim_no = ?";
      Map<String, Object> tw1 = gw.sql(figures, "TW-1").get(0);
      Map<String, Object> tw2 = gw.sql(figures, "TW-2").get(0);
      assertThat(tw1).isEqualTo(gw.sql(figures, "AL-1").get(0));
      assertThat(tw2).isEqualTo(gw.sql(figures, "AL-2").get(0));
      assertThat(tw2).isNotEqualTo(tw1);
      String ytd =
          "SELECT basic_paid, deductible_paid, admissions_level3, ci_base, ci_paid, ma_base,"
              + " ma_paid FROM accumulator WHERE person_id_no = ?";
      assertThat(gw.sql(ytd, batched)).isEqualTo(gw.sql(ytd, alone));
      // settledAt orders them as computed
      assertThat(
              gw.value(
                  "SELECT (SELECT settled_at FROM settlement WHERE claim_no = 'TW-1')"
                      + " < (SELECT settled_at FROM settlement WHERE claim_no = 'TW-2')"))
          .isEqualTo(true);
    }
  }

  @Test
  void batchTheDatabaseRefuses_isSplitUntilTheBadMemberFailsAlone() throws Exception {
    try (TestGateway gw = gateway(4)) {
      gw.sql(
          "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW.claim_no LIKE 'POISON%' THEN RAISE EXCEPTION 'poisoned claim'; END IF;"
              + " RETURN NEW; END $$");
      gw.sql("CREATE TRIGGER poison BEFORE INSERT ON claim FOR EACH ROW EXECUTE FUNCTION poison()");
      List<Supplier<Response>> requests = new ArrayList<>();
      List<String> claimNos = List.of("SP-1", "SP-2", "SP-3", "POISON-1");
      gw.enrol(person(10), person(11), person(12), person(13));
      for (int i = 0; i < claimNos.size(); i++) {
        requests.add(
            settle(gw, ClaimJson.workedExample1(claimNos.get(i)).person(person(10 + i)).json()));
      }

      List<Response> rs = inOrder(requests);

      assertThat(rs.subList(0, 3))
          .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(rs.get(3).status()).isGreaterThanOrEqualTo(500);
      assertThat(rs.get(3).body()).doesNotContain("poisoned").doesNotContain("Exception");
      // split in halves: SP-1 and SP-2 together, then SP-3 alone, the poisoned claim alone
      assertThat(transactions(gw, "SP-1", "SP-2", "SP-3")).isEqualTo(2);
      assertThat(gw.value("SELECT count(*) FROM claim WHERE claim_no LIKE 'POISON%'"))
          .isEqualTo(0L);
      assertThat(gw.value("SELECT count(*) FROM settlement")).isEqualTo(3L);
    }
  }

  @Test
  void reversalAndTheCorrectedClaimInOneBatch_netExactly_inFiguresAndLedger() throws Exception {
    try (TestGateway gw = gateway(4)) {
      long account = TestData.topUp(gw, "445281", TestGateway.H1, "5000.00", "REFUSE");
      String poor = TestData.idNo("445281", LocalDate.of(1972, 1, 1), 0);
      String reference = TestData.idNo("445281", LocalDate.of(1972, 1, 1), 1);
      for (String p : List.of(poor, reference)) {
        TestData.confirmed(gw, p, "DESTITUTE");
        gw.enrol(p);
      }
      gw.enrol(person(40));
      String corrected = "3000.00";
      // the reference settles the corrected bill only; then the wrong bill of the other person
      List<Response> first =
          inOrder(
              List.of(
                  settle(
                      gw,
                      ClaimJson.claim("RF-C")
                          .office("445281")
                          .person(reference)
                          .item("T-A", corrected)
                          .json()),
                  settle(
                      gw,
                      ClaimJson.claim("RV-1")
                          .office("445281")
                          .person(poor)
                          .item("T-A", "2000.00")
                          .json())));
      assertThat(first).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      String wrong = json(first.get(1)).get("settlementId").asText();
      BigDecimal referenceDrawn = drawn(first.get(0));
      String reverse = "/api/v1/settlements/" + wrong + "/reversal";

      // one batch, in this order: reverse the wrong bill, settle the corrected one under the same
      // claim number, reverse the wrong bill again, and a neighbour
      List<Response> rs =
          inOrder(
              List.of(
                  () -> gw.post(reverse, H1_KEY, "{\"reason\":\"wrong bill\"}"),
                  settle(
                      gw,
                      ClaimJson.claim("RV-1")
                          .office("445281")
                          .person(poor)
                          .item("T-A", corrected)
                          .json()),
                  () -> gw.post(reverse, H1_KEY, "{\"reason\":\"twice\"}"),
                  settle(gw, ClaimJson.workedExample1("RV-N").person(person(40)).json())));

      assertThat(rs.get(0).status()).as(rs.get(0).body()).isEqualTo(200);
      assertThat(json(rs.get(0)).get("status").asText()).isEqualTo("REVERSED");
      assertThat(rs.get(1).status()).as(rs.get(1).body()).isEqualTo(201);
      assertThat(rs.get(2).status()).as(rs.get(2).body()).isEqualTo(200);
      assertThat(rs.get(3).status()).as(rs.get(3).body()).isEqualTo(201);
      assertThat(
              gw.value(
                  "SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM settlement"
                      + " WHERE claim_no IN ('RV-1', 'RV-N') UNION ALL SELECT xmin::text"
                      + " FROM reversal WHERE settlement_id = ?::uuid) t",
                  wrong))
          .isEqualTo(1L);
      assertThat(gw.value("SELECT count(*) FROM reversal WHERE settlement_id = ?::uuid", wrong))
          .isEqualTo(1L);
      // the wrong bill left no trace in the figures: they are the reference's, who settled the
      // corrected bill only
      String ytd =
          "SELECT basic_paid, deductible_paid, admissions_level1, admissions_level2,"
              + " admissions_level3, ci_base, ci_paid, ma_base, ma_paid"
              + " FROM accumulator WHERE person_id_no = ?";
      assertThat(gw.sql(ytd, poor)).isEqualTo(gw.sql(ytd, reference));
      assertThat(drawn(rs.get(1))).isEqualByComparingTo(referenceDrawn);
      BigDecimal left =
          new BigDecimal("5000.00").subtract(referenceDrawn.multiply(BigDecimal.valueOf(2)));
      assertThat(TestData.balance(gw, account)).isEqualByComparingTo(left);
      assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo(left);
    }
  }
}
