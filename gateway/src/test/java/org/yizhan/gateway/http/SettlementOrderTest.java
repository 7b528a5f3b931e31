package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * settledAt orders a person's year as the settlements were computed: it is stamped once the year
 * figures are locked, after their last change, whatever the clock says. Two transactions of one
 * person wait on the figures at once only from two instances, or without group commit (on one
 * instance, batching puts a person's settlements in one lane, one batch in flight, and stamps a
 * batch the same way: SettlementBatcherTest), so this gateway settles one transaction a claim.
 */
class SettlementOrderTest {
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final SettableClock CLOCK = new SettableClock(START);
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_SETTLEMENT_BATCH_ENABLED", "false"), CLOCK);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /**
   * Two admissions of one person wait for the person's figures; the first to wait was stamped by a
   * clock 5 s ahead of the one that stamps the second (another instance's, or a clock stepped
   * back). The readmission waiver lands on the one computed second, which must be the later.
   */
  @Test
  void concurrentAdmissions_settledAtFollowsComputationOrder() throws Exception {
    String person = "44520219800101003X";
    TestData.confirmed(gw, person, "REGISTERED_POOR");
    TestData.topUp(gw, "445202", TestGateway.H1, "100000.00", "HOSPITAL_ADVANCE");
    gw.sql(
        "INSERT INTO accumulator (person_id_no, year, office_code, updated_at)"
            + " VALUES (?, 2018, '445202', ?)",
        person,
        OffsetDateTime.ofInstant(START.minusSeconds(60), ZoneOffset.UTC));
    CompletableFuture<Response> first;
    CompletableFuture<Response> second;
    try (Connection holder = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "")) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT 1 FROM accumulator WHERE person_id_no = ? AND year = 2018 FOR UPDATE")) {
        lock.setString(1, person);
        lock.executeQuery().close();
      }
      CLOCK.set(START.plusSeconds(10));
      first = settleAsync("SO-1", person);
      awaitWaiting(1);
      CLOCK.set(START.plusSeconds(5));
      second = settleAsync("SO-2", person);
      awaitWaiting(2);
      holder.commit();
    }
    JsonNode a = ClaimJson.parse(first.get(30, TimeUnit.SECONDS).body());
    JsonNode b = ClaimJson.parse(second.get(30, TimeUnit.SECONDS).body());

    JsonNode waived = a.get("actDeductible").decimalValue().signum() == 0 ? a : b;
    JsonNode charged = waived == a ? b : a;
    assertThat(charged.get("actDeductible").decimalValue().signum()).isPositive();
    assertThat(settledAt(waived)).isAfter(settledAt(charged));
  }

  private static Instant settledAt(JsonNode s) {
    return OffsetDateTime.parse(s.get("settledAt").asText()).toInstant();
  }

  private static CompletableFuture<Response> settleAsync(String claimNo, String person) {
    String claim = ClaimJson.claim(claimNo).person(person).item("T-A", "20000.00").json();
    return CompletableFuture.supplyAsync(
        () -> {
          Response r = gw.post("/api/v1/settlements", H1_KEY, claim);
          assertThat(r.status()).as(r.body()).isEqualTo(201);
          return r;
        });
  }

  /** Waits until {@code n} sessions wait for a lock. */
  private static void awaitWaiting(int n) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(until)) {
      long waiting =
          ((Number)
                  gw.value(
                      "SELECT count(*) FROM pg_stat_activity"
                          + " WHERE wait_event_type = 'Lock' AND datname = current_database()"))
              .longValue();
      if (waiting >= n) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("fewer than " + n + " settlements wait for the person's figures");
  }
}
