package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.policy.PolicyFixture.draft;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * A settled day stays settled (docs/policies.md): a version may not start on or before a discharge
 * day a live settlement of its line has already used under the version in force, neither when it is
 * drafted nor when it is approved, and the approval sees a settlement committing while it runs. A
 * hospital may settle a discharge ahead of its day, so such a day can lie after today.
 */
class SettledPeriodTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);
  static TestGateway gw;
  static ManagerClient maker;
  static ManagerClient checker;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(PolicyFixture.ENV, CLOCK);
    maker = ManagerClient.login(gw, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
    checker = ManagerClient.login(gw, PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aStartOnASettledDay_isRefused_whenDrafted_andWhenApproved_untilTheSettlementIsReversed() {
    settle("PS-1", 1, "2019-06-20");
    Response early = maker.post("/agency/api/policies", revision("2019-06-15"));
    refusedAsSettled(early, "2019-06-20");

    Response drafted = maker.post("/agency/api/policies", revision("2019-06-21"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();

    // settled ahead under the version in force after the draft: the approval sees it
    String ahead = settle("PS-2", 2, "2019-06-25");
    refusedAsSettled(checker.post("/agency/api/policies/" + id + "/approve", "{}"), "2019-06-25");
    assertThat(
            ClaimJson.parse(maker.get("/agency/api/policies/" + id).body()).get("state").asText())
        .isEqualTo("DRAFT");

    Response reversed =
        gw.post(
            "/api/v1/settlements/" + ahead + "/reversal", H1_KEY, "{\"reason\":\"settled early\"}");
    assertThat(reversed.status()).as(reversed.body()).isEqualTo(200);
    Response approved = checker.post("/agency/api/policies/" + id + "/approve", "{}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
  }

  /**
   * The race made deterministic: a settlement of the line (a copy of a stored one, discharged on
   * the new start's day or after) is written but not committed when the approval begins. The
   * approval must wait for it and then refuse; without its lock it would not wait, see nothing
   * committed, and approve a version that ends the period the settlement used. Its wait is bounded
   * (2 s, then 503 SETTLEMENTS_BUSY), so settlements queue behind it no longer than that.
   */
  @Test
  void anApproval_waitsForASettlementInFlight_andRefusesTheDayItUsed() throws Exception {
    ManagerClient a = PolicyFixture.staff(gw, "sp440100a", "440100");
    ManagerClient b = PolicyFixture.staff(gw, "sp440100b", "440100");
    String guangzhou =
        ClaimJson.parse(a.get("/agency/api/policies").body()).get("versions").get(0).toString();
    long inForce = ClaimJson.parse(guangzhou).get("id").asLong();
    String document = gw.get("/agency/api/policies/" + inForce + "/document", a.token()).body();
    Response drafted =
        a.post(
            "/agency/api/policies",
            draft(
                document
                    .replace("year: 2018", "year: 2019")
                    .replace("validFrom: 2018-01-01", "validFrom: 2019-07-01")
                    .replace("validTo: 2018-12-31", "validTo: 2019-12-31"),
                "穗医保〔2019〕7号",
                "race"));
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    String source = settle("PS-3", 3, "2019-06-10");

    try (Connection c = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        copySettlement(s, source, "PS-RACE", "2019-07-05", inForce);
      }
      // the approval's wait is bounded: a settlement holding on past it makes it step back
      Response busy = b.post("/agency/api/policies/" + id + "/approve", "{}");
      assertThat(busy.status()).as(busy.body()).isEqualTo(503);
      assertThat(ClaimJson.parse(busy.body()).get("code").asText()).isEqualTo("SETTLEMENTS_BUSY");
      CompletableFuture<Response> approval =
          CompletableFuture.supplyAsync(
              () -> b.post("/agency/api/policies/" + id + "/approve", "{}"));
      awaitApprovalWaiting(approval);
      c.commit();
      refusedAsSettled(approval.get(10, TimeUnit.SECONDS), "2019-07-05");
    }
  }

  private static void refusedAsSettled(Response r, String latest) {
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    JsonNode body = ClaimJson.parse(r.body());
    assertThat(body.get("code").asText()).isEqualTo("POLICY_PERIOD_SETTLED");
    assertThat(body.get("field").asText()).isEqualTo("validFrom");
    assertThat(body.get("message").asText()).contains("the latest on " + latest);
  }

  /** 2019's version from {@code from}, with a lower level-3 deductible. */
  private static String revision(String from) {
    return draft(
        PolicyFixture.revision2019().replace("validFrom: 2019-06-11", "validFrom: " + from),
        "揭市医保〔2019〕12号",
        "lower deductible");
  }

  /** Settles a claim of person {@code i} discharged on {@code discharged}; its settlement id. */
  private static String settle(String claimNo, int i, String discharged) {
    String person = TestData.idNo("445202", LocalDate.of(1975, 1, 1), 500 + i);
    gw.enrol(person);
    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim(claimNo)
                .person(person)
                .dates("2019-06-01", discharged)
                .item("T-A", "3000.00")
                .json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return ClaimJson.parse(r.body()).get("settlementId").asText();
  }

  /** A live settlement like {@code source}'s, of a new claim discharged on {@code discharged}. */
  private static void copySettlement(
      Statement s, String source, String claimNo, String discharged, long version)
      throws SQLException {
    s.execute(
        "CREATE TEMP TABLE race_claim ON COMMIT DROP AS SELECT c.* FROM claim c"
            + " JOIN settlement t ON t.claim_id = c.id WHERE t.id = '"
            + source
            + "'");
    s.execute(
        "CREATE TEMP TABLE race_settlement ON COMMIT DROP AS SELECT * FROM settlement"
            + " WHERE id = '"
            + source
            + "'");
    s.execute(
        "UPDATE race_claim SET id = gen_random_uuid(), claim_no = '"
            + claimNo
            + "', discharge_date = DATE '"
            + discharged
            + "'");
    s.execute(
        "UPDATE race_settlement SET id = gen_random_uuid(), claim_no = '"
            + claimNo
            + "', claim_id = (SELECT id FROM race_claim), policy_version = "
            + version);
    s.execute("INSERT INTO claim SELECT * FROM race_claim");
    s.execute("INSERT INTO settlement SELECT * FROM race_settlement");
  }

  /** Until the approval waits for a lock on the settlement table (at most 10 s). */
  private static void awaitApprovalWaiting(CompletableFuture<Response> approval)
      throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      assertThat(approval).as("the approval answered without waiting").isNotDone();
      long waiting =
          ((Number)
                  gw.value(
                      "SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
                          + " WHERE r.relname = 'settlement' AND NOT l.granted"
                          + " AND l.mode = 'ShareLock'"))
              .longValue();
      if (waiting > 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the approval never waited for the settlement in flight");
  }
}
