package org.yizhan.gateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yizhan.gateway.Main;

/**
 * The gateway as a separate JVM ({@link Main}, started from this test run's own class path, so it
 * needs no packaged jar), on a fixed port that survives restarts, so clients keep one address. It
 * can be killed with SIGKILL ({@link #kill()}): no shutdown hook, no draining, no goodbye to the
 * database, exactly as a power cut or the OOM killer would end it. Its output is appended to a log
 * file under target/.
 */
public final class GatewayProcess implements AutoCloseable {
  /** How long a start may take before the test gives up, seconds (JVM, migration, listen). */
  static final int START_SECONDS = 90;

  private final Map<String, String> env;
  private final int port;
  private final Path log;
  private final List<String> jvmArgs;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Process process;
  private int starts;
  private final List<Long> startMillis = new ArrayList<>();

  private GatewayProcess(Map<String, String> env, int port, Path log, List<String> jvmArgs) {
    this.env = env;
    this.port = port;
    this.log = log;
    this.jvmArgs = jvmArgs;
  }

  /** A gateway against {@code jdbcUrl} (not started yet), logging to {@code log}. */
  public static GatewayProcess of(String jdbcUrl, Path log) {
    int port = freePort();
    Map<String, String> env =
        Map.of(
            "YIZHAN_DB_URL", jdbcUrl,
            "YIZHAN_DB_USER", "postgres",
            "YIZHAN_DB_PASSWORD", "",
            "YIZHAN_CONFIG_DIR", TestGateway.testConfigDir().toString(),
            "YIZHAN_HTTP_HOST", "127.0.0.1",
            "YIZHAN_HTTP_PORT", Integer.toString(port),
            "YIZHAN_HTTP_INSTANCES", "2",
            "YIZHAN_MANAGEMENT_PORT", "0",
            "YIZHAN_DB_POOL_SIZE", "8");
    return new GatewayProcess(env, port, log, List.of());
  }

  /**
   * A gateway with its own embedded PostgreSQL under {@code dataDir}, as the README starts it (no
   * {@code YIZHAN_DB_URL}), logging to {@code log}.
   */
  public static GatewayProcess embedded(Path dataDir, Path log, Map<String, String> extraEnv) {
    int port = freePort();
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("YIZHAN_DB_EMBEDDED_DATA_DIR", dataDir.toAbsolutePath().toString());
    env.put("YIZHAN_CONFIG_DIR", TestGateway.testConfigDir().toString());
    env.put("YIZHAN_HTTP_HOST", "127.0.0.1");
    env.put("YIZHAN_HTTP_PORT", Integer.toString(port));
    env.put("YIZHAN_HTTP_INSTANCES", "2");
    env.put("YIZHAN_MANAGEMENT_PORT", "0");
    env.put("YIZHAN_DB_POOL_SIZE", "8");
    // the production logging (INFO, masked, asynchronous), not the quiet logback-test.xml
    Path logback = Path.of("target", "classes", "logback.xml").toAbsolutePath();
    return new GatewayProcess(
        Map.copyOf(env), port, log, List.of("-Dlogback.configurationFile=" + logback));
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the process and waits until it answers /health/live. */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running, pid " + process.pid());
    }
    long t0 = System.nanoTime();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().putAll(env);
    b.redirectErrorStream(true);
    b.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.directory(new File(System.getProperty("user.dir")));
    try {
      process = b.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    starts++;
    awaitLive();
    startMillis.add((System.nanoTime() - t0) / 1_000_000);
  }

  /** How long each start took until the gateway answered, milliseconds. */
  public List<Long> startMillis() {
    return List.copyOf(startMillis);
  }

  private void awaitLive() {
    long deadline = System.nanoTime() + Duration.ofSeconds(START_SECONDS).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the gateway exited with " + process.exitValue() + " while starting; see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/health/live"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(100);
    }
    throw new IllegalStateException("the gateway did not start in " + START_SECONDS + " s");
  }

  /** SIGKILL: the process ends at once, whatever it was doing. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * SIGTERM, as an orchestrator or {@code kill} stops it; returns at once. {@link #awaitExit} waits
   * for the shutdown hook to finish.
   */
  public void terminate() {
    process.destroy();
  }

  /** Waits up to {@code seconds} for the process to end; its exit status, or -1 if still alive. */
  public int awaitExit(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many times the process was started. */
  public int starts() {
    return starts;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops it for good, politely (SIGTERM, its shutdown hook drains). */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
