package org.yizhan.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.GatewayProcess;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * Stopping loses no request in flight (issue 12.7), in the mode the README starts: the gateway as
 * its own JVM with its own embedded PostgreSQL. Settlements are held in flight by a table lock the
 * test takes; SIGTERM arrives while they wait; the lock is released a second later. Every one of
 * them must be answered 201, and the log must end with the embedded server stopped and then
 * "stopped".
 */
class GracefulStopTest {
  static final int IN_FLIGHT = 24;

  @Test
  void sigterm_embeddedMode_answersEveryRequestInFlightThenStops() throws Exception {
    Path work = Files.createTempDirectory("yizhan-stop-test");
    Path dataDir = work.resolve("postgres");
    Path log = Path.of("target", "crash-logs", "graceful-stop.log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    GatewayProcess gw = GatewayProcess.embedded(dataDir, log, Map.of());
    try {
      gw.start();
      int pgPort = Database.runningServer(dataDir.toRealPath()).port();
      String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + Database.EMBEDDED_DATABASE;
      List<String> persons = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        persons.add(idNumber(i));
      }
      TestData.enrolByDefault(url, persons);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      try (Connection blocker = DriverManager.getConnection(url, "postgres", "")) {
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
          s.execute("LOCK TABLE settlement IN EXCLUSIVE MODE");
        }
        for (int i = 0; i < IN_FLIGHT; i++) {
          answers.add(settle(http, gw.baseUrl(), i));
        }
        // with group commit the 24 settlements are a few batch transactions (at most half the
        // pool at once) and the rest wait in the batcher: one session at the lock shows they are
        // in flight; a second lets the others arrive behind it
        awaitWaiting(url, 1, answers);
        Thread.sleep(1000);
        gw.terminate();
        Thread.sleep(1000);
        blocker.commit();
      } catch (SQLException e) {
        // the database went away under the lock: the requests in flight will show it
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        statuses.add(a.get(30, TimeUnit.SECONDS).statusCode());
      }
      assertThat(statuses).hasSize(IN_FLIGHT).containsOnly(201);
      assertThat(gw.awaitExit(40)).isNotEqualTo(-1);
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String last = lines.get(lines.size() - 1);
      assertThat(last).endsWith(" - stopped");
      assertThat(String.join("\n", lines)).contains("embedded PostgreSQL stopped");
    } finally {
      gw.close();
    }
  }

  private static CompletableFuture<HttpResponse<String>> settle(
      HttpClient http, String base, int i) {
    String claimNo = "STOP-" + i;
    byte[] body =
        ClaimJson.claim(claimNo)
            .person(GracefulStopTest.idNumber(i))
            .item("T-A", "1000.00")
            .json()
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/settlements"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "stop-" + i)
            .header("Authorization", "Bearer " + TestGateway.H1_KEY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    Signer.headers(TestGateway.H1_KEY, "POST", "/api/v1/settlements", body).forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Waits until at least {@code n} sessions wait for a lock (settlements are in flight). */
  private static void awaitWaiting(
      String url, int n, List<CompletableFuture<HttpResponse<String>>> answers) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
          r.next();
          if (r.getInt(1) >= n) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    List<String> early = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      if (a.isDone()) {
        early.add(a.get().statusCode() + " " + a.get().body());
      }
    }
    throw new AssertionError("the settlements never reached the lock; answered early: " + early);
  }

  /** A valid GB 11643 number of office 445202, born 1985-03-15, sequence {@code 100 + i}. */
  static String idNumber(int i) {
    String body = "44520219850315" + (100 + i);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 17; k++) {
      sum += (body.charAt(k) - '0') * weights[k];
    }
    return body + "10X98765432".charAt(sum % 11);
  }
}
