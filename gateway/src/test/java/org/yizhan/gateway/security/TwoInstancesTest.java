package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Two gateway instances on one database, as behind a load balancer: a request replayed to the other
 * instance is caught, and a key revoked through one stops working on the other at once.
 */
class TwoInstancesTest {
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    a = TestGateway.start();
    b = TestGateway.start(Map.of(), url -> a.database().jdbcUrl());
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void aRequestReplayedToTheOtherInstance_isRefused() {
    String path = "/api/v1/settlements/preview";
    String body =
        ClaimJson.claim("TWO-1").person("445202198001010013").item("T-A", "100.00").json();
    Map<String, String> signed =
        Signer.headers(H1_KEY, "POST", path, body.getBytes(StandardCharsets.UTF_8));
    assertThat(a.post(path, H1_KEY, body, signed).status()).isEqualTo(200);
    Response replayed = b.post(path, H1_KEY, body, signed);
    assertThat(replayed.status()).isEqualTo(401);
    assertThat(ClaimJson.parse(replayed.body()).get("code").asText()).isEqualTo("REPLAYED_NONCE");
  }

  @Test
  void aKeyRevokedThroughOneInstance_stopsOnTheOther() throws Exception {
    String search = "/api/v1/settlements?claimNo=NONE";
    Response issued =
        a.send(
            HttpRequest.newBuilder(URI.create(a.baseUrl() + "/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            H1_KEY);
    assertThat(issued.status()).isEqualTo(201);
    String newKey = ClaimJson.parse(issued.body()).get("apiKey").asText();
    assertThat(b.get(search, newKey).status()).isEqualTo(200); // b caches the new key's lookup

    String newId = ClaimJson.parse(issued.body()).get("keyId").asText();
    Response revoked =
        a.send(
            HttpRequest.newBuilder(URI.create(a.baseUrl() + "/api/v1/keys/" + newId)).DELETE(),
            H1_KEY);
    assertThat(revoked.status()).isEqualTo(200);

    int status = 0;
    for (int i = 0; i < 50 && status != 401; i++) {
      status = b.get(search, newKey).status();
      if (status != 401) {
        Thread.sleep(100);
      }
    }
    assertThat(status).as("revoked key on the other instance within 5 s").isEqualTo(401);
    assertThat(b.get(search, H1_KEY).status()).isEqualTo(200);
  }
}
