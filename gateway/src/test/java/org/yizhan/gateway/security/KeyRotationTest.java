package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** A hospital rotates its key: two valid at once, the old revoked, never locked out. */
class KeyRotationTest {
  static final String SEARCH = "/api/v1/settlements?claimNo=NONE";

  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void rotate_issueUseRevoke_withTwoKeysAtMost_andAudited() {
    JsonNode listed = json(gw.get("/api/v1/keys", H1_KEY));
    assertThat(listed.get("keys")).hasSize(1);
    String oldId = listed.get("keys").get(0).get("keyId").asText();
    assertThat(listed.get("keys").get(0).get("inUse").asBoolean()).isTrue();
    assertThat(listed.toString()).doesNotContain(H1_KEY).doesNotContain("sha256");

    Response issued = post("/api/v1/keys", H1_KEY);
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    String newKey = json(issued).get("apiKey").asText();
    String newId = json(issued).get("keyId").asText();
    assertThat(newKey).startsWith("yz_H44520200001_").hasSize(16 + 32);

    assertThat(gw.get(SEARCH, newKey).status()).isEqualTo(200);
    assertThat(gw.get(SEARCH, H1_KEY).status()).isEqualTo(200);

    Response third = post("/api/v1/keys", newKey);
    assertThat(third.status()).isEqualTo(409);
    assertThat(json(third).get("code").asText()).isEqualTo("KEY_LIMIT");

    Response foreign = delete("/api/v1/keys/" + oldId, H2_KEY);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(gw.get(SEARCH, H1_KEY).status()).isEqualTo(200);

    Response revoked = delete("/api/v1/keys/" + oldId, newKey);
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    assertThat(json(revoked).get("valid").asBoolean()).isFalse();
    Response old = gw.get(SEARCH, H1_KEY);
    assertThat(old.status()).isEqualTo(401);
    assertThat(json(old).get("code").asText()).isEqualTo("UNAUTHENTICATED");

    Response again = delete("/api/v1/keys/" + oldId, newKey);
    assertThat(again.status()).isEqualTo(200);
    assertThat(json(again).get("validTo").asText())
        .isEqualTo(json(revoked).get("validTo").asText());

    Response last = delete("/api/v1/keys/" + newId, newKey);
    assertThat(last.status()).isEqualTo(409);
    assertThat(json(last).get("code").asText()).isEqualTo("LAST_KEY");
    assertThat(gw.get(SEARCH, newKey).status()).isEqualTo(200);

    assertThat(
            gw.sql(
                "SELECT action, entity_id FROM audit_log WHERE actor = 'hospital:H44520200001'"
                    + " AND action LIKE 'KEY_%' ORDER BY seq"))
        .extracting(r -> r.get("action") + " " + r.get("entity_id"))
        .containsExactly("KEY_ISSUE " + newId, "KEY_REVOKE " + oldId);
  }

  @Test
  void revoke_badKeyId_namesTheField() {
    Response r = delete("/api/v1/keys/bad%20id", H2_KEY);
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).get("field").asText()).isEqualTo("keyId");
  }

  static Response post(String path, String key) {
    return gw.send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.noBody()),
        key);
  }

  static Response delete(String path, String key) {
    return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).DELETE(), key);
  }

  static JsonNode json(Response r) {
    return ClaimJson.parse(r.body());
  }
}
