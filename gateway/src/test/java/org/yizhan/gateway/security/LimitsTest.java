package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** Abuse limits per hospital and per manager: 429 with a code and Retry-After, in /metrics. */
class LimitsTest {
  /** The gateway's clock: it stands still unless a test moves it, so the limiters never refill. */
  static final SettableClock CLOCK = new SettableClock(Instant.now());

  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_SECURITY_LIMITS_HOSPITAL_REQUESTS_PER_SECOND", "10",
                "YIZHAN_SECURITY_LIMITS_HOSPITAL_CONCURRENT_REQUESTS", "2",
                "YIZHAN_SECURITY_LIMITS_MANAGER_REQUESTS_PER_SECOND", "5"),
            CLOCK);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void hospitalRate_beyondTheLimit_is429WithRetryAfter_andOtherHospitalsAreUntouched()
      throws Exception {
    waitForNextSecond();
    List<Response> answers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      answers.add(gw.get("/api/v1/settlements?claimNo=R" + i, H1_KEY));
    }
    List<Response> limited = answers.stream().filter(r -> r.status() == 429).toList();
    assertThat(limited).isNotEmpty();
    assertThat(answers).allMatch(r -> r.status() == 200 || r.status() == 429);
    Response first = limited.get(0);
    assertThat(ClaimJson.parse(first.body()).get("code").asText()).isEqualTo("RATE_LIMITED");
    assertThat(first.header("Retry-After")).isEqualTo("1");
    assertThat(gw.get("/api/v1/settlements?claimNo=other", H2_KEY).status()).isEqualTo(200);

    CLOCK.advance(Duration.ofSeconds(1));
    assertThat(gw.get("/api/v1/settlements?claimNo=later", H1_KEY).status()).isEqualTo(200);
    assertThat(gw.metrics())
        .contains("resilience4j_ratelimiter_available_permissions")
        .contains("name=\"hospital-H44520200001\"");
  }

  @Test
  void hospitalConcurrency_beyondTheBulkhead_is429_andSlotsComeBack() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      waitForNextSecond();
      for (int i = 0; i < 8; i++) {
        String claim =
            ClaimJson.claim("CONC-" + i).person("445202198001010013").item("T-A", "100.00").json();
        calls.add(
            CompletableFuture.supplyAsync(
                () -> gw.post("/api/v1/settlements/preview", H2_KEY, claim), pool));
      }
      List<Response> answers = calls.stream().map(CompletableFuture::join).toList();
      assertThat(answers).allMatch(r -> r.status() == 200 || r.status() == 429);
      assertThat(answers)
          .anyMatch(
              r ->
                  r.status() == 429
                      && ClaimJson.parse(r.body())
                          .get("code")
                          .asText()
                          .equals("TOO_MANY_CONCURRENT"));
    } finally {
      pool.shutdown();
    }
    CLOCK.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      assertThat(gw.get("/api/v1/settlements?claimNo=after" + i, H2_KEY).status()).isEqualTo(200);
    }
    assertThat(gw.metrics()).contains("resilience4j_bulkhead_max_allowed_concurrent_calls");
  }

  @Test
  void managerRate_beyondTheLimit_is429() throws Exception {
    ManagerClient m = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    waitForNextSecond();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(m.get("/manager/api/me").status());
    }
    assertThat(statuses).contains(429).allMatch(s -> s == 200 || s == 429);
  }

  /** Starts a burst in a fresh period of the rate limiters: the clock moves a second on. */
  static void waitForNextSecond() {
    CLOCK.advance(Duration.ofSeconds(1));
  }
}
