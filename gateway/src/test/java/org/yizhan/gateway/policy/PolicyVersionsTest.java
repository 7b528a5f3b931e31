package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.policy.PolicyFixture.CHECKER;
import static org.yizhan.gateway.policy.PolicyFixture.CHECKER_PASSWORD;
import static org.yizhan.gateway.policy.PolicyFixture.MAKER;
import static org.yizhan.gateway.policy.PolicyFixture.MAKER_PASSWORD;
import static org.yizhan.gateway.policy.PolicyFixture.OTHER;
import static org.yizhan.gateway.policy.PolicyFixture.OTHER_PASSWORD;
import static org.yizhan.gateway.policy.PolicyFixture.draft;
import static org.yizhan.gateway.policy.PolicyFixture.replaced;
import static org.yizhan.gateway.policy.PolicyFixture.shipped;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The life of a policy version over the agency's API: seeded from the shipped files, drafted with
 * every problem listed, approved by a second person only, frozen once decided, and each step in the
 * audit chain.
 */
class PolicyVersionsTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);
  static TestGateway gw;
  static ManagerClient maker;
  static ManagerClient checker;
  static ManagerClient other;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(PolicyFixture.ENV, CLOCK);
    maker = ManagerClient.login(gw, MAKER, MAKER_PASSWORD);
    checker = ManagerClient.login(gw, CHECKER, CHECKER_PASSWORD);
    other = ManagerClient.login(gw, OTHER, OTHER_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theShippedFiles_areSeededAsApprovedVersions_ofTheirRegionOnly() {
    JsonNode list = ClaimJson.parse(maker.get("/agency/api/policies").body()).get("versions");
    List<String> mine = new ArrayList<>();
    list.forEach(
        v -> {
          if (v.get("author").asText().startsWith("config:")) {
            mine.add(v.get("region").asText() + "/" + v.get("year").asInt());
            assertThat(v.get("state").asText()).isEqualTo("APPROVED");
            assertThat(v.get("reviewer").asText()).isEqualTo("system:seed");
          }
        });
    assertThat(mine).containsExactlyInAnyOrder("445200/2018", "445200/2019");
    JsonNode guangzhou = ClaimJson.parse(other.get("/agency/api/policies").body()).get("versions");
    assertThat(guangzhou).hasSize(1);
    assertThat(guangzhou.get(0).get("region").asText()).isEqualTo("440100");
  }

  @Test
  void draft_withErrors_isRefusedWithEveryErrorListedByField() {
    String bad =
        replaced(shipped("445200-RESIDENT-2019.yaml"), "annualCap: 200000", "annualCap: -5");
    bad = replaced(bad, "threshold: 9000", "threshold: lots");
    bad = replaced(bad, "validFrom: 2019-01-01", "validFrom: 2019-01-01\nvalidFromm: 2019-06-11");
    bad = replaced(bad, "overallCapRatio: 0.90", "overallCapRatio: 1.5");
    Response r = maker.post("/agency/api/policies", draft(bad, " ", null));

    assertThat(r.status()).isEqualTo(422);
    JsonNode body = ClaimJson.parse(r.body());
    assertThat(body.get("code").asText()).isEqualTo("POLICY_INVALID");
    List<String> fields = new ArrayList<>();
    body.get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields)
        .contains(
            "documentNo",
            "reason",
            "validFromm",
            "basic.annualCap",
            "criticalIllness.threshold",
            "overallCapRatio");
    assertThat(maker.get("/agency/api/policies").body()).doesNotContain("\"DRAFT\"");
  }

  @Test
  void draft_startingInThePast_overlapping_orLeavingAGap_isRefused() {
    String past = shipped("445200-RESIDENT-2019.yaml").replace("2019-01-01", "2019-06-10");
    assertThat(errors(maker.post("/agency/api/policies", draft(past, "揭市医保〔2019〕1号", "past"))))
        .anyMatch(e -> e.startsWith("validFrom: must be after today (2019-06-10)"));

    String overlap =
        shipped("445200-RESIDENT-2018.yaml")
            .replace("validFrom: 2018-01-01", "validFrom: 2019-07-01");
    overlap = overlap.replace("validTo: 2018-12-31", "validTo: 2019-12-31");
    // 2019-07-01 succeeds 2019's version; an 2018-dated start would overlap: start on 2019-01-01
    String before = overlap.replace("validFrom: 2019-07-01", "validFrom: 2019-01-01");
    assertThat(errors(maker.post("/agency/api/policies", draft(before, "文号", "overlap"))))
        .anyMatch(e -> e.startsWith("validFrom: overlaps approved version"));

    String gap =
        shipped("445200-RESIDENT-2019.yaml")
            .replace("validFrom: 2019-01-01", "validFrom: 2020-02-01")
            .replace("validTo: 2019-12-31", "validTo: 2020-12-31")
            .replace("year: 2019", "year: 2020");
    assertThat(errors(maker.post("/agency/api/policies", draft(gap, "文号", "gap"))))
        .anyMatch(e -> e.startsWith("validFrom: leaves a gap from 2020-01-01 to 2020-01-31"));
  }

  @Test
  void anotherRegionsAgency_cannotDraft_norSeeTheVersion() {
    Response r =
        other.post("/agency/api/policies", draft(PolicyFixture.revision2019(), "文号", "not ours"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(ClaimJson.parse(r.body()).get("code").asText()).isEqualTo("NOT_AGENCY_REGION");
  }

  @Test
  void selfApproval_isRefused_aSecondPersonApproves_andTheVersionIsFrozen() {
    String document = PolicyFixture.revision2019();
    Response drafted =
        maker.post("/agency/api/policies", draft(document, "揭市医保〔2019〕12号", "lower deductible"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    assertThat(ClaimJson.parse(drafted.body()).get("state").asText()).isEqualTo("DRAFT");
    assertThat(other.get("/agency/api/policies/" + id).status()).isEqualTo(404);
    assertThat(other.post("/agency/api/policies/" + id + "/approve", "{}").status()).isEqualTo(404);

    Response self = maker.post("/agency/api/policies/" + id + "/approve", "{}");
    assertThat(self.status()).isEqualTo(403);
    assertThat(ClaimJson.parse(self.body()).get("code").asText()).isEqualTo("SELF_APPROVAL");

    Response approved =
        checker.post("/agency/api/policies/" + id + "/approve", "{\"note\":\"checked\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode v = ClaimJson.parse(approved.body());
    assertThat(v.get("state").asText()).isEqualTo("APPROVED");
    assertThat(v.get("author").asText()).isEqualTo("manager:" + MAKER);
    assertThat(v.get("reviewer").asText()).isEqualTo("manager:" + CHECKER);

    Response again = checker.post("/agency/api/policies/" + id + "/approve", "{}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(maker.put("/agency/api/policies/" + id, draft(document, "x", "edit")).status())
        .isEqualTo(409);
    assertThat(gw.get("/agency/api/policies/" + id + "/document", maker.token()).body())
        .isEqualTo(document);
    assertThat(
            gw.value(
                "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log"
                    + " WHERE entity_type = 'policy_version' AND entity_id = ?",
                Long.toString(id)))
        .isEqualTo("POLICY_DRAFT,POLICY_APPROVE");
    JsonNode inForce =
        ClaimJson.parse(maker.get("/agency/api/policies/in-force?date=2019-06-11").body());
    assertThat(inForce.get("policies").get(0).get("version").asLong()).isEqualTo(id);
  }

  @Test
  void aDraft_isRevisedByItsAuthorOnly_andWithdrawn() {
    String document = PolicyFixture.revision2019().replace("2019-06-11", "2019-09-01");
    Response drafted = maker.post("/agency/api/policies", draft(document, "文号", "first"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    assertThat(checker.put("/agency/api/policies/" + id, draft(document, "文号", "mine")).status())
        .isEqualTo(403);
    Response revised = maker.put("/agency/api/policies/" + id, draft(document, "文号2", "second"));
    assertThat(revised.status()).as(revised.body()).isEqualTo(200);
    assertThat(ClaimJson.parse(revised.body()).get("documentNo").asText()).isEqualTo("文号2");
    Response withdrawn = maker.post("/agency/api/policies/" + id + "/withdraw", "{}");
    assertThat(ClaimJson.parse(withdrawn.body()).get("state").asText()).isEqualTo("WITHDRAWN");
  }

  private static List<String> errors(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    List<String> out = new ArrayList<>();
    ClaimJson.parse(r.body())
        .get("errors")
        .forEach(e -> out.add(e.get("field").asText() + ": " + e.get("message").asText()));
    return out;
  }
}
