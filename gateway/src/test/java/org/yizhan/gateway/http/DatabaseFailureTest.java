package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The database connection dies in the middle of a settlement's transaction: after the claim, lines,
 * settlement, fund rows, accumulator update and ledger drawdown were sent, while the transaction
 * waits for the audit chain's head (held by this test). Nothing of it may remain, the client is
 * told to retry (503), and the retry with the same Idempotency-Key settles once.
 */
class DatabaseFailureTest {
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
  void connectionKilledMidSettlement_leavesNothingAndRetrySettlesOnce() throws Exception {
    String person = "445202196001010014";
    TestData.confirmed(gw, person, "SUBSISTENCE");
    long account = TestData.topUp(gw, "445202", TestGateway.H1, "50000.00", "HOSPITAL_ADVANCE");
    Map<String, Long> before = counts();
    String body = ClaimJson.workedExample1("DBF-1").person(person).json();
    Map<String, String> key = Map.of("Idempotency-Key", "dbf-1");

    Response failed;
    try (Connection blocker = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "");
        Statement s = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      s.execute("SELECT * FROM audit_head FOR UPDATE");
      CompletableFuture<Response> settling =
          CompletableFuture.supplyAsync(() -> gw.post("/api/v1/settlements", H1_KEY, body, key));
      awaitBlockedOnAuditHead();
      gw.sql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
              + " AND wait_event_type = 'Lock'");
      failed = settling.get();
      blocker.rollback();
    }

    assertThat(failed.status()).as(failed.body()).isEqualTo(503);
    assertThat(failed.header("Retry-After")).isNotBlank();
    assertThat(counts()).isEqualTo(before);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo("50000.00");

    Response retry = gw.post("/api/v1/settlements", H1_KEY, body, key);
    Response again = gw.post("/api/v1/settlements", H1_KEY, body, key);

    assertThat(retry.status()).as(retry.body()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = 'DBF-1'")).isEqualTo(1L);
    assertThat(TestData.balance(gw, account))
        .isEqualByComparingTo(new BigDecimal("50000.00").subtract(assistancePaid("DBF-1")));
    assertThat(TestData.ledgerBalance(gw, account))
        .isEqualByComparingTo(TestData.balance(gw, account));
  }

  static BigDecimal assistancePaid(String claimNo) {
    return (BigDecimal) gw.value("SELECT ma_pay FROM settlement WHERE claim_no = ?", claimNo);
  }

  static void awaitBlockedOnAuditHead() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Object waiting =
          gw.value(
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND wait_event_type = 'Lock' AND query LIKE '%audit_append%'");
      if (((Number) waiting).longValue() > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the settlement never reached the audit append");
  }

  static Map<String, Long> counts() {
    return Map.of(
        "claim",
        gw.count("claim"),
        "claim_lines",
        gw.count("claim_lines"),
        "settlement",
        gw.count("settlement"),
        "settlement_fund",
        gw.count("settlement_fund"),
        "ledger_transfer",
        gw.count("ledger_transfer"),
        "idempotency_record",
        gw.count("idempotency_record"),
        "audit_log",
        gw.count("audit_log"),
        "accumulator_sum",
        ((BigDecimal) gw.value("SELECT coalesce(sum(basic_paid + ma_paid), 0) FROM accumulator"))
            .longValue());
  }
}
