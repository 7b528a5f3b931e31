package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.FaultProxy;
import org.yizhan.gateway.support.TestDatabase;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Fairness between hospitals (issue 13, item 12): hospital A floods the gateway with settlements,
 * within its own limits, while hospital B makes one request at a time; B's requests must not queue
 * behind all of A's. The database is made slow (a {@link FaultProxy} delaying every chunk), so that
 * it is the bottleneck whatever the machine's load; loopback only, about 10 seconds.
 *
 * <p>Measured on the shared 2-core machine, 128 of A's settlements in flight, 10 ms per chunk, B
 * alone 60–90 ms: B's median was 2,078 ms with no fair share ({@code -Dfair.slots=100000}: every
 * request in one FIFO queue for the pool), 416 ms with the default 16 slots (twice the pool) and
 * 226 ms with 8 ({@code -Dfair.slots=8}); A's settlements a second were the same in all three.
 */
class FairnessTest {
  static final int FLOODERS = 128;

  /** A bound on B's median latency under the flood, milliseconds (see the class comment). */
  static final long B_MEDIAN_MAX_MILLIS = 1000;

  static FaultProxy proxy;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    int pgPort = TestDatabase.server().embeddedPort();
    proxy = FaultProxy.start(pgPort);
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_HTTP_REQUEST_TIMEOUT_SECONDS",
                "30",
                "YIZHAN_SECURITY_LIMITS_FAIR_CONCURRENT_REQUESTS",
                System.getProperty("fair.slots", "0")),
            url -> url.replace(":" + pgPort + "/", ":" + proxy.port() + "/"));
  }

  @AfterAll
  static void stop() {
    gw.close();
    proxy.close();
  }

  /** An 18-digit ID number of region 445202 with its check digit (GB 11643). */
  static String idNumber(int n) {
    String body = String.format("44520219800101%03d", n % 1000);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body.charAt(i) - '0') * weights[i];
    }
    return body + "10X98765432".charAt(sum % 11);
  }

  @Test
  void oneHospitalsFlood_doesNotStarveAnother() throws Exception {
    // warm: keys cached, statements prepared
    assertThat(gw.get("/api/v1/settlements?claimNo=warm", TestGateway.H2_KEY).status())
        .isEqualTo(200);
    proxy.latencyMillis(10);
    List<Long> alone = timeB(5);
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger settledByA = new AtomicInteger();
    AtomicInteger seq = new AtomicInteger();
    ExecutorService a = Executors.newFixedThreadPool(FLOODERS);
    List<Long> underFlood;
    try {
      for (int i = 0; i < FLOODERS; i++) {
        a.submit(
            () -> {
              while (flooding.get()) {
                int n = seq.incrementAndGet();
                String claim = ClaimJson.workedExample1("FAIR-" + n).person(idNumber(n)).json();
                Response r = gw.post("/api/v1/settlements", TestGateway.H1_KEY, claim);
                if (r.status() == 201) {
                  settledByA.incrementAndGet();
                }
              }
              return null;
            });
      }
      Thread.sleep(2000); // A's queue fills
      underFlood = timeB(10);
    } finally {
      flooding.set(false);
      a.shutdown();
      assertThat(a.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      proxy.heal();
    }
    long median = median(underFlood);
    System.out.printf(
        "[fairness] B alone %s ms; under A's flood (%d in flight, %d settled) %s ms, median %d ms%n",
        alone, FLOODERS, settledByA.get(), underFlood, median);
    assertThat(settledByA.get()).isPositive();
    assertThat(median).isLessThan(B_MEDIAN_MAX_MILLIS);
  }

  /** B's latencies of {@code n} requests one after another, milliseconds. */
  static List<Long> timeB(int n) {
    List<Long> took = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Response r = gw.get("/api/v1/settlements?claimNo=B" + i, TestGateway.H2_KEY);
      took.add((System.nanoTime() - t0) / 1_000_000);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    return took;
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
