package org.yizhan.gateway.support;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.yizhan.gateway.Gateway;
import org.yizhan.gateway.LibraryLogging;
import org.yizhan.gateway.Main;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.metrics.Metrics;
import org.yizhan.gateway.security.NationalSignature;
import org.yizhan.gateway.security.RequestSignature;

/**
 * A gateway running in this JVM on a free port, against a fresh database of the shared embedded
 * PostgreSQL, configured from the repository's {@code config/} (plus a small test catalogue of
 * items with round figures, {@code src/test/resources/test-catalogue.csv}). Requests go over real
 * HTTP; assertions on the store go over JDBC.
 */
public final class TestGateway implements AutoCloseable {
  /** The demo keys of config/hospitals.yaml (see config/demo-keys.txt). */
  public static final String H1_KEY = "yz_demo_H44520200001_a970ed39f238cb020e5c8929e46cc710";

  public static final String H2_KEY = "yz_demo_H44520200002_2e446616b2b4487fcef683700785e6e4";
  public static final String H3_KEY = "yz_demo_H44528100003_6497eefed46722d87a12920a1ab49340";
  public static final String H1 = "H44520200001";

  private final Database db;
  private final Vertx vertx;
  private final Gateway gateway;
  private final HttpClient http;
  private final String base;
  private final List<Throwable> unhandled;

  /** Persons this gateway's test has named in a hospital request (and so enrolled by default). */
  private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile boolean enrolOnFirstSight = true;

  /** An ID number in a request body: 17 digits and a check character, not part of a longer run. */
  private static final java.util.regex.Pattern ID_SHAPED =
      java.util.regex.Pattern.compile("(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])");

  private TestGateway(Database db, Vertx vertx, Gateway gateway, List<Throwable> unhandled) {
    this.unhandled = unhandled;
    this.db = db;
    this.vertx = vertx;
    this.gateway = gateway;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.base = "http://127.0.0.1:" + gateway.port();
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  /** Starts a gateway with {@code env} overriding settings (YIZHAN_* variables). */
  public static TestGateway start(Map<String, String> env) {
    return start(env, UnaryOperator.identity());
  }

  /**
   * Starts a gateway whose database URL is {@code route} applied to its fresh database's URL (to
   * reach it through a {@link FaultProxy}), while {@link #sql} still goes to the database directly.
   */
  public static TestGateway start(Map<String, String> env, UnaryOperator<String> route) {
    return start(env, route, Clock.systemUTC());
  }

  /** Starts a gateway that reads the time from {@code clock} (e.g. a {@link SettableClock}). */
  public static TestGateway start(Map<String, String> env, Clock clock) {
    return start(env, UnaryOperator.identity(), clock);
  }

  /** Starts a gateway on {@code route} of its fresh database's URL, reading {@code clock}. */
  public static TestGateway start(
      Map<String, String> env, UnaryOperator<String> route, Clock clock) {
    LibraryLogging.install();
    Database db = TestDatabase.fresh();
    Database routed = Database.external(route.apply(db.jdbcUrl()), db.user(), db.password());
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("YIZHAN_CONFIG_DIR", testConfigDir().toString());
    all.putIfAbsent("YIZHAN_HTTP_PORT", "0");
    all.putIfAbsent("YIZHAN_HTTP_HOST", "127.0.0.1");
    all.putIfAbsent("YIZHAN_HTTP_INSTANCES", "2");
    all.putIfAbsent("YIZHAN_MANAGEMENT_PORT", "0");
    all.put("YIZHAN_DB_URL", routed.jdbcUrl());
    AppConfig config = AppConfig.load(all);
    Metrics metrics = new Metrics();
    Vertx vertx = Main.vertx(metrics);
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    try {
      Gateway g =
          Gateway.start(vertx, config, routed, metrics, clock)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      return new TestGateway(db, vertx, g, unhandled);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("gateway did not start", e);
    }
  }

  private static boolean copied;

  /**
   * The repository's config folder with the test catalogue added: a fresh copy under target/, made
   * once per test run.
   */
  public static synchronized Path testConfigDir() {
    Path dir = Path.of("target", "test-config");
    try {
      if (!copied) {
        copied = true;
        if (Files.exists(dir)) {
          TestDatabase.deleteTree(dir);
        }
        Path repo = Path.of("..", "config");
        try (Stream<Path> files = Files.walk(repo)) {
          for (Path f : files.toList()) {
            Path to = dir.resolve(repo.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(to);
            } else {
              Files.copy(f, to);
            }
          }
        }
        Files.createDirectories(dir.resolve("catalogue"));
        try (var in = TestGateway.class.getResourceAsStream("/test-catalogue.csv")) {
          Files.copy(in, dir.resolve("catalogue").resolve("zz-test-items.csv"));
        }
      }
      return dir.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Exceptions thrown on the gateway's event loops that no handler caught (e.g. a late outcome
   * writing to a response already answered): each is a bug, though no client sees it.
   */
  public List<Throwable> unhandledExceptions() {
    return List.copyOf(unhandled);
  }

  public Gateway gateway() {
    return gateway;
  }

  public Vertx vertx() {
    return vertx;
  }

  public String baseUrl() {
    return base;
  }

  public ZoneId zone() {
    return gateway.config().zone();
  }

  /** A response: status, headers and body as text. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** The Prometheus scrape, from the management port. */
  public String metrics() {
    return send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.managementPort() + "/metrics"))
                .GET(),
            null)
        .body();
  }

  public Response get(String path, String key) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), key);
  }

  public Response post(String path, String key, String json) {
    return post(path, key, json, Map.of());
  }

  public Response post(String path, String key, String json, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .header("Content-Type", "application/json");
    headers.forEach(b::header);
    return send(b, key);
  }

  /**
   * Whether a hospital request enrols (in the insured register, {@link TestData#ENROL_BY_DEFAULT})
   * every valid ID number its body names, before it is sent: on by default, so that a test settles
   * for anyone as before the register; a test of the register's own rules turns it off.
   */
  public void enrolOnFirstSight(boolean on) {
    this.enrolOnFirstSight = on;
  }

  /**
   * Enrols {@code idNos} by default ({@link TestData#ENROL_BY_DEFAULT}) now, for a test whose
   * requests carry their own signature headers (and so are not looked into).
   */
  public void enrol(String... idNos) {
    synchronized (seen) {
      List<String> fresh = new ArrayList<>(List.of(idNos));
      fresh.removeIf(seen::contains);
      if (!fresh.isEmpty()) {
        TestData.enrolByDefault(db.jdbcUrl(), fresh);
        fresh.forEach(gateway.enrolments()::invalidate);
        seen.addAll(fresh);
      }
    }
  }

  /**
   * Enrols the valid ID numbers in {@code body} not seen before (see {@link #enrolOnFirstSight}).
   */
  private void enrolNamedIn(byte[] body) {
    if (!enrolOnFirstSight || body.length == 0) {
      return;
    }
    java.util.regex.Matcher m =
        ID_SHAPED.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    List<String> fresh = new ArrayList<>();
    while (m.find()) {
      String id = m.group();
      try {
        org.yizhan.core.model.IdNumber.parse(id, java.time.LocalDate.of(2100, 1, 1));
      } catch (IllegalArgumentException notAnIdNumber) {
        continue;
      }
      if (!seen.contains(id)) {
        fresh.add(id);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    // one writer at a time: a concurrent request for the same person waits for the enrolment
    synchronized (seen) {
      fresh.removeIf(seen::contains); // enrolled by a concurrent request meanwhile
      if (!fresh.isEmpty()) {
        TestData.enrolByDefault(db.jdbcUrl(), fresh);
        fresh.forEach(gateway.enrolments()::invalidate);
        seen.addAll(fresh);
      }
    }
  }

  /**
   * Sends a request with {@code key} (when not null) as its Bearer key. A hospital request (to the
   * JSON API or the national interface) is signed the way a hospital signs it ({@link Signer}),
   * unless the test set its own signature headers; the persons it names are enrolled first ({@link
   * #enrolOnFirstSight}).
   */
  public Response send(HttpRequest.Builder b, String key) {
    return send(b, key, true);
  }

  /** Sends a request with {@code key} as its Bearer key, unsigned. */
  public Response sendUnsigned(HttpRequest.Builder b, String key) {
    return send(b, key, false);
  }

  private Response send(HttpRequest.Builder b, String key, boolean sign) {
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
      HttpRequest unsigned = b.build();
      String path = unsigned.uri().getRawPath();
      boolean hospital =
          path.startsWith("/api/") || path.startsWith("/fsi/") || path.startsWith("/nhsa/");
      if (hospital) {
        enrolNamedIn(bodyOf(unsigned));
      }
      if (sign
          && Signer.isNational(path)
          && unsigned.headers().firstValue(NationalSignature.SIGNATURE).isEmpty()
          && unsigned.headers().firstValue(RequestSignature.SIGNATURE).isEmpty()) {
        Signer.national(key).forEach(b::header);
      } else if (sign
          && hospital
          && unsigned.headers().firstValue(RequestSignature.SIGNATURE).isEmpty()) {
        String query = unsigned.uri().getRawQuery();
        Signer.headers(
                key, unsigned.method(), query == null ? path : path + "?" + query, bodyOf(unsigned))
            .forEach(b::header);
      }
    }
    try {
      HttpResponse<String> r =
          http.send(
              b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The bytes a request's body publisher sends (none for GET). */
  static byte[] bodyOf(HttpRequest request) {
    if (request.bodyPublisher().isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    request
        .bodyPublisher()
        .get()
        .subscribe(
            new Flow.Subscriber<ByteBuffer>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onComplete() {
                done.complete(out.toByteArray());
              }
            });
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the request body to sign it", e);
    }
  }

  /** Runs SQL against this gateway's database (setup or checks); returns rows for a query. */
  public List<Map<String, Object>> sql(String sql, Object... args) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      if (s.execute()) {
        try (ResultSet r = s.getResultSet()) {
          int n = r.getMetaData().getColumnCount();
          while (r.next()) {
            Map<String, Object> row = new HashMap<>();
            for (int i = 1; i <= n; i++) {
              row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
            }
            rows.add(row);
          }
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object value(String sql, Object... args) {
    List<Map<String, Object>> rows = sql(sql, args);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException(sql + " gave " + rows);
    }
    return rows.get(0).values().iterator().next();
  }

  public long count(String table) {
    return ((Number) value("SELECT count(*) FROM " + table)).longValue();
  }

  public Database database() {
    return db;
  }

  @Override
  public void close() {
    try {
      gateway
          .stop()
          .eventually(vertx::close)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
