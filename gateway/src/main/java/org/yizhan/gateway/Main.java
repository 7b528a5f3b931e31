package org.yizhan.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.config.ConfigException;
import org.yizhan.gateway.metrics.Metrics;
import org.yizhan.gateway.store.Database;

/**
 * Starts the gateway: settings from {@code config/} and the environment, the database (embedded
 * PostgreSQL unless {@code YIZHAN_DB_URL} names one), the schema migrated, then the HTTP servers.
 * SIGTERM stops accepting, drains the requests in flight and stops the embedded database.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    AppConfig config;
    try {
      config = AppConfig.load(System.getenv());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Database db = Database.start(config.db());
    db.migrate();
    Metrics metrics = new Metrics();
    Vertx vertx = vertx(metrics);
    Gateway gateway;
    try {
      gateway =
          Gateway.start(vertx, config, db, metrics, Clock.systemUTC())
              .toCompletionStage()
              .toCompletableFuture()
              .get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      LOG.error("cannot start: {}", cause.getMessage(), cause);
      vertx.close();
      db.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Gateway running = gateway;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: draining requests in flight");
                  try {
                    running
                        .stop()
                        .eventually(vertx::close)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(config.http().shutdownGraceSeconds() + 10L, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("stopped with an error: {}", e.toString());
                  }
                  db.close();
                  LOG.info("stopped");
                  stopped.countDown();
                },
                "yizhan-shutdown"));
    LOG.info("Yizhan gateway ready on port {}", gateway.port());
    stopped.await();
  }

  /** A Vert.x whose pools, event loops and JVM publish into the gateway's registry. */
  public static Vertx vertx(Metrics metrics) {
    return Vertx.builder()
        .with(
            new VertxOptions()
                .setMetricsOptions(
                    new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(metrics.meterRegistry()))
        .build();
  }
}
