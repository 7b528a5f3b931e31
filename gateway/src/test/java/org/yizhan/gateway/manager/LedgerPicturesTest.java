package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The picture of an account's money over the managers' API, on a seeded history with the clock set:
 * who each entry paid, the running balance on every page, the days with their closing balances, the
 * office's drawdowns per hospital, and the run-out forecast, each against figures computed by hand
 * (in the comments).
 *
 * <p>The history: a top-up of 5,000.00 on 15 October 2026 and six settlements of 750.00 each (a 特困
 * person's assistance on a 3,000.00 bill at level 2), on 18 and 25 October, 1, 10, 19 and 20
 * November (Shanghai). They are made through the hospital API with the clock at the real time (the
 * request signature is checked against it), then dated back in the database; then the clock is set
 * to 20 November 2026, 12:00 in Shanghai.
 */
class LedgerPicturesTest {
  static final String H2 = ManagerPageBrowserTest.H2;

  static final SettableClock CLOCK = new SettableClock(Instant.now());

  /** 2026-11-20 12:00 in Shanghai. */
  static final Instant TODAY_NOON = Instant.parse("2026-11-20T04:00:00Z");

  static final String[] SETTLED_ON = {
    "2026-10-18", "2026-10-25", "2026-11-01", "2026-11-10", "2026-11-19", "2026-11-20"
  };

  static TestGateway gw;
  static long account;
  static List<String> persons;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of(), CLOCK);
    History h = seed(gw, CLOCK);
    account = h.account();
    persons = h.persons();
  }

  /** The seeded account of office 445202 at H2 and the six persons its settlements paid for. */
  record History(long account, List<String> persons) {}

  /** Seeds the history of the class comment on gw, then sets clock to 20 November 2026, noon. */
  static History seed(TestGateway gw, SettableClock clock) {
    ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    long id = a.account(H2, "5000.00", "HOSPITAL_ADVANCE");
    Response s =
        a.put(
            "/manager/api/accounts/" + id + "/settings",
            "{\"mode\":\"HOSPITAL_ADVANCE\",\"lowBalanceThreshold\":\"2000.00\"}");
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    List<String> people = PrepaymentLedgerTest.destitute(a, "445202", 1950, SETTLED_ON.length);
    at(gw, id, "2026-10-15", null);
    for (int i = 0; i < SETTLED_ON.length; i++) {
      ClaimJson claim =
          ClaimJson.claim("LP-" + i).office("445202").person(people.get(i)).item("T-A", "3000.00");
      claim.node().put("personName", "病人" + i);
      Response r = gw.post("/api/v1/settlements", TestGateway.H2_KEY, claim.json());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      at(gw, id, SETTLED_ON[i], "LP-" + i);
    }
    clock.set(TODAY_NOON);
    return new History(id, people);
  }

  /** Dates the account's transfer (the top-up, or the claim's drawdown) back to noon of day. */
  static void at(TestGateway gw, long account, String day, String claimNo) {
    OffsetDateTime noon = OffsetDateTime.parse(day + "T12:00:00+08:00");
    if (claimNo == null) {
      gw.sql(
          "UPDATE ledger_transfer SET created_at = ? WHERE account_id = ? AND kind = 'TOP_UP'",
          noon,
          account);
    } else {
      gw.sql(
          "UPDATE ledger_transfer SET created_at = ? WHERE account_id = ? AND settlement_id ="
              + " (SELECT id FROM settlement WHERE claim_no = ?)",
          noon,
          account,
          claimNo);
    }
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static ManagerClient clerk() {
    return ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @Test
  void forecast_atTheLast30DaysPace_runsOutOn25November_andNeeds600ToMonthEnd() {
    ManagerClient a = clerk();
    Response r = a.get("/manager/api/accounts/" + account + "/forecast");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode f = a.json(r);
    // window 21 Oct .. 19 Nov: the drawdowns of 25 Oct, 1, 10 and 19 Nov (18 Oct is before it,
    // today is not counted): 4 × 750.00 = 3,000.00, 100.00 a day
    assertThat(f.get("today").asText()).isEqualTo("2026-11-20");
    assertThat(f.get("windowFrom").asText()).isEqualTo("2026-10-21");
    assertThat(f.get("windowTo").asText()).isEqualTo("2026-11-19");
    assertThat(f.get("demand").decimalValue()).isEqualByComparingTo("3000.00");
    assertThat(f.get("dailyRate").decimalValue()).isEqualByComparingTo("100.00");
    // balance 5,000.00 − 6 × 750.00 = 500.00: 500 × 30 / 3000 = 5 whole days, out on the 25th
    assertThat(f.get("balance").decimalValue()).isEqualByComparingTo("500.00");
    assertThat(f.get("runOutDate").asText()).isEqualTo("2026-11-25");
    // already under the alert line of 2,000.00
    assertThat(f.get("alertDate").asText()).isEqualTo("2026-11-20");
    // 20..30 November is 11 days: 3000 × 11 / 30 = 1,100.00 needed, 600.00 more than the balance
    assertThat(f.get("periodEnd").asText()).isEqualTo("2026-11-30");
    assertThat(f.get("daysLeft").asInt()).isEqualTo(11);
    assertThat(f.get("neededToPeriodEnd").decimalValue()).isEqualByComparingTo("1100.00");
    assertThat(f.get("topUpNeeded").decimalValue()).isEqualByComparingTo("600.00");
  }

  @Test
  void daily_givesEachDaysClosingBalance_andTheBalanceBeforeTheWindow() {
    ManagerClient a = clerk();
    JsonNode d = a.json(a.get("/manager/api/accounts/" + account + "/daily?days=30"));
    // 30 days to 20 Nov start on 22 Oct: before it, the top-up less 18 Oct's drawdown
    assertThat(d.get("from").asText()).isEqualTo("2026-10-22");
    assertThat(d.get("openingBalance").decimalValue()).isEqualByComparingTo("4250.00");
    assertThat(d.get("lowBalanceThreshold").decimalValue()).isEqualByComparingTo("2000.00");
    List<String> closing = new ArrayList<>();
    for (JsonNode day : d.get("days")) {
      closing.add(day.get("day").asText() + " " + day.get("closingBalance").decimalValue());
    }
    assertThat(closing)
        .containsExactly(
            "2026-10-25 3500.00",
            "2026-11-01 2750.00",
            "2026-11-10 2000.00",
            "2026-11-19 1250.00",
            "2026-11-20 500.00");
    JsonNode all = a.json(a.get("/manager/api/accounts/" + account + "/daily?days=60"));
    assertThat(all.get("openingBalance").decimalValue()).isEqualByComparingTo("0.00");
    assertThat(all.get("days").get(0).get("topUps").decimalValue()).isEqualByComparingTo("5000.00");
  }

  @Test
  void officeDrawdowns_perDayAndHospital() {
    ManagerClient a = clerk();
    JsonNode d = a.json(a.get("/manager/api/drawdowns?days=30"));
    assertThat(d.get("from").asText()).isEqualTo("2026-10-22");
    List<String> days = new ArrayList<>();
    for (JsonNode day : d.get("days")) {
      assertThat(day.get("hospitalCode").asText()).isEqualTo(H2);
      assertThat(day.get("hospitalName").asText()).isNotBlank();
      days.add(day.get("day").asText() + " " + day.get("drawdowns").decimalValue());
    }
    assertThat(days)
        .containsExactly(
            "2026-10-25 750.00",
            "2026-11-01 750.00",
            "2026-11-10 750.00",
            "2026-11-19 750.00",
            "2026-11-20 750.00");
  }

  @Test
  void entries_showWhoWasPaidAndTheRunningBalance_sameOnEveryPageAndFilter_andTheViewIsAudited() {
    ManagerClient a = clerk();
    long auditedBefore = audited();
    JsonNode p1 = a.json(a.get("/manager/api/accounts/" + account + "/entries?size=3&page=1"));
    JsonNode p3 = a.json(a.get("/manager/api/accounts/" + account + "/entries?size=3&page=3"));
    assertThat(balances(p1)).containsExactly("500.00", "1250.00", "2000.00");
    assertThat(balances(p3)).containsExactly("5000.00");
    JsonNode newest = p1.get("items").get(0);
    assertThat(newest.get("claimNo").asText()).isEqualTo("LP-5");
    JsonNode paid = newest.get("paid");
    // the clerk of the person's office sees the full number, the name and where they were treated
    assertThat(paid.get("personIdNo").asText()).isEqualTo(persons.get(5));
    assertThat(paid.get("fullIdNo").asBoolean()).isTrue();
    assertThat(paid.get("personName").asText()).isEqualTo("病人5");
    assertThat(paid.get("hospitalCode").asText()).isEqualTo(H2);
    assertThat(paid.get("hospitalName").asText()).isNotBlank();
    assertThat(paid.get("dischargeDate").asText()).isEqualTo("2018-03-20");
    assertThat(p3.get("items").get(0).has("paid")).isFalse();

    // filtered to drawdowns, an entry keeps the balance it left in the whole ledger
    JsonNode drawdowns =
        a.json(
            a.get(
                "/manager/api/accounts/"
                    + account
                    + "/entries?kind=DRAWDOWN&from=2026-11-01&to=2026-11-10"));
    assertThat(balances(drawdowns)).containsExactly("2000.00", "2750.00");

    // each page with full ID numbers is one audit entry: who, which account, which page
    assertThat(audited() - auditedBefore).isEqualTo(2);
    Map<String, Object> last =
        gw.sql(
                "SELECT actor, entity_id, details FROM audit_log WHERE chain = 'ledger-views'"
                    + " ORDER BY seq DESC LIMIT 1")
            .get(0);
    assertThat(last.get("actor")).isEqualTo("manager:" + ManagerClient.A);
    assertThat(last.get("entity_id")).isEqualTo(Long.toString(account));
    assertThat((String) last.get("details"))
        .contains("\"page\":1")
        .contains("\"kind\":\"DRAWDOWN\"");
    // a page of top-ups alone names nobody and is not audited
    a.get("/manager/api/accounts/" + account + "/entries?kind=TOP_UP");
    assertThat(audited() - auditedBefore).isEqualTo(2);

    // another office's clerk does not see the account at all
    ManagerClient b = ManagerClient.login(gw, ManagerClient.B, ManagerClient.B_PASSWORD);
    assertThat(b.get("/manager/api/accounts/" + account + "/entries").status()).isEqualTo(404);
    assertThat(b.get("/manager/api/accounts/" + account + "/forecast").status()).isEqualTo(404);
  }

  static long audited() {
    return ((Number)
            gw.value(
                "SELECT count(*) FROM audit_log WHERE chain = 'ledger-views'"
                    + " AND action = 'LEDGER_ENTRIES_VIEW'"))
        .longValue();
  }

  static List<String> balances(JsonNode page) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : page.get("items")) {
      out.add(e.get("balanceAfter").decimalValue().setScale(2).toPlainString());
    }
    return out;
  }
}
