package org.yizhan.gateway.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Impact simulations as stored runs (issue 19 item 4, V28) and the faithful replay: a period
 * starting mid-year, a prepayment account that refuses when empty, a run read on a second instance,
 * a run whose instance stopped. Two gateway instances on one database; a small seeded year of
 * region 445200:
 *
 * <ul>
 *   <li>R, 建档立卡 (445202), at H2 (level 2): an admission discharged in March and one in August,
 *       4000.00 of A items each; account 445202 × H2 pays by hospital advance when short;
 *   <li>D, 特困 (445281), at H3 (level 1): two admissions in September of 3000.00 of A items; account
 *       445281 × H3 REFUSES when short and holds 500.00, so the second (300.00 of assistance) was
 *       refused for want of balance.
 * </ul>
 *
 * Expected figures are computed here from the rules page (rules §6–§8) and the reference policy,
 * not read from the engine.
 */
class SimulationRunsTest {
  static final String H2 = "H44520200002";
  static final String H3 = "H44528100003";

  static TestGateway a;
  static TestGateway b;
  static ManagerClient agencyOnA;
  static ManagerClient agencyOnB;
  static String policy2018;
  static String r;
  static String d;

  @BeforeAll
  static void seed() throws IOException {
    a = TestGateway.start();
    b = TestGateway.start(Map.of(), url -> a.database().jdbcUrl());
    CoverageFixture.agency(a, "agency445200", "445200");
    agencyOnA = ManagerClient.login(a, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    agencyOnB = ManagerClient.login(b, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    policy2018 =
        Files.readString(
            TestGateway.testConfigDir().resolve("policies").resolve("445200-RESIDENT-2018.yaml"));
    LocalDate born = LocalDate.of(1960, 1, 1);
    r = TestData.idNo("445202", born, 911);
    d = TestData.idNo("445281", born, 912);
    TestData.confirmed(a, r, "REGISTERED_POOR");
    TestData.confirmed(a, d, "DESTITUTE");
    TestData.topUp(a, "445202", H2, "100000.00", "HOSPITAL_ADVANCE");
    TestData.topUp(a, "445281", H3, "500.00", "REFUSE");
    settle(TestGateway.H2_KEY, "SR-R1", r, "445202", "2018-03-01", "2018-03-10", "4000.00");
    settle(TestGateway.H2_KEY, "SR-R2", r, "445202", "2018-08-01", "2018-08-10", "4000.00");
    settle(TestGateway.H3_KEY, "SR-D1", d, "445281", "2018-09-01", "2018-09-05", "3000.00");
    settle(TestGateway.H3_KEY, "SR-D2", d, "445281", "2018-09-15", "2018-09-20", "3000.00");
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  static void settle(
      String key,
      String claimNo,
      String idNo,
      String office,
      String admission,
      String discharge,
      String yuan) {
    Response res =
        a.post(
            "/api/v1/settlements",
            key,
            ClaimJson.claim(claimNo)
                .person(idNo)
                .office(office)
                .dates(admission, discharge)
                .item("T-A", yuan)
                .json());
    assertThat(res.status()).as(res.body()).isEqualTo(201);
  }

  static String start(ManagerClient who, String policyYaml, String from, String to) {
    ObjectNode body = ClaimJson.MAPPER.createObjectNode();
    body.put("policy", policyYaml);
    body.put("from", from);
    body.put("to", to);
    Response started = who.post("/agency/api/simulations", body.toString());
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    return who.json(started).get("id").asText();
  }

  /** Polls run {@code id} on {@code who}'s instance until it is no longer running. */
  static JsonNode poll(ManagerClient who, String id) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      Response res = who.get("/agency/api/simulations/" + id);
      if (res.status() == 429) {
        Thread.sleep(1_000);
        continue;
      }
      assertThat(res.status()).as(res.body()).isEqualTo(200);
      JsonNode p = who.json(res);
      if (!p.get("state").asText().equals("RUNNING")) {
        return p;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("simulation " + id + " did not finish in time");
  }

  static JsonNode simulate(String policyYaml, String from, String to) throws Exception {
    JsonNode p = poll(agencyOnA, start(agencyOnA, policyYaml, from, to));
    assertThat(p.get("state").asText()).as(p.toString()).isEqualTo("DONE");
    return p;
  }

  static BigDecimal yuan(JsonNode n) {
    return new BigDecimal(n.asText());
  }

  static JsonNode category(JsonNode impact, String name) {
    for (JsonNode c : impact.get("categories")) {
      if (c.get("category").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no category " + name + " in " + impact);
  }

  /**
   * From 1 July: R's August admission is a readmission at level 2 for a 建档立卡 person, so its
   * deductible is waived (rules §6): basic 4000.00 × 75% = 3000.00, critical illness none (its base
   * 1375.00 + 1000.00 is under 10000 × 0.5), assistance (4000.00 − 3000.00) × 70% = 700.00, the
   * person pays 300.00. Replayed from zero it would have paid the deductible of 500.00.
   */
  @Test
  void midYearPeriod_startsFromTheYearFiguresBefore_deductibleAlreadyMet() throws Exception {
    JsonNode i = simulate(policy2018, "2018-07-01", "2018-12-31").get("impact");

    JsonNode poor = category(i, "REGISTERED_POOR");
    assertThat(poor.get("inForce").get("claims").asLong()).isEqualTo(1);
    assertThat(yuan(poor.get("inForce").get("basic"))).isEqualByComparingTo("3000.00");
    assertThat(yuan(poor.get("inForce").get("criticalIllness"))).isZero();
    assertThat(yuan(poor.get("inForce").get("assistance"))).isEqualByComparingTo("700.00");
    assertThat(yuan(poor.get("inForce").get("personal"))).isEqualByComparingTo("300.00");
    assertThat(poor.get("candidate")).isEqualTo(poor.get("inForce"));
    // the replay of the version in force is what was settled in the period
    BigDecimal stored =
        (BigDecimal)
            a.value(
                "SELECT sum(s.fund_pay) FROM settlement s JOIN claim c ON c.id = s.claim_id"
                    + " WHERE s.status = 'SETTLED' AND c.discharge_date >= '2018-07-01'");
    assertThat(yuan(i.get("inForce").get("fund"))).isEqualByComparingTo(stored);
    assertThat(i.get("claims").asLong()).isEqualTo(3);
  }

  /**
   * D's account refuses when empty and held 500.00: D's first admission (特困 at level 1: basic
   * 3000.00 × 90% = 2700.00, assistance the rest at 100%, 300.00) drew 300.00; the second found
   * 200.00 and its 300.00 was refused. The version in force, replayed, refuses it too (not the
   * rules' 600.00); a candidate paying 特困 50% of the rest (150.00 a claim) fits both in the
   * balance: the second claim is shown changed.
   */
  @Test
  void refusingAccount_emptyBalanceRefusesAssistance_andTheCandidateIsPlayedAgainstIt()
      throws Exception {
    JsonNode same = simulate(policy2018, "2018-01-01", "2018-12-31").get("impact");
    JsonNode destitute = category(same, "DESTITUTE");
    assertThat(yuan(destitute.get("inForce").get("assistance"))).isEqualByComparingTo("300.00");
    assertThat(yuan(destitute.get("inForce").get("personal"))).isEqualByComparingTo("300.00");
    assertThat(destitute.get("candidate")).isEqualTo(destitute.get("inForce"));
    assertThat(yuan(same.get("inForce").get("assistance")))
        .isEqualByComparingTo(
            (BigDecimal) a.value("SELECT sum(ma_pay) FROM settlement WHERE status = 'SETTLED'"));
    assertThat(same.get("balancesApplied").asBoolean()).isTrue();

    String candidate =
        policy2018.replace(
            "assistance: {deductible: 0, ratio: 1.00, annualLimit: null}",
            "assistance: {deductible: 0, ratio: 0.50, annualLimit: null}");
    assertThat(candidate).isNotEqualTo(policy2018);
    JsonNode i = simulate(candidate, "2018-01-01", "2018-12-31").get("impact");

    JsonNode account = null;
    for (JsonNode x : i.get("accounts")) {
      if (x.get("hospitalCode").asText().equals(H3)) {
        account = x;
      }
    }
    assertThat(account).as(i.toString()).isNotNull();
    assertThat(account.get("mode").asText()).isEqualTo("REFUSE");
    assertThat(yuan(account.get("opening"))).isEqualByComparingTo("500.00");
    assertThat(yuan(account.get("inForceSide").get("drawn"))).isEqualByComparingTo("300.00");
    assertThat(account.get("inForceSide").get("refusedClaims").asLong()).isEqualTo(1);
    assertThat(yuan(account.get("inForceSide").get("refused"))).isEqualByComparingTo("300.00");
    assertThat(yuan(account.get("candidateSide").get("drawn"))).isEqualByComparingTo("300.00");
    assertThat(account.get("candidateSide").get("refusedClaims").asLong()).isZero();
    assertThat(i.get("balanceRefusals")).hasSize(1);
    JsonNode refused = i.get("balanceRefusals").get(0);
    assertThat(refused.get("settlementId").asText())
        .isEqualTo(a.value("SELECT id::text FROM settlement WHERE claim_no = 'SR-D2'").toString());
    assertThat(yuan(refused.get("inForceRefused"))).isEqualByComparingTo("300.00");
    assertThat(yuan(refused.get("candidateRefused"))).isZero();
    JsonNode dest = category(i, "DESTITUTE");
    assertThat(yuan(dest.get("candidate").get("assistance"))).isEqualByComparingTo("300.00");
    assertThat(yuan(dest.get("candidate").get("personal"))).isEqualByComparingTo("300.00");
  }

  @Test
  void runStartedOnOneInstance_isAnsweredWithItsFiguresAndCsvByAnother() throws Exception {
    String id = start(agencyOnA, policy2018, "2018-01-01", "2018-12-31");

    JsonNode onB = poll(agencyOnB, id);
    JsonNode onA = poll(agencyOnA, id);

    assertThat(onB.get("state").asText()).as(onB.toString()).isEqualTo("DONE");
    assertThat(onB.get("impact")).isEqualTo(onA.get("impact"));
    assertThat(onB.get("impact").get("claims").asLong()).isEqualTo(4);
    assertThat(onB.get("impact").get("inForcePolicies").get(0).asText())
        .isEqualTo("445200/RESIDENT/2018");
    Response csv = agencyOnB.get("/agency/api/simulations/" + id + "/export");
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.body()).startsWith("\uFEFF政策测算,445200/RESIDENT/2018").doesNotContain(r);
    assertThat(a.value("SELECT state FROM simulation_run WHERE run_id = ?::uuid", id))
        .isEqualTo("DONE");
  }

  @Test
  void runWhoseInstanceStopped_isAnsweredFailed() throws Exception {
    String id = UUID.randomUUID().toString();
    a.sql(
        "INSERT INTO simulation_run (run_id, region, scheme, candidate_policy, period_from,"
            + " period_to, state, requested_by, requested_at, heartbeat_at)"
            + " VALUES (?::uuid, '445200', 'RESIDENT', '445200/RESIDENT/2018', '2018-01-01',"
            + " '2018-12-31', 'RUNNING', 'agency445200', now() - interval '10 minutes',"
            + " now() - interval '5 minutes')",
        id);

    JsonNode p = poll(agencyOnB, id);

    assertThat(p.get("state").asText()).isEqualTo("FAILED");
    assertThat(p.get("refusal").get("code").asText()).isEqualTo("SIMULATION_INTERRUPTED");
    Response csv = agencyOnA.get("/agency/api/simulations/" + id + "/export");
    assertThat(csv.status()).as(csv.body()).isEqualTo(409);
  }
}
