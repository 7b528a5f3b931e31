package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * A period is closed only after it has ended, by the gateway's clock in Asia/Shanghai: closing it
 * earlier would book every later drawdown of the month into the next period.
 */
class PeriodCloseTest {
  /** 2026-11-30 23:59:59 in Shanghai (15:59:59 UTC): November has not ended there. */
  static final Instant LAST_SECOND_OF_NOVEMBER = Instant.parse("2026-11-30T15:59:59Z");

  static final SettableClock CLOCK = new SettableClock(LAST_SECOND_OF_NOVEMBER);
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of(), CLOCK);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void closingAPeriod_beforeItEndsInShanghai_isRefused_andAfterwardsCloses() {
    CLOCK.set(LAST_SECOND_OF_NOVEMBER);
    ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    long id = a.account(TestGateway.H1, "100.00", null);
    assertThat(account(a, id).get("openPeriod").asText()).isEqualTo("2026-11");

    Response early = a.post("/manager/api/accounts/" + id + "/periods/2026-11/close", "");

    assertThat(early.status()).as(early.body()).isEqualTo(409);
    assertThat(a.json(early).get("code").asText()).isEqualTo("PERIOD_NOT_ENDED");
    assertThat(a.json(early).get("field").asText()).isEqualTo("period");
    assertThat(gw.value("SELECT count(*) FROM period_statement WHERE account_id = ?", id))
        .isEqualTo(0L);
    assertThat(account(a, id).get("closablePeriod").isNull()).isTrue();

    // one second later it is 1 December in Shanghai (still 30 November in UTC)
    CLOCK.set(LAST_SECOND_OF_NOVEMBER.plusSeconds(1));
    assertThat(account(a, id).get("closablePeriod").asText()).isEqualTo("2026-11");
    Response closed = a.post("/manager/api/accounts/" + id + "/periods/2026-11/close", "");

    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    assertThat(a.json(closed).get("closingBalance").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(account(a, id).get("openPeriod").asText()).isEqualTo("2026-12");
    Response current = a.post("/manager/api/accounts/" + id + "/periods/2026-12/close", "");
    assertThat(a.json(current).get("code").asText()).isEqualTo("PERIOD_NOT_ENDED");
  }

  static JsonNode account(ManagerClient m, long id) {
    for (JsonNode a : m.json(m.get("/manager/api/accounts"))) {
      if (a.get("id").asLong() == id) {
        return a;
      }
    }
    throw new AssertionError("account " + id + " not listed");
  }
}
