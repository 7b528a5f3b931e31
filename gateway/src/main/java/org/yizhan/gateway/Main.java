package org.yizhan.gateway;

import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.audit.AuditVerifier;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.config.ConfigException;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.metrics.Metrics;

/**
 * Starts the gateway: settings from {@code config/} and the environment, the database (embedded
 * PostgreSQL unless {@code YIZHAN_DB_URL} names one), the schema migrated, then the HTTP servers.
 * SIGTERM (or Ctrl-C) stops accepting, lets the requests in flight finish (up to {@code
 * http.shutdownGraceSeconds}), closes the pool, then stops the embedded database, in that order,
 * and logs "stopped" last.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * Runs a maintenance command instead of the gateway; answers the process's exit status.
   *
   * <p>{@code verify-audit}: walks the audit log's hash chain in the configured database (the
   * embedded one of a running gateway unless {@code YIZHAN_DB_URL} names another) and prints
   * whether it is intact or where it breaks: 0 intact, 1 broken, 2 not checked.
   */
  static int command(String[] args, AppConfig config) {
    if (args.length != 1 || !args[0].equals("verify-audit")) {
      System.err.println("usage: java -jar yizhan-gateway.jar [verify-audit]");
      return 2;
    }
    AppConfig.Db db = config.db();
    String url = db.url();
    if (db.embedded()) {
      Database.RunningServer running =
          Database.runningServer(db.embeddedDataDir().toAbsolutePath().normalize());
      if (running == null) {
        System.err.println(
            "no embedded PostgreSQL is running on "
                + db.embeddedDataDir().toAbsolutePath()
                + " (is the gateway with its embedded database running?)");
        return 2;
      }
      url = "jdbc:postgresql://127.0.0.1:" + running.port() + "/" + Database.EMBEDDED_DATABASE;
    }
    try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
      AuditVerifier.Result r = AuditVerifier.verify(c);
      System.out.println(r);
      return r.intact() ? 0 : 1;
    } catch (SQLException e) {
      System.err.println(
          "cannot read the audit log at "
              + url
              + ": "
              + e.getMessage()
              + (db.embedded() ? " (is the gateway with its embedded database running?)" : ""));
      return 2;
    }
  }

  public static void main(String[] args) throws Exception {
    LibraryLogging.install();
    AppConfig config;
    try {
      config = AppConfig.load(System.getenv());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    if (args.length > 0) {
      System.exit(command(args, config));
      return;
    }
    Database db;
    try {
      db = Database.start(config.db());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      stopLogging();
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics();
    Vertx vertx = vertx(metrics);
    AtomicReference<Gateway> started = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    // Registered before anything serves, so that a SIGTERM during start-up still stops the
    // embedded database (it is a process of its own and would outlive us).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> stop(started.get(), vertx, db, config.http().shutdownGraceSeconds(), stopped),
                "yizhan-shutdown"));
    Gateway gateway;
    try {
      db.migrate();
      gateway =
          Gateway.start(vertx, config, db, metrics, Clock.systemUTC())
              .toCompletionStage()
              .toCompletableFuture()
              .get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      LOG.error("cannot start: {}", cause.getMessage(), cause);
      System.exit(1);
      return;
    }
    started.set(gateway);
    LOG.info("Yizhan gateway ready on port {}", gateway.port());
    stopped.await();
  }

  /**
   * The shutdown hook: the HTTP servers stop accepting and the requests in flight finish (up to
   * {@code graceSeconds}), the pool closes, Vert.x closes, then the embedded database stops, and
   * "stopped" is the last line logged. {@code gateway} is null when the signal came during start.
   */
  private static void stop(
      Gateway gateway, Vertx vertx, Database db, int graceSeconds, CountDownLatch stopped) {
    LOG.info("stopping: draining requests in flight");
    try {
      (gateway == null ? Future.<Void>succeededFuture() : gateway.stop())
          .eventually(vertx::close)
          .toCompletionStage()
          .toCompletableFuture()
          .get(graceSeconds + 10L, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("stopped with an error: {}", e.toString());
    }
    db.close();
    LOG.info("stopped");
    stopLogging();
    stopped.countDown();
  }

  /**
   * Flushes the asynchronous log queue and closes the appenders: the last thing the shutdown hook
   * does, so that the final "stopped" line is written (logback's own shutdown hook would run
   * concurrently with ours and could close the appenders before it).
   */
  static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }

  /** A Vert.x whose pools, event loops and JVM publish into the gateway's registry. */
  public static Vertx vertx(Metrics metrics) {
    return Vertx.builder()
        .with(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setMetricsOptions(
                    new MicrometerMetricsOptions()
                        .setEnabled(true)
                        .setJvmMetricsEnabled(true)
                        // The gateway's database clients are two: the pool and the connection
                        // that LISTENs for changes. Vert.x gave both the same SQL gauges and the
                        // same unnamed net-client gauge, so the second registration was refused
                        // with a warning at every start and its work went uncounted. The SQL
                        // meters carry the client's name (namespace: "" for the pool, "listen");
                        // the net-client category is off, its figures are the pool's
                        // (vertx.pool.*, vertx.sql.*).
                        // The HTTP server category is off too: per request it built tag lists and
                        // looked up four meters (3-4% of the gateway's sampled CPU per
                        // settlement, docs/performance.md), all of it counted already by the
                        // gateway's own timer per route, method and status (yizhan.http.requests).
                        .addLabels(Label.NAMESPACE)
                        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(metrics.meterRegistry()))
        .build();
  }
}
