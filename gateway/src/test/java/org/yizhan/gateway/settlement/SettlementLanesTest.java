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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The lanes of group commit, over HTTP and deterministically: a lane's batch is held in flight by a
 * row lock the test takes on a person's year figures (its transaction waits on it, which {@code
 * pg_stat_activity} shows), and what waits in the lanes is read from the gateway's gauge {@code
 * yizhan_settlement_batch_queued}; no test depends on how long anything takes.
 */
class SettlementLanesTest {

  static TestGateway gateway(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("YIZHAN_SETTLEMENT_BATCH_ENABLED", "true");
    env.putIfAbsent("YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "64");
    env.putIfAbsent("YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000");
    return TestGateway.start(env);
  }

  /** Persons of office 445202 (none may draw assistance), the first {@code n} in distinct lanes. */
  static List<String> inDistinctLanes(int n, int lanes) {
    List<String> found = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    for (int i = 100; found.size() < n; i++) {
      String p = person(i);
      if (used.add(SettlementBatcher.laneOf(SettlementBatcher.personLane(p), lanes))) {
        found.add(p);
      }
    }
    return found;
  }

  /** Persons of office 445202 in one lane of {@code lanes}. */
  static List<String> inOneLane(int n, int lanes, int lane) {
    List<String> found = new ArrayList<>();
    for (int i = 200; found.size() < n; i++) {
      String p = person(i);
      if (SettlementBatcher.laneOf(SettlementBatcher.personLane(p), lanes) == lane) {
        found.add(p);
      }
    }
    return found;
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
  void hotPersonsInDifferentLanes_commitInParallel() throws Exception {
    try (TestGateway gw = gateway(Map.of("YIZHAN_SETTLEMENT_BATCH_LANES", "2"))) {
      List<String> persons = inDistinctLanes(2, 2);
      String a = persons.get(0);
      String b = persons.get(1);
      gw.enrol(a, b);
      assertThat(settle(gw, ClaimJson.workedExample1("PL-A1").person(a).json()).get().status())
          .isEqualTo(201);
      CompletableFuture<Response> blocked;
      Held held = new Held(gw, a);
      try {
        blocked = async(settle(gw, ClaimJson.workedExample1("PL-A2").person(a).json()));
        awaitBlocked(gw);

        // b's lane has nothing in flight: its batch commits while a's still waits
        Response other =
            async(settle(gw, ClaimJson.workedExample1("PL-B1").person(b).json()))
                .get(30, TimeUnit.SECONDS);

        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(blocked).isNotDone();
      } finally {
        held.close();
      }
      Response a2 = blocked.get(30, TimeUnit.SECONDS);
      assertThat(a2.status()).as(a2.body()).isEqualTo(201);
      assertThat(transactions(gw, "PL-A2", "PL-B1")).isEqualTo(2);
    }
  }

  @Test
  void aLanesQueue_goesAsOneBatchTheMomentItsBatchInFlightIsAnswered() throws Exception {
    // no linger: without lanes every request would go alone, at once
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", "1",
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
      List<String> lane = inOneLane(3, 4, 0);
      String elsewhere = inOneLane(1, 4, 1).get(0);
      gw.enrol(lane.toArray(String[]::new));
      gw.enrol(elsewhere);
      assertThat(
              settle(gw, ClaimJson.workedExample1("FL-0").person(lane.get(0)).json())
                  .get()
                  .status())
          .isEqualTo(201);
      CompletableFuture<Response> inFlight;
      CompletableFuture<Response> waiting;
      Held held = new Held(gw, lane.get(0));
      try {
        inFlight = async(settle(gw, ClaimJson.workedExample1("FL-1").person(lane.get(0)).json()));
        awaitBlocked(gw);
        waiting = async(settle(gw, ClaimJson.workedExample1("FL-2").person(lane.get(1)).json()));
        awaitQueued(gw, 1);

        Response full =
            settle(gw, ClaimJson.workedExample1("FL-3").person(lane.get(2)).json()).get();
        // another lane is not full
        Response other =
            settle(gw, ClaimJson.workedExample1("FL-4").person(elsewhere).json()).get();

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
              settle(gw, ClaimJson.workedExample1("FL-3").person(lane.get(2)).json())
                  .get()
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void oneAccountsDrawdowns_fromPersonsOfManyLanes_meetInOneBatch_andNeverOverdraw()
      throws Exception {
    int lanes = 8;
    try (TestGateway gw =
        gateway(
            Map.of(
                "YIZHAN_SETTLEMENT_BATCH_LANES", String.valueOf(lanes),
                "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "4",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "1000000"))) {
      long account = TestData.topUp(gw, "445281", TestGateway.H1, "1500.00", "REFUSE");
      List<Supplier<Response>> requests = new ArrayList<>();
      Set<Integer> personLanes = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        String p = TestData.idNo("445281", LocalDate.of(1970, 1, 1), i);
        personLanes.add(SettlementBatcher.laneOf(SettlementBatcher.personLane(p), lanes));
        TestData.confirmed(gw, p, "DESTITUTE");
        gw.enrol(p);
        // assistance 700.00 each (see ConcurrencyTest); the account holds 1500.00
        requests.add(
            settle(
                gw,
                ClaimJson.claim("AL-" + i)
                    .office("445281")
                    .person(p)
                    .item("T-A", "2000.00")
                    .json()));
      }
      // by person they would be in several lanes (and batches)
      assertThat(personLanes).hasSizeGreaterThan(1);

      List<Response> rs = inOrder(requests);

      assertThat(rs).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
      assertThat(transactions(gw, "AL-0", "AL-1", "AL-2", "AL-3")).isEqualTo(1);
      assertThat(drawn(rs.get(0))).isEqualByComparingTo("700.00");
      assertThat(drawn(rs.get(1))).isEqualByComparingTo("700.00");
      for (Response refused : rs.subList(2, 4)) {
        assertThat(drawn(refused)).isEqualByComparingTo("0.00");
        assertThat(refused.body()).contains("PREPAYMENT_EXHAUSTED");
      }
      assertThat(TestData.balance(gw, account)).isEqualByComparingTo("100.00");
      assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("100.00");
      assertThat(
              (BigDecimal)
                  gw.value("SELECT sum(ma_pay) FROM settlement WHERE claim_no LIKE 'AL-%'"))
          .isEqualByComparingTo("1400.00");
    }
  }

  @Test
  void aBatchedSettlementAndItsReversal_netToZeroInFiguresAndLedger_andTheClaimMaySettleAgain()
      throws Exception {
    try (TestGateway gw = gateway(Map.of())) {
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
