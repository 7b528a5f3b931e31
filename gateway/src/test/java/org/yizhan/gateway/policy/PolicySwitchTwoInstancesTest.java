package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Two gateway instances on one database, one clock: a version approved through one takes effect in
 * both at its start day, without a restart, and each settlement stores the version it used.
 */
class PolicySwitchTwoInstancesTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    a = TestGateway.start(PolicyFixture.ENV, CLOCK);
    b = TestGateway.start(PolicyFixture.ENV, url -> a.database().jdbcUrl(), CLOCK);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void anApprovedVersion_takesEffectAtItsDate_inBothInstances_andSettlementsRecordIt()
      throws Exception {
    long old = inForce(b, "2019-06-11");
    String before = person(1);
    assertThat(settle(b, "SW-1", before, "2019-06-01", "2019-06-10").get("actDeductible").asText())
        .isEqualTo("1200.00");

    ManagerClient maker = ManagerClient.login(a, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
    ManagerClient checker =
        ManagerClient.login(a, PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
    Response drafted =
        maker.post(
            "/agency/api/policies",
            PolicyFixture.draft(PolicyFixture.revision2019(), "揭市医保〔2019〕12号", "lower deductible"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    assertThat(inForce(b, "2019-06-11")).as("a draft changes nothing").isEqualTo(old);
    assertThat(checker.post("/agency/api/policies/" + id + "/approve", "{}").status())
        .isEqualTo(200);

    long seen = old;
    for (int i = 0; i < 50 && seen != id; i++) {
      seen = inForce(b, "2019-06-11");
      if (seen != id) {
        Thread.sleep(100);
      }
    }
    assertThat(seen).as("the other instance's book within 5 s").isEqualTo(id);
    assertThat(inForce(a, "2019-06-11")).isEqualTo(id);
    assertThat(inForce(b, "2019-06-10")).as("the day before stays").isEqualTo(old);

    // still June 10: discharged today, settled under the old version on either instance
    String sameDay = person(2);
    assertThat(settle(a, "SW-2", sameDay, "2019-06-05", "2019-06-10").get("actDeductible").asText())
        .isEqualTo("1200.00");

    CLOCK.set(PolicyFixture.JUNE_11);
    // admitted before the switch, discharged on its day: the new version governs
    String across = person(3);
    assertThat(settle(b, "SW-3", across, "2019-06-05", "2019-06-11").get("actDeductible").asText())
        .isEqualTo("800.00");
    String onA = person(4);
    assertThat(settle(a, "SW-4", onA, "2019-06-11", "2019-06-11").get("actDeductible").asText())
        .isEqualTo("800.00");

    assertThat(version("SW-1")).isEqualTo(old);
    assertThat(version("SW-2")).isEqualTo(old);
    assertThat(version("SW-3")).isEqualTo(id);
    assertThat(version("SW-4")).isEqualTo(id);
  }

  /**
   * The register of the other instance learns a new region from the approval, without a restart: 潮州
   * (445100) has no policy and no hospital here, so an enrolment there is refused until the
   * province's agency approves a version of 445100.
   */
  @Test
  void aVersionOfANewRegion_isKnownToTheOtherInstancesRegister_withoutRestart() throws Exception {
    ManagerClient maker = PolicyFixture.staff(a, "pv440000a", "440000");
    ManagerClient checker = PolicyFixture.staff(a, "pv440000b", "440000");
    ManagerClient onB = ManagerClient.login(b, "pv440000a", CoverageFixture.AGENCY_PASSWORD);
    String enrolment =
        "{\"personIdNo\":\""
            + TestData.idNo("445102", LocalDate.of(1970, 1, 1), 1)
            + "\",\"admdvs\":\"445100\",\"scheme\":\"RESIDENT\",\"validFrom\":\"2019-07-01\","
            + "\"contributionYear\":2019,\"status\":\"PAID\"}";
    Response unknown = onB.post("/agency/api/enrolments", enrolment);
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
    assertThat(ClaimJson.parse(unknown.body()).get("code").asText()).isEqualTo("UNKNOWN_REGION");

    String chaozhou =
        PolicyFixture.replaced(
            PolicyFixture.replaced(
                PolicyFixture.shipped("445200-RESIDENT-2019.yaml"),
                "region: \"445200\"",
                "region: \"445100\""),
            "validFrom: 2019-01-01",
            "validFrom: 2019-07-01");
    Response drafted =
        maker.post(
            "/agency/api/policies", PolicyFixture.draft(chaozhou, "潮医保〔2019〕3号", "潮州 joins"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    assertThat(onB.post("/agency/api/enrolments", enrolment).status())
        .as("a draft teaches nothing")
        .isEqualTo(422);
    Response approved = checker.post("/agency/api/policies/" + id + "/approve", "{}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    Response enrolled = onB.post("/agency/api/enrolments", enrolment);
    for (int i = 0; i < 50 && enrolled.status() == 422; i++) {
      Thread.sleep(100);
      enrolled = onB.post("/agency/api/enrolments", enrolment);
    }
    assertThat(enrolled.status())
        .as("the other instance within 5 s: " + enrolled.body())
        .isEqualTo(201);
  }

  private static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1980, 1, 1), 300 + i);
  }

  private static JsonNode settle(
      TestGateway gw, String claimNo, String person, String admitted, String discharged) {
    String body =
        ClaimJson.claim(claimNo)
            .person(person)
            .dates(admitted, discharged)
            .item("T-A", "5000.00")
            .json();
    a.enrol(person); // the register both instances read is a's database
    Response r = gw.post("/api/v1/settlements", H1_KEY, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return ClaimJson.parse(r.body());
  }

  private static long inForce(TestGateway gw, String date) {
    ManagerClient m =
        ManagerClient.login(gw, PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
    JsonNode r = ClaimJson.parse(m.get("/agency/api/policies/in-force?date=" + date).body());
    return r.get("policies").get(0).get("version").asLong();
  }

  private static long version(String claimNo) {
    return ((Number) a.value("SELECT policy_version FROM settlement WHERE claim_no = ?", claimNo))
        .longValue();
  }
}
