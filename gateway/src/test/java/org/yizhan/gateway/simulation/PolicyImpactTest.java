package org.yizhan.gateway.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.time.LocalDate;
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
 * Impact simulations (issue 19 item 4) and the oversight figures for the poor (item 5), end to end
 * over HTTP on a small seeded year of region 445200:
 *
 * <ul>
 *   <li>S, 低保 (445202): two admissions at H2 (level 2), 4000.00 of A items each;
 *   <li>N, no identity (445202): one admission at H1 of 12000.00 of C items (paid by the patient);
 *   <li>D, 特困 (445281): one admission at H3 (level 1), 3000.00 of A items.
 * </ul>
 *
 * The figures expected are computed here from the rules page's formulas (rules §3–§5) with the
 * reference policy's figures, not read from the engine.
 */
class PolicyImpactTest {
  static final String H1 = "H44520200001";
  static final String H2 = "H44520200002";
  static final String H3 = "H44528100003";

  static TestGateway gw;
  static ManagerClient agency;
  static ManagerClient otherAgency;
  static ManagerClient civilAffairs;
  static String policy2018;
  static String s;
  static String n;
  static String d;

  @BeforeAll
  static void seed() throws IOException {
    gw = TestGateway.start();
    CoverageFixture.agency(gw, "agency445200", "445200");
    CoverageFixture.agency(gw, "agency440100", "440100");
    agency = ManagerClient.login(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    otherAgency = ManagerClient.login(gw, "agency440100", CoverageFixture.AGENCY_PASSWORD);
    civilAffairs = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    policy2018 =
        Files.readString(
            TestGateway.testConfigDir().resolve("policies").resolve("445200-RESIDENT-2018.yaml"));
    LocalDate born = LocalDate.of(1960, 1, 1);
    s = TestData.idNo("445202", born, 901);
    n = TestData.idNo("445202", born, 902);
    d = TestData.idNo("445281", born, 903);
    TestData.confirmed(gw, s, "SUBSISTENCE");
    TestData.confirmed(gw, d, "DESTITUTE");
    TestData.topUp(gw, "445202", H2, "100000.00", "HOSPITAL_ADVANCE");
    TestData.topUp(gw, "445281", H3, "100000.00", "HOSPITAL_ADVANCE");
    settle(TestGateway.H2_KEY, "PI-S1", s, "445202", "T-A", "4000.00");
    settle(TestGateway.H2_KEY, "PI-S2", s, "445202", "T-A", "4000.00");
    settle(TestGateway.H1_KEY, "PI-N1", n, "445202", "T-C", "12000.00");
    settle(TestGateway.H3_KEY, "PI-D1", d, "445281", "T-A", "3000.00");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static void settle(
      String key, String claimNo, String idNo, String office, String item, String yuan) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            key,
            ClaimJson.claim(claimNo).person(idNo).office(office).item(item, yuan).json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  static String request(String policyYaml) {
    ObjectNode body = ClaimJson.MAPPER.createObjectNode();
    body.put("policy", policyYaml);
    body.put("from", "2018-01-01");
    body.put("to", "2018-12-31");
    return body.toString();
  }

  /** Starts a simulation and polls it until it is done; returns the last answer. */
  static JsonNode simulate(ManagerClient who, String base, String policyYaml)
      throws InterruptedException {
    Response started = who.post(base + "/simulations", request(policyYaml));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = who.json(started).get("id").asText();
    for (int i = 0; i < 300; i++) {
      Response r = who.get(base + "/simulations/" + id);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode p = who.json(r);
      if (!p.get("state").asText().equals("RUNNING")) {
        assertThat(p.get("state").asText()).as(r.body()).isEqualTo("DONE");
        return p;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("simulation " + id + " did not finish in 30 s");
  }

  static BigDecimal yuan(JsonNode n) {
    return new BigDecimal(n.asText());
  }

  static BigDecimal y(String s) {
    return new BigDecimal(s);
  }

  @Test
  void simulate_unchangedPolicy_showsNoDifference() throws Exception {
    JsonNode p = simulate(agency, "/agency/api", policy2018);
    JsonNode i = p.get("impact");

    assertThat(p.get("total").asLong()).isEqualTo(4);
    assertThat(p.get("done").asLong()).isEqualTo(4);
    assertThat(i.get("claims").asLong()).isEqualTo(4);
    assertThat(i.get("persons").asLong()).isEqualTo(3);
    assertThat(i.get("better").asLong()).isZero();
    assertThat(i.get("worse").asLong()).isZero();
    assertThat(i.get("inForce")).isEqualTo(i.get("candidate"));
    for (JsonNode c : i.get("categories")) {
      assertThat(c.get("inForce")).isEqualTo(c.get("candidate"));
    }
    assertThat(i.get("largest")).isEmpty();
    for (JsonNode a : i.get("accounts")) {
      assertThat(yuan(a.get("change"))).isZero();
    }
    // the replay of the version in force is what was settled
    BigDecimal stored =
        (BigDecimal) gw.value("SELECT sum(fund_pay) FROM settlement WHERE status = 'SETTLED'");
    assertThat(yuan(i.get("inForce").get("fund"))).isEqualByComparingTo(stored);
  }

  /**
   * 低保's basic deductible halved (deductibleFactor 0.5): for S at level 2 (deductible 500, 75%, no
   * critical illness under the halved threshold 5000, assistance 80% from 0), each admission of
   * 4000.00 in scope pays as computed below; N and D are untouched.
   */
  @Test
  void simulate_lowerDeductibleForSubsistence_matchesTheRulesComputedHere() throws Exception {
    String candidate =
        policy2018.replace(
            "  SUBSISTENCE:        # 低保对象\n",
            "  SUBSISTENCE:        # 低保对象\n    basic: {deductibleFactor: 0.5}\n");
    assertThat(candidate).isNotEqualTo(policy2018);

    JsonNode i = simulate(agency, "/manager/api", candidate).get("impact");

    BigDecimal inScope = y("4000.00");
    BigDecimal[] was = subsistenceAdmission(inScope, y("500.00"));
    BigDecimal[] would = subsistenceAdmission(inScope, y("250.00"));
    BigDecimal two = BigDecimal.valueOf(2);
    JsonNode a = i.get("inForce");
    JsonNode b = i.get("candidate");
    assertThat(yuan(b.get("basic")).subtract(yuan(a.get("basic"))))
        .isEqualByComparingTo(would[0].subtract(was[0]).multiply(two));
    assertThat(yuan(b.get("criticalIllness"))).isEqualByComparingTo(yuan(a.get("criticalIllness")));
    assertThat(yuan(b.get("assistance")).subtract(yuan(a.get("assistance"))))
        .isEqualByComparingTo(would[1].subtract(was[1]).multiply(two));
    assertThat(i.get("better").asLong()).isEqualTo(1);
    assertThat(i.get("worse").asLong()).isZero();

    JsonNode sub = category(i, "SUBSISTENCE");
    assertThat(sub.get("persons").asLong()).isEqualTo(1);
    BigDecimal fundWas = was[0].add(was[1]).multiply(two);
    BigDecimal fundWould = would[0].add(would[1]).multiply(two);
    BigDecimal scope = inScope.multiply(two);
    assertThat(yuan(sub.get("inForce").get("inScopeRatio")))
        .isEqualByComparingTo(fundWas.divide(scope, 4, RoundingMode.HALF_UP));
    assertThat(yuan(sub.get("candidate").get("inScopeRatio")))
        .isEqualByComparingTo(fundWould.divide(scope, 4, RoundingMode.HALF_UP));
    assertThat(yuan(sub.get("candidate").get("personalPerPerson")))
        .isEqualByComparingTo(scope.subtract(fundWould));
    assertThat(category(i, "DESTITUTE").get("inForce"))
        .isEqualTo(category(i, "DESTITUTE").get("candidate"));

    assertThat(i.get("largest")).hasSize(2);
    for (JsonNode c : i.get("largest")) {
      assertThat(c.get("claimNo").asText()).startsWith("PI-S");
      assertThat(yuan(c.get("personalChange")))
          .isEqualByComparingTo(would[0].add(would[1]).subtract(was[0].add(was[1])).negate());
      assertThat(c.get("personIdNo").asText()).doesNotContain(s);
    }
    JsonNode account = i.get("accounts").get(0);
    assertThat(account.get("officeCode").asText()).isEqualTo("445202");
    assertThat(account.get("hospitalCode").asText()).isEqualTo(H2);
    assertThat(yuan(account.get("change")))
        .isEqualByComparingTo(would[1].subtract(was[1]).multiply(two));
  }

  /**
   * Basic and assistance for one 低保 admission at level 2 of {@code inScope} with deductible {@code
   * ded}, the year's first or second (ded is not waived for 低保; CI pays nothing below 5000): basic
   * = round((inScope − ded) × 75%); assistance = round((inScope − basic) × 80%).
   */
  static BigDecimal[] subsistenceAdmission(BigDecimal inScope, BigDecimal ded) {
    BigDecimal basic = inScope.subtract(ded).multiply(y("0.75")).setScale(2, RoundingMode.HALF_UP);
    BigDecimal assistance =
        inScope.subtract(basic).multiply(y("0.80")).setScale(2, RoundingMode.HALF_UP);
    return new BigDecimal[] {basic, assistance};
  }

  static JsonNode category(JsonNode impact, String name) {
    for (JsonNode c : impact.get("categories")) {
      if (c.get("category").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no category " + name + " in " + impact);
  }

  @Test
  void simulate_csv_hasTheBomAndTheFigures() throws Exception {
    JsonNode p = simulate(agency, "/agency/api", policy2018);

    Response csv = agency.get("/agency/api/simulations/" + p.get("id").asText() + "/export");

    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.body()).startsWith("\uFEFF政策测算,445200/RESIDENT/2018");
    assertThat(csv.body()).contains("医疗救助,").contains("低保对象,1,").doesNotContain(s);
  }

  @Test
  void simulate_policyOfAnotherRegion_isRefused() throws Exception {
    Response r = otherAgency.post("/agency/api/simulations", request(policy2018));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(otherAgency.json(r).get("code").asText()).isEqualTo("OUT_OF_SCOPE");
    assertThat(otherAgency.json(r).get("field").asText()).isEqualTo("policy.region");

    String id = simulate(agency, "/agency/api", policy2018).get("id").asText();
    Response other = otherAgency.get("/agency/api/simulations/" + id);
    assertThat(other.status()).as(other.body()).isEqualTo(404);
  }

  @Test
  void simulate_byCivilAffairs_isRefused() {
    Response r = civilAffairs.post("/manager/api/simulations", request(policy2018));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(civilAffairs.json(r).get("code").asText()).isEqualTo("AGENCY_ONLY");
  }

  @Test
  void simulate_invalidPolicy_isRefusedNamingTheField() {
    Response r =
        agency.post(
            "/agency/api/simulations",
            request(policy2018.replace("outOfPocketLine: 10000", "outOfPocketLine: -5")));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(agency.json(r).get("code").asText()).isEqualTo("POLICY_INVALID");
    assertThat(agency.json(r).get("message").asText()).contains("outOfPocketLine");
  }

  @Test
  void simulate_isAudited() throws Exception {
    simulate(agency, "/agency/api", policy2018);

    assertThat(
            gw.value(
                "SELECT count(*) FROM audit_log WHERE actor = 'manager:agency445200'"
                    + " AND action IN ('SIMULATION_START', 'SIMULATION_READ')"))
        .isInstanceOf(Long.class)
        .satisfies(c -> assertThat((Long) c).isGreaterThanOrEqualTo(2L));
  }

  // ---- oversight (扶贫成效)

  /**
   * By hand, 2018, office 445202: 低保 S, 2 admissions, total = in scope = 8000.00, funds 2 ×
   * (2625.00 + 1100.00) = 7450.00, out of pocket 550.00; no identity N: 12000.00 of C items, funds
   * 0, out of pocket 12000.00 (over the line of 10000.00). Office 445281: 特困 D: 3000.00 at level 1,
   * basic 2700.00 (deductible waived, 90%), assistance 300.00 (100%), out of pocket 0.
   */
  @Test
  void oversight_agency_seesEachOfficeAndTheRegion_byHand() {
    Response r = agency.get("/manager/api/oversight?from=2018&to=2018");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode o = agency.json(r);

    assertThat(o.get("scope").get("code").asText()).isEqualTo("445200");
    assertThat(o.get("lines").get("2018").asText()).isEqualTo("10000.00");
    JsonNode sub = figure(o, "445202", "SUBSISTENCE");
    assertThat(sub.get("persons").asLong()).isEqualTo(1);
    assertThat(sub.get("claims").asLong()).isEqualTo(2);
    assertThat(yuan(sub.get("fund"))).isEqualByComparingTo("7450.00");
    assertThat(yuan(sub.get("inScopeRatio"))).isEqualByComparingTo("0.9313");
    assertThat(yuan(sub.get("overallRatio"))).isEqualByComparingTo("0.9313");
    assertThat(yuan(sub.get("personalPerPerson"))).isEqualByComparingTo("550.00");
    assertThat(sub.get("overLine").asLong()).isZero();
    JsonNode none = figure(o, "445202", "NONE");
    assertThat(yuan(none.get("personalPerPerson"))).isEqualByComparingTo("12000.00");
    assertThat(yuan(none.get("overallRatio"))).isZero();
    assertThat(none.get("overLine").asLong()).isEqualTo(1);
    JsonNode destitute = figure(o, "445281", "DESTITUTE");
    assertThat(yuan(destitute.get("fund"))).isEqualByComparingTo("3000.00");
    assertThat(yuan(destitute.get("inScopeRatio"))).isEqualByComparingTo("1");
    assertThat(yuan(destitute.get("personalPerPerson"))).isZero();
    JsonNode region = figure(o, null, "DESTITUTE");
    assertThat(region.get("persons").asLong()).isEqualTo(1);
    assertThat(o.get("persons")).hasSize(1);
    assertThat(o.get("persons").get(0).get("personIdNo").asText()).isEqualTo(n);
    assertThat(yuan(o.get("persons").get(0).get("personal"))).isEqualByComparingTo("12000.00");
  }

  @Test
  void oversight_civilAffairs_seesTheirOfficeOnly_andAnotherRegionIsRefused() {
    Response r = civilAffairs.get("/manager/api/oversight?from=2018&to=2018");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode o = civilAffairs.json(r);
    assertThat(o.get("scope").get("code").asText()).isEqualTo("445202");
    for (JsonNode f : o.get("figures")) {
      assertThat(f.get("officeCode").isNull() || f.get("officeCode").asText().equals("445202"))
          .as(f.toString())
          .isTrue();
      assertThat(f.get("category").asText()).isNotEqualTo("DESTITUTE");
    }

    Response region = civilAffairs.get("/manager/api/oversight?from=2018&to=2018&region=445200");
    assertThat(region.status()).as(region.body()).isEqualTo(403);
    Response other = otherAgency.get("/manager/api/oversight?from=2018&to=2018&office=445202");
    assertThat(other.status()).as(other.body()).isEqualTo(403);
    assertThat(otherAgency.json(other).get("code").asText()).isEqualTo("OUT_OF_SCOPE");
    assertThat(
            gw.value(
                "SELECT count(*) FROM audit_log WHERE action = 'OVERSIGHT_VIEW'"
                    + " AND actor = 'manager:"
                    + ManagerClient.A
                    + "'"))
        .isNotEqualTo(0L);
  }

  static JsonNode figure(JsonNode o, String office, String category) {
    for (JsonNode f : o.get("figures")) {
      boolean sameOffice =
          office == null
              ? f.get("officeCode").isNull()
              : office.equals(f.get("officeCode").asText());
      if (sameOffice && f.get("category").asText().equals(category)) {
        return f;
      }
    }
    throw new AssertionError("no figure " + office + "/" + category + " in " + o);
  }
}
