package org.yizhan.gateway.insured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yizhan.gateway.policy.PolicyFixture;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The settlements' cache of the register (EnrolmentCache) on two gateway instances on one database:
 * a change through one instance is seen by that instance's next settlement at once (its entry is
 * dropped before the change is answered) and by the other's once the NOTIFY arrives; a bulk import
 * drops every cached person; a change written around the gateway is seen after its notification.
 * The other instance is polled (a notification's delay), at most 5 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisterCacheTest {
  static TestGateway a;
  static TestGateway b;
  static ManagerClient agency;
  static final AtomicInteger CLAIMS = new AtomicInteger();

  @BeforeAll
  static void start() {
    a = TestGateway.start();
    b = TestGateway.start(java.util.Map.of(), url -> a.database().jdbcUrl());
    a.enrolOnFirstSight(false);
    b.enrolOnFirstSight(false);
    agency = ManagerClient.login(a, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1971, 1, 1), 700 + i);
  }

  /** Settles a claim of {@code person} admitted 2018-03-01 on {@code gw}: the answer's body. */
  static JsonNode settle(TestGateway gw, String person) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.workedExample1("RC-" + CLAIMS.incrementAndGet())
                .person(person)
                .dates("2018-03-01", "2018-03-20")
                .json());
    JsonNode body = ClaimJson.parse(r.body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_status", r.status());
    return body;
  }

  static boolean settled(JsonNode r) {
    return r.get("_status").asInt() == 201;
  }

  static boolean notInsured(JsonNode r) {
    return r.get("_status").asInt() == 422 && r.get("code").asText().equals("NOT_INSURED");
  }

  /** Settles on {@code gw} until {@code seen} holds (at most 5 s): the last answer. */
  static JsonNode settleUntil(TestGateway gw, String person, Predicate<JsonNode> seen)
      throws InterruptedException {
    JsonNode r = settle(gw, person);
    for (int i = 0; i < 50 && !seen.test(r); i++) {
      Thread.sleep(100);
      r = settle(gw, person);
    }
    return r;
  }

  /**
   * An enrolment's fields in the agency API ({@code person} null: a change, which never names it).
   */
  static String enrolment(String person, String validTo, String status) {
    return "{"
        + (person == null ? "" : "\"personIdNo\":\"" + person + "\",")
        + "\"admdvs\":\"445202\",\"scheme\":\"RESIDENT\",\"validFrom\":\"2018-01-01\","
        + (validTo == null ? "" : "\"validTo\":\"" + validTo + "\",")
        + "\"contributionYear\":2018,\"status\":\""
        + status
        + "\"}";
  }

  /** Enrols {@code person} through the agency API of instance a: the enrolment's id. */
  static String enrol(String person) {
    Response created = agency.post("/agency/api/enrolments", enrolment(person, null, "PAID"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return ClaimJson.parse(created.body()).get("enrolmentId").asText();
  }

  @Test
  void anEnrolmentEndedThroughTheAgency_isNotInsured_hereAtOnce_andOnTheOtherInstance()
      throws Exception {
    String p = person(1);
    String id = enrol(p);
    assertThat(settle(a, p).get("_status").asInt()).isEqualTo(201); // both instances cache it
    assertThat(settle(b, p).get("_status").asInt()).isEqualTo(201);

    Response ended =
        agency.put("/agency/api/enrolments/" + id, enrolment(null, "2018-02-28", "PAID"));
    assertThat(ended.status()).as(ended.body()).isEqualTo(200);

    JsonNode here = settle(a, p);
    assertThat(notInsured(here)).as(here.toString()).isTrue();
    assertThat(here.get("message").asText()).contains("ended on 2018-02-28");
    JsonNode there = settleUntil(b, p, RegisterCacheTest::notInsured);
    assertThat(notInsured(there)).as("the other instance within 5 s: " + there).isTrue();
  }

  @Test
  void aPersonRefusedAsNotEnrolled_whoIsThenEnrolled_settles_onBothInstances() throws Exception {
    String p = person(2);
    assertThat(notInsured(settle(a, p))).isTrue(); // "no enrolment" cached on both
    assertThat(notInsured(settle(b, p))).isTrue();
    enrol(p);
    assertThat(settled(settle(a, p))).isTrue();
    assertThat(settled(settleUntil(b, p, RegisterCacheTest::settled))).isTrue();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aBulkImport_dropsEveryCachedPerson_onBothInstances() throws Exception {
    String p = person(3);
    String q = person(4);
    enrol(p);
    enrol(q);
    for (TestGateway gw : new TestGateway[] {a, b}) {
      assertThat(settled(settle(gw, p))).isTrue();
      assertThat(settled(settle(gw, q))).isTrue();
    }
    // the file ends p's enrolment the day before the admission and suspends q's
    String file =
        InsuredRegisterTest.HEADER
            + p
            + ",陈三,445202,城乡居民,2018-01-01,2018-02-28,2018,已缴费,\n"
            + q
            + ",陈四,445202,城乡居民,2018-01-01,,2018,暂停,\n";
    Response started = agency.postCsv("/agency/api/register/imports", file);
    assertThat(started.status()).as(started.body()).isLessThan(300);
    String importId = ClaimJson.parse(started.body()).get("id").asText();
    JsonNode done = agency.json(agency.get("/agency/api/register/imports/" + importId));
    for (int i = 0; i < 200 && !done.get("state").asText().equals("DONE"); i++) {
      assertThat(done.get("state").asText()).as(done.toString()).isIn("UPLOADING", "RUNNING");
      Thread.sleep(50);
      done = agency.json(agency.get("/agency/api/register/imports/" + importId));
    }
    assertThat(done.get("rowsWritten").asLong()).as(done.toString()).isEqualTo(2);

    assertThat(settle(a, p).get("message").asText()).contains("ended on 2018-02-28");
    assertThat(settle(a, q).get("message").asText()).contains("suspended");
    assertThat(notInsured(settleUntil(b, p, RegisterCacheTest::notInsured))).isTrue();
    assertThat(notInsured(settleUntil(b, q, RegisterCacheTest::notInsured))).isTrue();
  }

  /**
   * The person is enrolled by SQL (TestData.enrol: this instance's entry dropped, no NOTIFY), so no
   * notification of the gateway's own is on its way to drop the entry mid-test; the bulk import,
   * whose NOTIFY "*" would, runs last.
   */
  @Test
  @Order(1)
  void aPersonSeenLately_isReadFromTheCache_andAChangeAroundTheGateway_onceNotified()
      throws Exception {
    String p = person(5);
    TestData.enrol(a, p, "445202", LocalDate.of(2018, 1, 1), null, "PAID", null);
    assertThat(settled(settle(a, p))).isTrue();
    long hits = a.gateway().enrolments().hits();
    JsonNode again = settle(a, p);
    assertThat(settled(again)).as(again.toString()).isTrue();
    assertThat(a.gateway().enrolments().hits()).as("read from the cache").isEqualTo(hits + 1);

    // written by other means, with no notification: the cached enrolment still answers (within
    // registerCacheSeconds), which is what spares the settlements their register read
    a.sql(
        "UPDATE insured_enrolment SET contribution_status = 'SUSPENDED'"
            + " WHERE person_id_no = ? AND superseded_at IS NULL",
        p);
    JsonNode stale = settle(a, p);
    assertThat(settled(stale)).as(stale.toString()).isTrue();

    a.sql("SELECT pg_notify('" + EnrolmentCache.CHANNEL + "', ?)", p);
    JsonNode r = settleUntil(a, p, RegisterCacheTest::notInsured);
    assertThat(r.get("message").asText()).as(r.toString()).contains("suspended");
  }
}
