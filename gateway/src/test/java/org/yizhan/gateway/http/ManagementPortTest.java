package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;

/**
 * The Prometheus scrape is on the management port only, and names no person (issue 13.5): the
 * public port answers {@code /metrics} 404, the management port serves it, and a manager's user
 * name appears in no label.
 */
class ManagementPortTest {
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
  void metrics_onThePublicPort_isNotFound() {
    TestGateway.Response r = gw.get("/metrics", null);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).doesNotContain("yizhan_http_requests");
  }

  @Test
  void metrics_onTheManagementPort_areServed() {
    gw.get("/health/live", null);

    assertThat(gw.gateway().managementPort()).isPositive().isNotEqualTo(gw.gateway().port());
    assertThat(gw.metrics()).contains("yizhan_http_requests_seconds_count");
  }

  @Test
  void metrics_afterManagersWorked_nameNoManager() {
    ManagerClient m = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    assertThat(m.get("/manager/api/accounts").status()).isEqualTo(200);

    assertThat(gw.metrics())
        .contains("resilience4j_ratelimiter_available_permissions")
        .doesNotContain(ManagerClient.A);
  }
}
