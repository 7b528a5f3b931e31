package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Each database call is made once and asks the circuit breaker first: a read is not repeated (with
 * the identity cache off, a repeated read is another load still in flight), and a manager's route
 * hands the breaker its query unstarted.
 */
class DatabaseCallTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_IDENTITY_CACHE_SECONDS", "0"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void yearFigures_withIdentityCacheOff_alwaysAnswer() {
    String person = "445202198001010013";
    TestData.confirmed(gw, person, "DESTITUTE");
    TestData.topUp(gw, "445202", TestGateway.H1, "10000.00", "HOSPITAL_ADVANCE");
    Response settled =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim("DC-1").person(person).item("T-A", "5000.00").json());
    assertThat(settled.status()).as(settled.body()).isEqualTo(201);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      statuses.add(gw.get("/api/v1/persons/" + person + "/accumulators/2018", H1_KEY).status());
    }

    assertThat(statuses).containsOnly(200);
  }

  @Test
  void managerRoute_breakerOpenAfterLogin_sendsNoSql() {
    ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    CircuitBreaker breaker = gw.gateway().guard().breaker();
    // the breaker opens right after the session is checked: the route's own call must be refused
    // before its statement goes out
    AtomicBoolean armed = new AtomicBoolean(true);
    breaker
        .getEventPublisher()
        .onSuccess(
            e -> {
              if (armed.getAndSet(false)) {
                breaker.transitionToForcedOpenState();
              }
            });
    Response refused;
    try {
      refused = a.post("/manager/api/accounts", "{\"hospitalCode\":\"H44520200002\"}");
    } finally {
      armed.set(false);
      breaker.transitionToClosedState();
    }

    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(
            gw.value(
                "SELECT count(*) FROM prepayment_account WHERE hospital_code = 'H44520200002'"))
        .isEqualTo(0L);
  }

  @Test
  void managerRoute_isCountedOnceByTheBreaker() {
    ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    CircuitBreaker breaker = gw.gateway().guard().breaker();
    String csv =
        String.join(",", org.yizhan.gateway.identity.IdentityRoster.HEADER)
            + "\n445202198001010021,测试,SUBSISTENCE,2018-01-01,,true,\n";
    long before = calls(breaker);

    Response imported = a.postCsv("/manager/api/identities/import", csv);

    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    // one call to check the session, one for the import
    assertThat(calls(breaker) - before).isEqualTo(2);
  }

  private static long calls(CircuitBreaker b) {
    CircuitBreaker.Metrics m = b.getMetrics();
    return m.getNumberOfSuccessfulCalls() + m.getNumberOfFailedCalls();
  }
}
