package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.FaultProxy;
import org.yizhan.gateway.support.Invariants;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestDatabase;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The network between the gateway and PostgreSQL fails in the ways networks do, played by a {@link
 * FaultProxy}: connections cut and refused, traffic held (a hung host), slow, or dropped part way
 * through a transaction. The gateway must answer 503 with a code and Retry-After, never later than
 * its request timeout, must never apply a settlement twice however its retry races the failure, and
 * must recover by itself once the network heals.
 */
class DatabaseFaultTest {
  /** The request timeout this gateway runs with (http.requestTimeoutSeconds), seconds. */
  static final int TIMEOUT_SECONDS = 2;

  /** What an answer may take beyond the timeout (scheduling on a busy 2-core CI box), millis. */
  static final long SLACK_MILLIS = 1500;

  /** How long recovery may take once healed: the breaker's open time and a margin, millis. */
  static final long RECOVERY_MILLIS = (DbGuard.OPEN_SECONDS + 10) * 1000L;

  static final String PERSON = "445202196501010010";

  static FaultProxy proxy;
  static TestGateway gw;

  /** What was written to stderr while the gateway ran (still written through too). */
  static final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  static PrintStream realStderr;

  /** What Vert.x Web logged at ERROR (an unhandled failure) while the gateway ran. */
  static final ListAppender<ILoggingEvent> routerErrors = new ListAppender<>();

  static long account;
  static int claims;

  @BeforeAll
  static void start() {
    routerErrors.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.vertx.ext.web.RoutingContext"))
        .addAppender(routerErrors);
    realStderr = System.err;
    System.setErr(new PrintStream(new TeeOutputStream(realStderr, stderr), true));
    int pgPort = TestDatabase.server().embeddedPort();
    proxy = FaultProxy.start(pgPort);
    gw =
        TestGateway.start(
            Map.of("YIZHAN_HTTP_REQUEST_TIMEOUT_SECONDS", Integer.toString(TIMEOUT_SECONDS)),
            url -> url.replace(":" + pgPort + "/", ":" + proxy.port() + "/"));
    TestData.confirmed(gw, PERSON, "SUBSISTENCE");
    account = TestData.topUp(gw, "445202", TestGateway.H1, "30000.00", "HOSPITAL_ADVANCE");
  }

  @AfterAll
  static void stop() {
    gw.close();
    proxy.close();
    System.setErr(realStderr);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.vertx.ext.web.RoutingContext"))
        .detachAppender(routerErrors);
  }

  /** Writes to two streams. */
  static final class TeeOutputStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeOutputStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  @BeforeEach
  void healthy() throws InterruptedException {
    proxy.heal();
    awaitSettled(newClaim(), "warm-" + claims, RECOVERY_MILLIS);
  }

  @AfterEach
  void invariantsHold() {
    proxy.heal();
    assertThat(Invariants.violations(gw.database().jdbcUrl())).isEmpty();
    assertThat(gw.unhandledExceptions()).isEmpty();
    // an expected outage is a log line, not a stack trace printed on stderr (issue 12.12)
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("\tat ");
    assertThat(routerErrors.list)
        .as("Vert.x Web's 'Unhandled exception in router' (a late failure of a timed-out request)")
        .isEmpty();
  }

  @Test
  void connectionsCut_answer503FastWithCode_thenRecoverAlone() throws InterruptedException {
    proxy.cut();
    List<Long> took = new ArrayList<>();
    List<String> cutClaims = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String claim = newClaim();
      cutClaims.add(claim);
      long t0 = System.nanoTime();
      Response r = settle(claim, "cut-" + claim);
      took.add(millisSince(t0));
      assertUnavailable(r);
    }
    // a key the gateway has not seen yet cannot be checked either: that too is 503, not 500
    assertUnavailable(gw.get("/api/v1/settlements/" + UUID.randomUUID(), TestGateway.H2_KEY));
    assertUnavailable(
        gw.post(
            "/manager/api/login",
            null,
            "{\"username\":\"ca445202\",\"password\":\"demo-445202-pass\"}"));
    // the national routes answer in their envelope: HTTP 200 (hospital systems do not read the
    // body of a 503, issue 16) with a non-zero infcode, err_msg saying so, and Retry-After
    TestGateway.Response national =
        gw.post(
            "/fsi/api/rsfComIfsService/callService",
            TestGateway.H1_KEY,
            "{\"infno\":\"1101\",\"msgid\":\"H44520200001201803010000000001\","
                + "\"fixmedins_code\":\"H44520200001\",\"input\":{}}");
    assertThat(national.status()).as(national.body()).isEqualTo(200);
    assertThat(ClaimJson.parse(national.body()).path("infcode").asInt()).isNotZero();
    assertThat(ClaimJson.parse(national.body()).path("err_msg").asText()).contains("unavailable");
    assertThat(national.header("Retry-After")).isNotBlank();
    long healedAt = System.nanoTime();
    proxy.heal();
    for (String claim : cutClaims) {
      awaitSettled(claim, "cut-" + claim, RECOVERY_MILLIS);
    }
    long recovered = millisSince(healedAt);
    System.out.printf(
        "[db-faults] cut: 12 settles answered 503 in %s ms; recovered %d ms after healing%n",
        took, recovered);
    assertThat(took).allSatisfy(ms -> assertThat(ms).isLessThan(timeoutMillis()));
    // a refused connection (or an open breaker) is answered at once, not after the timeout
    assertThat(took.subList(8, 12)).allSatisfy(ms -> assertThat(ms).isLessThan(500));
    for (String claim : cutClaims) {
      assertThat(settlementsOf(claim)).isEqualTo(1);
    }
  }

  @Test
  void databaseHangs_noClientWaitsPastTheTimeout_andRetriesSettleOnce() throws Exception {
    proxy.stall();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<String> stalled = new ArrayList<>();
    List<CompletableFuture<long[]>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        String claim = newClaim();
        stalled.add(claim);
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  long t0 = System.nanoTime();
                  Response r = settle(claim, "hang-" + claim);
                  assertUnavailable(r);
                  return new long[] {r.status(), millisSince(t0)};
                },
                pool));
      }
      List<Long> took = new ArrayList<>();
      for (CompletableFuture<long[]> a : answers) {
        took.add(a.get()[1]);
      }
      System.out.printf(
          "[db-faults] hung database: 6 concurrent settles answered in %s ms%n", took);
      assertThat(took).allSatisfy(ms -> assertThat(ms).isLessThan(timeoutMillis()));
    } finally {
      pool.shutdown();
    }
    proxy.heal();
    for (String claim : stalled) {
      awaitSettled(claim, "hang-" + claim, RECOVERY_MILLIS);
      assertThat(settlementsOf(claim)).isEqualTo(1);
    }
  }

  @Test
  void clientGoneWhileItsKeyIsLookedUp_returnsItsConcurrencySlot() throws Exception {
    String hospital = "H44528100003";
    // every instance forgets its cached keys, so the next request's key is looked up
    gw.sql("NOTIFY yizhan_hospital_keys, 'test'");
    Thread.sleep(500);
    proxy.latencyMillis(300);
    int clients = 3;
    for (int i = 0; i < clients; i++) {
      try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
        s.getOutputStream()
            .write(
                ("GET /api/v1/settlements?claimNo=gone HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer "
                        + TestGateway.H3_KEY
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(100);
      }
    }
    // the lookup (two chunks at 300 ms) completes after every client has gone
    Thread.sleep(1500);
    proxy.heal();
    long deadline = System.currentTimeMillis() + 5000;
    double free = availableSlots(hospital);
    while (free != 256 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      free = availableSlots(hospital);
    }
    System.out.printf(
        "[db-faults] %d clients gone during their key lookup: %s of 256 slots free after%n",
        clients, free);
    assertThat(free).isEqualTo(256);
    assertThat(gw.get("/api/v1/settlements?claimNo=back", TestGateway.H3_KEY).status())
        .isEqualTo(200);
  }

  /** A hospital's free concurrency slots, from /metrics (256 when it never had a request). */
  static double availableSlots(String hospital) {
    Matcher m =
        Pattern.compile(
                "resilience4j_bulkhead_available_concurrent_calls\\{[^}]*name=\"hospital-"
                    + hospital
                    + "\"[^}]*\\} ([0-9.]+)")
            .matcher(gw.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 256;
  }

  @Test
  void slowNetwork_settlesWithinTheTimeout() {
    proxy.latencyMillis(40);
    String claim = newClaim();
    long t0 = System.nanoTime();
    Response r = settle(claim, "slow-" + claim);
    long took = millisSince(t0);
    System.out.printf("[db-faults] 40 ms per chunk each way: settled in %d ms%n", took);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(took).isGreaterThanOrEqualTo(80).isLessThan(TIMEOUT_SECONDS * 1000L);
    assertThat(settlementsOf(claim)).isEqualTo(1);
  }

  @Test
  void connectionDroppedMidTransaction_retryWithTheKeyAppliesExactlyOnce()
      throws InterruptedException {
    long seed = Long.getLong("faults.seed", System.nanoTime());
    Random random = new Random(seed);
    int failedFirst = 0;
    int committedFirst = 0;
    int committedUnanswered = 0;
    long dropsBefore = proxy.drops();
    for (int i = 0; i < 16; i++) {
      String claim = newClaim();
      String key = "drop-" + claim;
      // a sweep over a settlement's traffic (about 5 KB both ways), jittered by the seed
      long bytes = i * 400L + random.nextInt(400);
      proxy.dropAfterBytes(bytes);
      Response first = settle(claim, key);
      proxy.heal();
      if (first.status() == 503 && settlementsOf(claim) == 1) {
        committedUnanswered++;
      }
      assertThat(first.status())
          .as("seed %d, drop after %d bytes: %s", seed, bytes, first.body())
          .isIn(201, 503);
      JsonNode settled = awaitSettled(claim, key, RECOVERY_MILLIS);
      if (first.status() == 201) {
        committedFirst++;
        assertThat(settled.get("settlementId").asText())
            .isEqualTo(ClaimJson.parse(first.body()).get("settlementId").asText());
      } else {
        failedFirst++;
      }
      assertThat(settlementsOf(claim)).as("seed %d, claim %s", seed, claim).isEqualTo(1);
    }
    System.out.printf(
        "[db-faults] drop mid-transaction (seed %d): %d drops fired, %d first answers 503 (%d of"
            + " them committed all the same, replayed by the retry), %d answered 201;"
            + " every claim settled exactly once%n",
        seed, proxy.drops() - dropsBefore, failedFirst, committedUnanswered, committedFirst);
    assertThat(proxy.drops() - dropsBefore).isPositive();
    assertThat(failedFirst).isPositive();
  }

  @Test
  void answerToCommitLost_clientGets503_retryReplaysTheCommittedSettlement()
      throws InterruptedException {
    String claim = newClaim();
    String key = "commit-" + claim;
    proxy.loseTheAnswerToTheNextCommit();
    Response first = settle(claim, key);
    proxy.heal();

    // PostgreSQL committed; the gateway could not know, so it must not claim success
    assertUnavailable(first);
    assertThat(settlementsOf(claim)).isEqualTo(1);
    String committed =
        gw.value("SELECT id::text FROM settlement WHERE claim_no = ?", claim).toString();
    JsonNode retried = awaitSettled(claim, key, RECOVERY_MILLIS);
    assertThat(retried.get("settlementId").asText()).isEqualTo(committed);
    assertThat(settlementsOf(claim)).isEqualTo(1);
    System.out.printf(
        "[db-faults] answer to COMMIT lost: 503 to the client, committed once, replayed by the"
            + " retry%n");
  }

  // ---- helpers

  static long timeoutMillis() {
    return TIMEOUT_SECONDS * 1000L + SLACK_MILLIS;
  }

  static String newClaim() {
    return "DBX-" + (++claims);
  }

  static Response settle(String claim, String key) {
    String body = ClaimJson.workedExample1(claim).person(PERSON).json();
    return gw.post("/api/v1/settlements", H1_KEY, body, Map.of("Idempotency-Key", key));
  }

  static void assertUnavailable(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isNotBlank();
    assertThat(ClaimJson.parse(r.body()).path("code").asText()).isNotBlank();
  }

  /** Retries the settle with its key until it is settled (201 or a 200 replay); its body. */
  static JsonNode awaitSettled(String claim, String key, long withinMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + withinMillis * 1_000_000L;
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = settle(claim, key);
      if (last.status() == 200 || last.status() == 201) {
        return ClaimJson.parse(last.body());
      }
      assertThat(last.status()).as(last.body()).isEqualTo(503);
      Thread.sleep(200);
    }
    throw new AssertionError("not settled within " + withinMillis + " ms; last: " + last);
  }

  static long settlementsOf(String claim) {
    return (Long) gw.value("SELECT count(*) FROM settlement WHERE claim_no = ?", claim);
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000L;
  }
}
