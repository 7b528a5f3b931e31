package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** The prepayment ledger: drawdowns, advances, refusals, top-ups, clearing and office walls. */
class PrepaymentLedgerTest {
  static TestGateway gw;
  static ManagerClient a;
  static ManagerClient b;

  /** Hospital H2 (level 2) for 445202 people, H3 (level 1) for 445281 people. */
  static final String H2 = "H44520200002";

  static final String H3 = "H44528100003";

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    b = ManagerClient.login(gw, ManagerClient.B, ManagerClient.B_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** Imports n confirmed DESTITUTE persons of the manager's office; returns their ID numbers. */
  static List<String> destitute(ManagerClient m, String area, int bornInYear, int n) {
    StringBuilder csv =
        new StringBuilder(
            "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = TestData.idNo(area, LocalDate.of(bornInYear, 1, 1), i);
      ids.add(id);
      csv.append(id).append(",困难户").append(i).append(",DESTITUTE,2018-01-01,,true,\n");
    }
    Response r = m.postCsv("/manager/api/identities/import", csv.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ids;
  }

  static List<Response> concurrently(List<Supplier<Response>> calls) {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<CompletableFuture<Response>> all = new ArrayList<>();
      for (var c : calls) {
        all.add(CompletableFuture.supplyAsync(c, pool));
      }
      return all.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
  }

  /**
   * A level-2 bill of 3000.00 in scope for a destitute person: basic 2250.00, assistance 750.00.
   */
  static Supplier<Response> settle(String key, String office, String claim, String person) {
    return () ->
        gw.post(
            "/api/v1/settlements",
            key,
            ClaimJson.claim(claim).office(office).person(person).item("T-A", "3000.00").json());
  }

  static JsonNode account(ManagerClient m, long id) {
    for (JsonNode acc : m.json(m.get("/manager/api/accounts"))) {
      if (acc.get("id").asLong() == id) {
        return acc;
      }
    }
    throw new AssertionError("account " + id + " not listed");
  }

  static BigDecimal sum(String sql, Object... args) {
    Object v = gw.value(sql, args);
    return v == null ? BigDecimal.ZERO : (BigDecimal) v;
  }

  @Test
  void
      hundredConcurrentSettlementsAndReversals_balanceIsTopUpsLessDrawdownsPlusReversals_withAdvances() {
    long id = a.account(H2, "30000.00", "HOSPITAL_ADVANCE");
    List<String> people = destitute(a, "445202", 1930, 100);
    List<Supplier<Response>> first = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      first.add(settle(TestGateway.H2_KEY, "445202", "PA-" + i, people.get(i)));
    }
    List<Response> settled = concurrently(first);
    assertThat(settled).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));

    List<Supplier<Response>> reversals = new ArrayList<>();
    for (int i = 0; i < 100; i += 4) {
      String sid = ClaimJson.parse(settled.get(i).body()).get("settlementId").asText();
      reversals.add(
          () -> gw.post("/api/v1/settlements/" + sid + "/reversal", TestGateway.H2_KEY, ""));
    }
    assertThat(concurrently(reversals)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

    BigDecimal topUps =
        sum("SELECT sum(amount) FROM ledger_transfer WHERE account_id = ? AND kind = 'TOP_UP'", id);
    BigDecimal drawdowns =
        sum(
            "SELECT sum(amount) FROM ledger_transfer WHERE account_id = ? AND kind = 'DRAWDOWN'",
            id);
    BigDecimal credits =
        sum(
            "SELECT sum(amount) FROM ledger_transfer WHERE account_id = ? AND kind ="
                + " 'REVERSAL_CREDIT'",
            id);
    BigDecimal advances =
        sum(
            "SELECT sum(amount) FROM ledger_transfer WHERE account_id = ? AND kind = 'ADVANCE'",
            id);
    BigDecimal advanceBack =
        sum(
            "SELECT sum(amount) FROM ledger_transfer WHERE account_id = ? AND kind ="
                + " 'ADVANCE_REVERSAL'",
            id);
    JsonNode acc = account(a, id);

    assertThat(acc.get("balance").decimalValue())
        .isEqualByComparingTo(topUps.subtract(drawdowns).add(credits));
    assertThat(acc.get("advanceOwed").decimalValue())
        .isEqualByComparingTo(advances.subtract(advanceBack));
    // 100 × 750.00 = 75000.00 asked of 30000.00: 45000.00 advanced by the hospital
    assertThat(drawdowns).isEqualByComparingTo("30000.00");
    assertThat(advances).isEqualByComparingTo("45000.00");
    assertThat(
            sum(
                "SELECT sum(ma_pay) FROM settlement WHERE office_code = '445202' AND hospital_code"
                    + " = ? AND claim_no LIKE 'PA-%'",
                H2))
        .isEqualByComparingTo("75000.00");
    JsonNode verify = a.json(a.get("/manager/api/accounts/" + id + "/verify"));
    assertThat(verify.get("balanced").asBoolean()).isTrue();
  }

  @Test
  void refuseMode_whenTheBalanceRunsOut_assistanceIsRefusedAndThePatientPays() {
    long id = b.account(H3, "4500.00", "REFUSE");
    List<String> people = destitute(b, "445281", 1930, 20);
    List<Supplier<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(settle(TestGateway.H3_KEY, "445281", "RF-" + i, people.get(i)));
    }
    List<Response> rs = concurrently(calls);
    assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));

    int refused = 0;
    for (Response r : rs) {
      JsonNode s = ClaimJson.parse(r.body());
      if ("PREPAYMENT_EXHAUSTED".equals(s.get("assistance").get("note").asText(null))) {
        refused++;
        assertThat(s.get("funds").get(2).get("paid").decimalValue()).isZero();
        assertThat(s.get("assistance").get("identity").isNull()).isTrue();
      } else {
        assertThat(s.get("assistance").get("prepaymentDrawn").decimalValue())
            .isEqualByComparingTo(s.get("funds").get(2).get("paid").decimalValue());
      }
      assertThat(s.get("assistance").get("hospitalAdvance").decimalValue()).isZero();
    }
    // level 1, 3000.00: basic 2700.00, assistance 300.00 each; 4500.00 covers 15 of 20
    assertThat(refused).isEqualTo(5);
    assertThat(account(b, id).get("balance").decimalValue()).isZero();
    assertThat(account(b, id).get("advanceOwed").decimalValue()).isZero();
  }

  @Test
  void topUp_isIdempotentByReference_andAnotherAmountIsAConflict() {
    long id = a.account("H44010400004", null, null);
    String body = "{\"reference\":\"BANK-20181101-7\",\"amount\":12345.67}";
    Response first = a.post("/manager/api/accounts/" + id + "/top-ups", body);
    Response again = a.post("/manager/api/accounts/" + id + "/top-ups", body);
    Response other =
        a.post(
            "/manager/api/accounts/" + id + "/top-ups",
            "{\"reference\":\"BANK-20181101-7\",\"amount\":1.00}");

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(other.status()).isEqualTo(409);
    assertThat(a.json(other).get("code").asText()).isEqualTo("TOP_UP_CONFLICT");
    assertThat(account(a, id).get("balance").decimalValue()).isEqualByComparingTo("12345.67");
    assertThat(gw.value("SELECT count(*) FROM ledger_transfer WHERE account_id = ?", id))
        .isEqualTo(1L);
  }

  @Test
  void closedStatement_doesNotChangeAfterALaterReversal_whichLandsInTheNextPeriod() {
    long id = a.account(TestGateway.H1, "10000.00", "HOSPITAL_ADVANCE");
    TestData.openedLastMonth(gw, id);
    String person = destitute(a, "445202", 1940, 1).get(0);
    JsonNode s =
        ClaimJson.parse(
            gw.post(
                    "/api/v1/settlements",
                    TestGateway.H1_KEY,
                    ClaimJson.claim("CL-1").person(person).item("T-A", "2000.00").json())
                .body());
    String period = account(a, id).get("openPeriod").asText();

    Response closed = a.post("/manager/api/accounts/" + id + "/periods/" + period + "/close", "");
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    JsonNode statement = a.json(closed);
    assertThat(statement.get("closingBalance").decimalValue())
        .isEqualByComparingTo(
            new BigDecimal("10000.00").subtract(s.get("funds").get(2).get("paid").decimalValue()));
    String before = a.get("/manager/api/accounts/" + id + "/statements/" + period).body();

    gw.post(
        "/api/v1/settlements/" + s.get("settlementId").asText() + "/reversal",
        TestGateway.H1_KEY,
        "");

    assertThat(a.get("/manager/api/accounts/" + id + "/statements/" + period).body())
        .isEqualTo(before);
    assertThat(
            gw.value(
                "SELECT period FROM ledger_transfer WHERE account_id = ? AND kind ="
                    + " 'REVERSAL_CREDIT'",
                id))
        .isNotEqualTo(period);
    assertThat(a.post("/manager/api/accounts/" + id + "/periods/" + period + "/close", "").status())
        .isEqualTo(409);
    assertThat(a.get("/manager/api/accounts/" + id + "/statements/" + period + "/csv").body())
        .contains("closing_balance")
        .contains("CL-1");
  }

  @Test
  void managerOfAnotherOffice_cannotSeeOrTouchTheAccounts() {
    long id = a.account(H2, null, null);

    assertThat(b.json(b.get("/manager/api/accounts")).findValuesAsText("officeCode"))
        .containsOnly("445281");
    assertThat(b.get("/manager/api/accounts/" + id + "/entries").status()).isEqualTo(404);
    assertThat(b.get("/manager/api/accounts/" + id + "/verify").status()).isEqualTo(404);
    assertThat(
            b.post(
                    "/manager/api/accounts/" + id + "/top-ups",
                    "{\"reference\":\"X-1\",\"amount\":5}")
                .status())
        .isEqualTo(404);
    assertThat(b.post("/manager/api/accounts/" + id + "/periods/2026-11/close", "").status())
        .isEqualTo(404);
    assertThat(gw.get("/manager/api/accounts", null).status()).isEqualTo(401);
  }

  @Test
  void openingAnAccount_isAuditedOnce_andOpeningItAgainFindsIt() {
    String hospital = "H44010400004";
    Response first = b.post("/manager/api/accounts", "{\"hospitalCode\":\"" + hospital + "\"}");
    Response again = b.post("/manager/api/accounts", "{\"hospitalCode\":\"" + hospital + "\"}");
    assertThat(first.status()).as(first.body()).isBetween(200, 201);
    assertThat(b.json(again).get("id").asLong()).isEqualTo(b.json(first).get("id").asLong());
    assertThat(
            gw.sql(
                "SELECT actor FROM audit_log WHERE action = 'ACCOUNT_OPEN' AND entity_id = ?",
                Long.toString(b.json(first).get("id").asLong())))
        .extracting(r -> r.get("actor"))
        .containsExactly("manager:" + ManagerClient.B);
  }
}
