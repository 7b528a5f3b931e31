package org.yizhan.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.GatewayProcess;
import org.yizhan.gateway.support.Invariants;
import org.yizhan.gateway.support.TestDatabase;
import org.yizhan.gateway.support.TestGateway;

/**
 * Crash safety: the gateway is killed with SIGKILL at random moments under a settle, reverse and
 * top-up load, and restarted; then PostgreSQL itself is stopped and started again under load.
 * Clients retry with their Idempotency-Keys and references until they get a definitive answer.
 * Afterwards every acknowledged operation must be in the store exactly once, nothing that was not
 * acknowledged may be there, and every invariant of {@link Invariants} must hold.
 *
 * <p>The gateway runs as a separate JVM (its {@code Main} from this run's class path), since a
 * SIGKILL must take the whole process, its event loops and its pool, down at once. CI runs {@value
 * #CI_KILLS} kills and one database restart; the long run is {@code -Dcrash.kills=50
 * -Dcrash.pgRestarts=5} (see docs/robustness.md). {@code -Dcrash.seed} replays a run's timings.
 */
class CrashSafetyTest {
  static final int CI_KILLS = 5;
  static final int KILLS = Integer.getInteger("crash.kills", CI_KILLS);
  static final int PG_RESTARTS = Integer.getInteger("crash.pgRestarts", 1);
  static final int CLIENTS = Integer.getInteger("crash.clients", 6);
  static final long SEED = Long.getLong("crash.seed", System.nanoTime());

  /** The longest stretch of load between two kills, milliseconds. */
  static final int MAX_RUN_MILLIS = 2000;

  /** How long the gateway may take to serve again once PostgreSQL is back, nanoseconds. */
  static final long RECOVERY_NANOS = Duration.ofSeconds(30).toNanos();

  @Test
  void gatewayKilledAtRandomMoments_losesNothingAndAppliesNothingTwice() throws Exception {
    Random random = new Random(SEED);
    Database db = TestDatabase.fresh();
    try (GatewayProcess gw = GatewayProcess.of(db.jdbcUrl(), log("crash-gateway.log"))) {
      gw.start();
      CrashLoad load = new CrashLoad(gw.baseUrl(), SEED);
      load.setUp();
      load.start(CLIENTS);
      for (int k = 0; k < KILLS; k++) {
        Thread.sleep(300 + random.nextInt(MAX_RUN_MILLIS));
        gw.kill();
        Thread.sleep(random.nextInt(300));
        gw.start();
      }
      Thread.sleep(1000);
      load.stop();
      report(
          "gateway SIGKILLs survived: " + KILLS + " (starts took " + gw.startMillis() + " ms)",
          load,
          db.jdbcUrl());
      checkEverything(load, db.jdbcUrl(), gw);
    }
  }

  @Test
  void postgresRestartedMidLoad_gatewayRecoversAloneAndLosesNothing() throws Exception {
    Random random = new Random(SEED + 1);
    Path dir = Files.createTempDirectory("yizhan-crash-pg");
    int port = GatewayProcess.freePort();
    Database pg = Database.startEmbedded(dir, port);
    try (GatewayProcess gw = GatewayProcess.of(pg.jdbcUrl(), log("crash-gateway-pg.log"))) {
      gw.start();
      CrashLoad load = new CrashLoad(gw.baseUrl(), SEED + 1);
      load.setUp();
      load.start(CLIENTS);
      for (int k = 0; k < PG_RESTARTS; k++) {
        Thread.sleep(500 + random.nextInt(2000));
        pg.close();
        Thread.sleep(500 + random.nextInt(1500));
        pg = Database.startEmbedded(dir, port);
      }
      long restarted = System.nanoTime();
      // the breaker may have opened: recovery can take its open time, then probes must succeed
      long deadline = restarted + RECOVERY_NANOS;
      while (load.lastAckNanos.get() <= restarted && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(load.lastAckNanos.get())
          .as("operations were acknowledged after the database came back, with no restart")
          .isGreaterThan(restarted);
      Thread.sleep(1000);
      load.stop();
      report("PostgreSQL restarts survived: " + PG_RESTARTS, load, pg.jdbcUrl());
      checkEverything(load, pg.jdbcUrl(), gw);
    } finally {
      pg.close();
      deleteTree(dir);
    }
  }

  /** Everything acknowledged is there once; nothing else is; every invariant holds. */
  static void checkEverything(CrashLoad load, String url, GatewayProcess gw) throws Exception {
    assertThat(load.unexpected).as("answers no valid request should get").isEmpty();
    assertThat(Invariants.violations(url)).isEmpty();

    Map<String, String> stored = new HashMap<>();
    for (List<Object> row : rows(url, "SELECT claim_no, id::text, status FROM settlement")) {
      stored.put((String) row.get(0), (String) row.get(1));
    }
    assertThat(stored.keySet())
        .as("settled claims are exactly the acknowledged ones: none lost, none extra")
        .containsExactlyInAnyOrderElementsOf(load.settled.keySet());
    for (CrashLoad.Settled s : load.settled.values()) {
      assertThat(stored.get(s.claimNo())).isEqualTo(s.settlementId());
    }
    List<String> reversedIds = new ArrayList<>();
    for (List<Object> row :
        rows(url, "SELECT id::text FROM settlement WHERE status = 'REVERSED'")) {
      reversedIds.add((String) row.get(0));
    }
    assertThat(reversedIds).containsExactlyInAnyOrderElementsOf(load.reversed.keySet());
    List<String> refs = new ArrayList<>();
    for (List<Object> row :
        rows(url, "SELECT top_up_ref FROM ledger_transfer WHERE kind = 'TOP_UP'")) {
      refs.add((String) row.get(0));
    }
    assertThat(refs).containsExactlyInAnyOrderElementsOf(load.topUps.keySet());

    // a late retry of an acknowledged settle replays it: the same settlement, nothing new
    int replays = 0;
    CrashLoad probe = new CrashLoad(gw.baseUrl(), 0);
    for (CrashLoad.Settled s : load.settled.values()) {
      if (replays++ == 20) {
        break;
      }
      HttpResponse<String> r =
          probe.send(
              "POST",
              "/api/v1/settlements",
              s.body(),
              TestGateway.H1_KEY,
              Map.of("Idempotency-Key", s.key()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(ClaimJson.parse(r.body()).get("settlementId").asText())
          .isEqualTo(s.settlementId());
    }
    // the same for reversals and top-ups
    for (String id : load.reversed.keySet().stream().limit(10).toList()) {
      HttpResponse<String> r = load.reverseAgain(id);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(ClaimJson.parse(r.body()).get("status").asText()).isEqualTo("REVERSED");
    }
    for (String ref : load.topUps.keySet().stream().limit(10).toList()) {
      HttpResponse<String> r = load.topUpAgain(ref);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(rows(url, "SELECT 1 FROM settlement")).hasSize(load.settled.size());
    assertThat(rows(url, "SELECT 1 FROM ledger_transfer WHERE kind = 'TOP_UP'"))
        .hasSize(load.topUps.size());
    assertThat(Invariants.violations(url)).isEmpty();
  }

  static void report(String what, CrashLoad load, String url) {
    System.out.printf(
        "[crash] %s (seed %d, %d clients): acknowledged %d settles, %d reversals, %d top-ups;"
            + " %d requests, %d retried after no answer or 5xx; store: %s%n",
        what,
        SEED,
        CLIENTS,
        load.settled.size(),
        load.reversed.size(),
        load.topUps.size(),
        load.requests.get(),
        load.retries.get(),
        Invariants.summary(url));
  }

  static List<List<Object>> rows(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      List<List<Object>> rows = new ArrayList<>();
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(r.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  static Path log(String name) throws IOException {
    Path dir = Path.of("target", "crash-logs");
    Files.createDirectories(dir);
    Path log = dir.resolve(name);
    Files.writeString(log, "", StandardCharsets.UTF_8);
    return log;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }
}
