package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** Health, metrics and the OpenAPI document. */
class OpsApiTest {
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
  void health_reportsLivenessAndReadinessWithTheDatabase() {
    Response live = gw.get("/health/live", null);
    Response ready = gw.get("/health/ready", null);
    assertThat(live.status()).isEqualTo(200);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body())
        .contains("\"database\":\"UP\"")
        .contains("\"circuitBreaker\":\"CLOSED\"");
  }

  @Test
  void metrics_showRouteLatencySettlementsPerFundRejectionsAndPool() {
    gw.post(
        "/api/v1/settlements",
        H1_KEY,
        ClaimJson.workedExample1("MX-1").person("44520219500101001X").json());
    gw.post("/api/v1/settlements", H1_KEY, "{");

    String m = gw.metrics();

    assertThat(m)
        .contains("yizhan_http_requests_seconds_bucket{")
        .contains("route=\"POST /api/v1/settlements\"")
        .contains("yizhan_settlements_total{outcome=\"settled\"}")
        .contains("yizhan_settlement_paid_yuan_total{fund=\"390100\"}")
        .contains("yizhan_rejections_total{code=\"MALFORMED_JSON\"}")
        .contains("vertx_pool_in_use")
        .contains("vertx_pool_queue_pending")
        .contains("resilience4j_ratelimiter_available_permissions")
        .contains("resilience4j_bulkhead_available_concurrent_calls")
        .contains("resilience4j_circuitbreaker_state")
        .doesNotContain("44520219500101001X")
        .doesNotContain("MX-1");
  }

  @Test
  void openApi_isServed() {
    Response r = gw.get("/openapi.yaml", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("openapi: 3").contains("/api/v1/settlements");
  }
}
