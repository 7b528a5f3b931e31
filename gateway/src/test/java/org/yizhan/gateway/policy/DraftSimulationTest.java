package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.policy.PolicyFixture.MAKER;
import static org.yizhan.gateway.policy.PolicyFixture.MAKER_PASSWORD;
import static org.yizhan.gateway.policy.PolicyFixture.draft;
import static org.yizhan.gateway.policy.PolicyFixture.revision2019;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * A draft simulated before anyone approves it (issue 19 items 2 and 4): the agency names the
 * draft's id instead of pasting its YAML; the draft stays a draft.
 */
class DraftSimulationTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);

  static TestGateway gw;
  static ManagerClient maker;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(PolicyFixture.ENV, CLOCK);
    maker = ManagerClient.login(gw, MAKER, MAKER_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void simulate_aDraftById_replaysItAndLeavesItADraft() throws Exception {
    Response drafted =
        maker.post("/agency/api/policies", draft(revision2019(), "揭医保〔2019〕9号", "测算"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();

    Response started =
        maker.post(
            "/agency/api/simulations",
            "{\"version\":" + id + ",\"from\":\"2019-01-01\",\"to\":\"2019-06-09\"}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    JsonNode p = ClaimJson.parse(started.body());
    assertThat(p.get("policy").asText()).isEqualTo("445200/RESIDENT/2019");
    for (int i = 0; i < 300 && p.get("state").asText().equals("RUNNING"); i++) {
      Thread.sleep(100);
      p = ClaimJson.parse(maker.get("/agency/api/simulations/" + p.get("id").asText()).body());
    }
    assertThat(p.get("state").asText()).as(p.toString()).isEqualTo("DONE");
    assertThat(p.get("impact").get("claims").asLong()).isZero();
    JsonNode version = ClaimJson.parse(maker.get("/agency/api/policies/" + id).body());
    assertThat(version.get("state").asText()).isEqualTo("DRAFT");

    Response both =
        maker.post(
            "/agency/api/simulations",
            "{\"version\":"
                + id
                + ",\"policy\":\"x\",\"from\":\"2019-01-01\",\"to\":\"2019-06-09\"}");
    assertThat(both.status()).as(both.body()).isEqualTo(400);
    Response unknown =
        maker.post(
            "/agency/api/simulations",
            "{\"version\":999999,\"from\":\"2019-01-01\",\"to\":\"2019-06-09\"}");
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
  }
}
