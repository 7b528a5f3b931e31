package org.yizhan.gateway.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.drawn;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.inOrder;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.json;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.person;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.settle;
import static org.yizhan.gateway.settlement.SettlementBatcherTest.transactions;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.Claim;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The lanes of group commit: with more than one lane, claims that may draw on a prepayment account
 * in that account's lane, every other claim in one shared lane (the default, one lane, holds all;
 * {@link SettlementBatcherTest} runs on it). Over HTTP and deterministically: a lane's batch is
 * held in flight by a row lock the test takes on a person's year figures (its transaction waits on
 * it, which {@code pg_stat_activity} shows), and what waits in the lanes is read from the gateway's
 * gauge {@code yizhan_settlement_batch_queued}; no test depends on how long anything takes.
 */
class SettlementLanesTest {

  static TestGateway gateway(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("YIZHAN_SETTLEMENT_BATCH_ENABLED", "true");
    env.putIfAbsent("YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "64");
    env.putIfAbsent("YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000");
    return TestGateway.start(env);
  }

  /** A destitute person of office 445281, who may draw on the office's account at H1. */
  static String poor(TestGateway gw, int i) {
    String p = TestData.idNo("445281", LocalDate.of(1972, 1, 1), i);
    TestData.confirmed(gw, p, "DESTITUTE");
    gw.enrol(p);
    return p;
  }

  /** A claim of {@code poor} at H1 whose assistance is 700.00 (see ConcurrencyTest). */
  static String drawing(String claimNo, String poor) {
    return ClaimJson.claim(claimNo).office("445281").person(poor).item("T-A", "2000.00").json();
  }

  /**
   * Holds a lock on the person's year figures (which must exist) in an open transaction, so that a
   * batch holding the person waits for it; closing it rolls back and lets the batch go.
   */
  static final class Held {
    final Connection c;

    Held(TestGateway gw, String personIdNo) throws java.sql.SQLException {
      c = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "");
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement("SELECT 1 FROM accumulator WHERE person_id_no = ? FOR UPDATE")) {
        s.setString(1, personIdNo);
        s.executeQuery().close();
      }
    }

    void close() throws java.sql.SQLException {
      c.rollback();
      c.close();
    }
  }

  static CompletableFuture<Response> async(Supplier<Response> r) {
    return CompletableFuture.supplyAsync(r);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("waited 30 s for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Waits until a batch transaction of the gateway waits for a row lock (the test's). */
  static void awaitBlocked(TestGateway gw) throws InterruptedException {
    await(
        "a batch waiting on the held lock",
        () ->
            ((Number)
                        gw.value(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND datname = current_database()"))
                    .longValue()
                > 0);
  }

  static double gauge(TestGateway gw, String name) {
    for (String line : gw.metrics().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return -1;
  }

  static void awaitQueued(TestGateway gw, int n) throws InterruptedException {
    await(n + " queued", () -> gauge(gw, "yizhan_settlement_batch_queued") == n);
  }

  @Test
  void laneOf_drawingClaimsByTheirAccount_everyOtherClaimInTheSharedLane() {
    int lanes = 8;
    SettlementBatch.Member plain = member("445202", TestGateway.H1, false);
    SettlementBatch.Member drawing = member("445281", TestGateway.H1, true);
    int account = SettlementBatcher.accountLane("445281", TestGateway.H1, lanes);

    assertThat(SettlementBatcher.laneOf(plain, lanes)).isEqualTo(SettlementBatcher.SHARED_LANE);
    assertThat(SettlementBatcher.laneOf(member("445281", "H2", false), lanes))
        .isEqualTo(SettlementBatcher.SHARED_LANE);
    assertThat(account).isBetween(1, lanes - 1);
    assertThat(SettlementBatcher.laneOf(drawing, lanes)).isEqualTo(account);
    // a reversal goes where its settlement went
    assertThat(SettlementBatcher.laneOf(reversal("445281", TestGateway.H1, true), lanes))
        .isEqualTo(account);
    assertThat(SettlementBatcher.laneOf(reversal("445281", TestGateway.H1, false), lanes))
        .isEqualTo(SettlementBatcher.SHARED_LANE);
    // one lane: everything shares it
    assertThat(SettlementBatcher.laneOf(drawing, 1)).isEqualTo(SettlementBatcher.SHARED_LANE);
    // accounts spread over the account lanes, never onto the shared one
    Set<Integer> used = new HashSet<>();
    for (int office = 445201; office < 445300; office++) {
      int lane = SettlementBatcher.accountLane(String.valueOf(office), TestGateway.H1, lanes);
      assertThat(lane).isBetween(1, lanes - 1);
      used.add(lane);
    }
    assertThat(used).hasSize(lanes - 1);
  }

  static SettlementBatch.Member member(String office, String hospital, boolean mayDraw) {
    LocalDate day = LocalDate.of(2026, 3, 1);
    Claim claim =
        new Claim(
            "C-1",
            TestData.idNo(office, LocalDate.of(1980, 1, 1), 1),
            ClaimInput.DEFAULT_SCHEME,
            office,
            hospital,
            3,
            day,
            day,
            List.of());
    return new SettlementBatch.Member(
        new SettleCommand(claim, null, "sha", null, "[]", mayDraw, "test", null, null),
        "sha",
        ytd -> null);
  }

  static SettlementBatch.Reversal reversal(String office, String hospital, boolean onAccount) {
    return new SettlementBatch.Reversal(
        hospital,
        UUID.randomUUID(),
        "wrong bill",
        "test",
        TestData.idNo(office, LocalDate.of(1980, 1, 1), 1),
        2026,
        office,
        onAccount);
  }

  @Test
  void anAccountsLane_commitsWhileTheSharedLanesBatchWaits() throws Exception {
    try (TestGateway gw = gateway(Map.of("YIZHAN_SETTLEMENT_BATCH_LANES", "2"))) {
      TestData.topUp(gw, "445281", TestGateway.H1, "5000.00", "REFUSE");
      String a = person(40);
      gw.enrol(a);
      String p = poor(gw, 40);
      assertThat(settle(gw, ClaimJson.workedExample1("PL-A1").person(a).json()).get().status())
          .isEqualTo(201);
      CompletableFuture<Response> blocked;
      Held held = new Held(gw, a);
      try {
        blocked = async(settle(gw, ClaimJson.workedExample1("PL-A2").person(a).json()));
        awaitBlocked(gw);

        // the account's lane has nothing in flight: its batch commits while the shared one waits
        Response drew = async(settle(gw, drawing("PL-P1", p))).get(30, TimeUnit.SECONDS);

        assertThat(drew.status()).as(drew.body()).isEqualTo(201);
        assertThat(drawn(drew)).isEqualByComparingTo("700.00");
        assertThat(blocked).isNotDone();
      } finally {
        held.close();
      }
      Response a2 = blocked.get(30, TimeUnit.SECONDS);
      assertThat(a2.status()).as(a2.body()).isEqualTo(201);
      assertThat(transactions(gw, "PL-A2", "PL-P1")).isEqualTo(2);
    }
  }

  @Test
  void personsWhoDrawNothing_shareOneLane_whoseQueueGoesAsOneBatchWhenItsBatchIsAnswered()
      throws Exception {
    // eight lanes, no linger: were lanes per person, these four would go in several batches
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", "8",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "0"))) {
      String hot = person(30);
      List<String> others = List.of(person(31), person(32), person(33));
      gw.enrol(hot);
      gw.enrol(others.toArray(String[]::new));
      assertThat(settle(gw, ClaimJson.workedExample1("GQ-0").person(hot).json()).get().status())
          .isEqualTo(201);
      CompletableFuture<Response> first;
      List<CompletableFuture<Response>> queued = new ArrayList<>();
      Held held = new Held(gw, hot);
      try {
        first = async(settle(gw, ClaimJson.workedExample1("GQ-1").person(hot).json()));
        awaitBlocked(gw);
        for (int i = 0; i < others.size(); i++) {
          queued.add(
              async(settle(gw, ClaimJson.workedExample1("GQ-Q" + i).person(others.get(i)).json())));
        }
        awaitQueued(gw, others.size());
        assertThat(gauge(gw, "yizhan_settlement_batch_in_flight")).isEqualTo(1.0);
      } finally {
        held.close();
      }
      assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
      for (CompletableFuture<Response> q : queued) {
        Response r = q.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
      }
      assertThat(transactions(gw, "GQ-Q0", "GQ-Q1", "GQ-Q2")).isEqualTo(1);
      assertThat(transactions(gw, "GQ-1", "GQ-Q0")).isEqualTo(2);
    }
  }

  @Test
  void aFullLane_answers503WithRetryAfter_andWritesNothingOfTheRefused() throws Exception {
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", "4",
                "YIZHAN_SETTLEMENT_BATCH_MAX_QUEUED_PER_LANE", "1",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "0"))) {
      TestData.topUp(gw, "445281", TestGateway.H1, "5000.00", "REFUSE");
      List<String> shared = List.of(person(50), person(51), person(52));
      gw.enrol(shared.toArray(String[]::new));
      String p = poor(gw, 50);
      assertThat(
              settle(gw, ClaimJson.workedExample1("FL-0").person(shared.get(0)).json())
                  .get()
                  .status())
          .isEqualTo(201);
      CompletableFuture<Response> inFlight;
      CompletableFuture<Response> waiting;
      Held held = new Held(gw, shared.get(0));
      try {
        inFlight = async(settle(gw, ClaimJson.workedExample1("FL-1").person(shared.get(0)).json()));
        awaitBlocked(gw);
        waiting = async(settle(gw, ClaimJson.workedExample1("FL-2").person(shared.get(1)).json()));
        awaitQueued(gw, 1);

        Response full =
            settle(gw, ClaimJson.workedExample1("FL-3").person(shared.get(2)).json()).get();
        // an account's lane is not full
        Response other = settle(gw, drawing("FL-4", p)).get();

        assertThat(full.status()).as(full.body()).isEqualTo(503);
        assertThat(json(full).get("code").asText()).isEqualTo("SETTLEMENT_QUEUE_FULL");
        assertThat(full.header("Retry-After")).isEqualTo("1");
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(gauge(gw, "yizhan_settlement_batch_refused_total")).isEqualTo(1.0);
      } finally {
        held.close();
      }
      assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
      assertThat(waiting.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
      assertThat(gw.value("SELECT count(*) FROM claim WHERE claim_no = 'FL-3'")).isEqualTo(0L);
      // the refused request may be sent again and is settled
      assertThat(
              settle(gw, ClaimJson.workedExample1("FL-3").person(shared.get(2)).json())
                  .get()
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void oneAccountsDrawdowns_ofManyPersons_meetInOneBatchOfItsLane_andNeverOverdraw()
      throws Exception {
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", "8",
                "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "4",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000000"))) {
      long account = TestData.topUp(gw, "445281", TestGateway.H1, "1500.00", "REFUSE");
      List<Supplier<Response>> requests = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // assistance 700.00 each; the account holds 1500.00
        requests.add(settle(gw, drawing("AL-" + i, poor(gw, i))));
      }

      List<Response> rs = inOrder(requests);

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(transactions(gw, "AL-0", "AL-1", "AL-2", "AL-3")).isEqualTo(1);
      // in arrival order (SettlementBatcherTest); here only that the account is never overdrawn
      assertThat(rs.stream().filter(r -> drawn(r).signum() > 0))
          .hasSize(2)
          .allSatisfy(r -> assertThat(drawn(r)).isEqualByComparingTo("700.00"));
      assertThat(rs.stream().filter(r -> r.body().contains("PREPAYMENT_EXHAUSTED"))).hasSize(2);
      assertThat(TestData.balance(gw, account)).isEqualByComparingTo("100.00");
      assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("100.00");
      assertThat(
              (BigDecimal)
                  gw.value("SELECT sum(ma_pay) FROM settlement WHERE claim_no LIKE 'AL-%'"))
          .isEqualByComparingTo("1400.00");
    }
  }

  @Test
  void aPersonWhoDrawsAtTwoHospitals_meetsInOneBatch_inOneAccountLane() throws Exception {
    // a lane per account would send these two in two batches, both locking the person's figures
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", "2",
                "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "2",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000000"))) {
      long atH1 = TestData.topUp(gw, "445281", TestGateway.H1, "5000.00", "REFUSE");
      long atH2 = TestData.topUp(gw, "445281", "H44520200002", "5000.00", "REFUSE");
      String p = poor(gw, 60);
      String second =
          ClaimJson.claim("TH-2").office("445281").person(p).item("T-A", "2000.00").json();

      List<Response> rs =
          inOrder(
              List.of(
                  settle(gw, drawing("TH-1", p)),
                  () -> gw.post("/api/v1/settlements", TestGateway.H2_KEY, second)));

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(transactions(gw, "TH-1", "TH-2")).isEqualTo(1);
      BigDecimal drawnInAll = drawn(rs.get(0)).add(drawn(rs.get(1)));
      assertThat(drawnInAll).isPositive();
      BigDecimal left = TestData.balance(gw, atH1).add(TestData.balance(gw, atH2));
      assertThat(left).isEqualByComparingTo(new BigDecimal("10000.00").subtract(drawnInAll));
      assertThat(TestData.ledgerBalance(gw, atH1)).isEqualByComparingTo(TestData.balance(gw, atH1));
      assertThat(TestData.ledgerBalance(gw, atH2)).isEqualByComparingTo(TestData.balance(gw, atH2));
    }
  }

  @Test
  void oneAccountsDrawdowns_fromTheLanesOfTwoInstances_neverOverdraw() throws Exception {
    // each instance's batch of two locks the account; the second waits for the first's commit
    Map<String, String> settings =
        Map.of(
            "YIZHAN_SETTLEMENT_BATCH_ENABLED", "true",
            "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "2",
            "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000000");
    try (TestGateway a = gateway(settings);
        TestGateway b = TestGateway.start(settings, url -> a.database().jdbcUrl())) {
      long account = TestData.topUp(a, "445281", TestGateway.H1, "1500.00", "REFUSE");
      List<CompletableFuture<Response>> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestGateway gw = i % 2 == 0 ? a : b;
        all.add(async(settle(gw, drawing("AT-" + i, poor(a, 10 + i)))));
      }
      List<Response> rs = new ArrayList<>();
      for (CompletableFuture<Response> f : all) {
        rs.add(f.get(30, TimeUnit.SECONDS));
      }

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(rs.stream().filter(r -> drawn(r).signum() > 0))
          .hasSize(2)
          .allSatisfy(r -> assertThat(drawn(r)).isEqualByComparingTo("700.00"));
      assertThat(rs.stream().filter(r -> r.body().contains("PREPAYMENT_EXHAUSTED"))).hasSize(2);
      assertThat(TestData.balance(a, account)).isEqualByComparingTo("100.00");
      assertThat(TestData.ledgerBalance(a, account)).isEqualByComparingTo("100.00");
      assertThat(
              (BigDecimal) a.value("SELECT sum(ma_pay) FROM settlement WHERE claim_no LIKE 'AT-%'"))
          .isEqualByComparingTo("1400.00");
    }
  }

  @Test
  void aBatchedSettlementAndItsReversal_netToZeroInFiguresAndLedger_andTheClaimMaySettleAgain()
      throws Exception {
    try (TestGateway gw = gateway(Map.of("YIZHAN_SETTLEMENT_BATCH_LANES", "2"))) {
      long account = TestData.topUp(gw, "445281", TestGateway.H1, "5000.00", "REFUSE");
      String poor = TestData.idNo("445281", LocalDate.of(1971, 1, 1), 0);
      String other = TestData.idNo("445281", LocalDate.of(1971, 1, 1), 1);
      TestData.confirmed(gw, poor, "DESTITUTE");
      TestData.confirmed(gw, other, "DESTITUTE");
      gw.enrol(poor, other);
      String ytd =
          "SELECT basic_paid, deductible_paid, admissions_level1 + admissions_level2"
              + " + admissions_level3 AS admissions, ci_base, ci_paid, ma_base, ma_paid"
              + " FROM accumulator WHERE person_id_no = ?";
      // the other's settlement shares the account's lane and its batches
      String claim =
          ClaimJson.claim("RV-1").office("445281").person(poor).item("T-A", "2000.00").json();
      Response settled = settle(gw, claim).get();
      assertThat(settled.status()).as(settled.body()).isEqualTo(201);
      assertThat(drawn(settled)).isEqualByComparingTo("700.00");
      Response kept =
          settle(
                  gw,
                  ClaimJson.claim("RV-2")
                      .office("445281")
                      .person(other)
                      .item("T-A", "2000.00")
                      .json())
              .get();
      assertThat(kept.status()).as(kept.body()).isEqualTo(201);
      Map<String, Object> before = gw.sql(ytd, other).get(0);

      Response reversed =
          gw.post(
              "/api/v1/settlements/" + json(settled).get("settlementId").asText() + "/reversal",
              H1_KEY,
              "{\"reason\":\"wrong bill\"}");

      assertThat(reversed.status()).as(reversed.body()).isEqualTo(200);
      assertThat(json(reversed).get("status").asText()).isEqualTo("REVERSED");
      Map<String, Object> zero = gw.sql(ytd, poor).get(0);
      for (Object v : zero.values()) {
        assertThat(new BigDecimal(v.toString())).isZero();
      }
      assertThat(gw.sql(ytd, other).get(0)).isEqualTo(before);
      // only the other's drawdown is left; the cached balance is the ledger's
      assertThat(TestData.balance(gw, account)).isEqualByComparingTo("4300.00");
      assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("4300.00");
      // the reversal frees the claim number: the corrected bill settles (in a batch)
      Response again =
          settle(
                  gw,
                  ClaimJson.claim("RV-1")
                      .office("445281")
                      .person(poor)
                      .item("T-A", "1000.00")
                      .json())
              .get();
      assertThat(again.status()).as(again.body()).isEqualTo(201);
      assertThat(gw.sql(ytd, poor).get(0).get("admissions")).isEqualTo(1);
    }
  }
}
