package org.yizhan.gateway.infra.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.config.ConfigException;

/**
 * Where the store of record lives: an external PostgreSQL named by a JDBC URL, or, when none is
 * configured, an embedded PostgreSQL (real binaries from Maven, data kept on disk) so that a first
 * run needs nothing installed. Start-up, migration and shutdown are blocking and happen before the
 * event loops serve anything; requests then reach the database only through the reactive client
 * built from {@link #connectOptions()}.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** The database the gateway creates and uses inside an embedded server. */
  public static final String EMBEDDED_DATABASE = "yizhan";

  /**
   * The longest statement text, in characters, that the reactive client keeps prepared per
   * connection; every statement the gateway renders is shorter.
   */
  public static final int PREPARED_SQL_CHARS_MAX = 16_384;

  private final EmbeddedPostgres embedded;
  private final String jdbcUrl;
  private final String user;
  private final String password;

  private Database(EmbeddedPostgres embedded, String jdbcUrl, String user, String password) {
    this.embedded = embedded;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** Whether the database answers: one round trip of {@code SELECT 1} (the readiness check). */
  public static Future<?> ping(SqlClient client) {
    return client.query("SELECT 1").execute();
  }

  /** Connects to the configured server, or starts the embedded one. Blocking. */
  public static Database start(AppConfig.Db db) {
    if (!db.embedded()) {
      if (!db.url().startsWith("jdbc:postgresql://")) {
        throw new ConfigException(
            "db.url / YIZHAN_DB_URL: must be jdbc:postgresql://host:port/database, got "
                + db.url());
      }
      LOG.info("using the external PostgreSQL at {}", withoutCredentials(db.url()));
      return external(db.url(), db.user(), db.password());
    }
    return startEmbedded(db.embeddedDataDir(), db.embeddedPort());
  }

  /** An external PostgreSQL at a JDBC URL; nothing is started. */
  public static Database external(String jdbcUrl, String user, String password) {
    return new Database(null, jdbcUrl, user, password);
  }

  /**
   * Starts (or restarts, keeping its data) an embedded PostgreSQL under {@code dataDir}, on {@code
   * port}, or on {@link #portFor the port derived from the data directory} (the next free one if
   * that is taken) when {@code port} is 0. The server must be this data directory's own: a port
   * already held by anything is refused before starting, and after connecting the server's {@code
   * data_directory} is compared with {@code dataDir}, so that no gateway ever settles into another
   * checkout's database. Its JVM shutdown hook is not registered: the caller stops it with {@link
   * #close()} after the requests in flight are answered.
   */
  public static Database startEmbedded(Path dataDir, int port) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      dir = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
    refuseIfAlreadyRunning(dir);
    int chosen = port > 0 ? claimedPort(port, dir) : freePortFor(dir);
    LOG.info("starting the embedded PostgreSQL on port {}; its data is kept under {}", chosen, dir);
    EmbeddedPostgres pg;
    try {
      pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(chosen)
              // the gateway stops it itself, after the requests in flight (Main's shutdown hook)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              // durability: zonky's default starts PostgreSQL with fsync off
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL under " + dir, e);
    }
    Database db =
        new Database(
            pg,
            pg.getJdbcUrl("postgres", EMBEDDED_DATABASE).replaceFirst("\\?user=postgres$", ""),
            "postgres",
            "");
    try {
      requireOwnDataDirectory(pg.getJdbcUrl("postgres", "postgres"), dir, chosen);
      createDatabaseIfMissing(pg.getJdbcUrl("postgres", "postgres"), EMBEDDED_DATABASE);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    LOG.info("embedded PostgreSQL ready on port {}", pg.getPort());
    return db;
  }

  /** The first port tried for a data directory: stable for a folder, different between folders. */
  static int portFor(Path dir) {
    return DERIVED_PORT_MIN + Math.floorMod(dir.toString().hashCode(), DERIVED_PORTS);
  }

  /** Derived ports lie in [20000, 30000): below Linux's ephemeral range (32768 and up). */
  static final int DERIVED_PORT_MIN = 20_000;

  static final int DERIVED_PORTS = 10_000;

  /** How many ports after the derived one are tried before asking the system for any free one. */
  static final int DERIVED_PORT_TRIES = 8;

  private static int freePortFor(Path dir) {
    int first = portFor(dir);
    for (int i = 0; i < DERIVED_PORT_TRIES; i++) {
      int p = DERIVED_PORT_MIN + (first - DERIVED_PORT_MIN + i) % DERIVED_PORTS;
      if (isFree(p)) {
        return p;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the embedded PostgreSQL", e);
    }
  }

  private static int claimedPort(int port, Path dir) {
    if (!isFree(port)) {
      throw new ConfigException(
          "db.embedded.port / YIZHAN_DB_EMBEDDED_PORT: port "
              + port
              + " is already in use (another gateway's embedded PostgreSQL?), so the embedded"
              + " PostgreSQL of "
              + dir
              + " cannot have it; set YIZHAN_DB_EMBEDDED_PORT=0 to take a free port derived from"
              + " the data directory, or stop whatever holds port "
              + port);
    }
    return port;
  }

  /** Whether nothing listens on {@code port} on the loopback address (PostgreSQL's localhost). */
  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A PostgreSQL left running on this data directory (its postmaster.pid names a live process, e.g.
   * after the gateway was killed with SIGKILL) would make the new one fail to start, or make the
   * start wait for the wrong server: say what to do instead.
   */
  private static void refuseIfAlreadyRunning(Path dir) {
    RunningServer running = runningServer(dir);
    if (running != null
        && ProcessHandle.of(running.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      throw new ConfigException(
          "a PostgreSQL (pid "
              + running.pid()
              + ", port "
              + running.port()
              + ") is still running on the data directory "
              + dir
              + ", left by a gateway that did not stop cleanly or used by another one; stop that"
              + " gateway, or stop the server with: kill "
              + running.pid());
    }
  }

  /** The PostgreSQL process and port recorded in {@code dir/postmaster.pid}, or null. */
  public static RunningServer runningServer(Path dir) {
    Path pidFile = dir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return null;
      }
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.size() < 4) {
        return null;
      }
      return new RunningServer(
          Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim()));
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * @param pid the postmaster's process id
   * @param port the port it listens on
   */
  public record RunningServer(long pid, int port) {}

  /**
   * Refuses a server that is not the one just started on {@code dir}: when the port was taken
   * between the check and the start, the connection reaches the other server.
   */
  private static void requireOwnDataDirectory(String adminUrl, Path dir, int port) {
    String served;
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW data_directory")) {
      r.next();
      served = r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot ask the embedded PostgreSQL on port " + port + " for its data directory", e);
    }
    if (!samePath(Path.of(served), dir)) {
      throw new ConfigException(
          "the PostgreSQL answering on port "
              + port
              + " serves the data directory "
              + served
              + ", not "
              + dir
              + ": another server holds that port; stop it, or set YIZHAN_DB_EMBEDDED_PORT to a"
              + " free port (0 = derived from the data directory)");
    }
  }

  private static boolean samePath(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  private static void createDatabaseIfMissing(String adminUrl, String name) {
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
      if (!r.next()) {
        s.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Brings the schema to the newest migration (Flyway, db/migration). Blocking. */
  public void migrate() {
    var result =
        Flyway.configure()
            .dataSource(jdbcUrl, user, password)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    LOG.info(
        "schema at version {} ({} migration(s) applied)",
        result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
        result.migrationsExecuted);
  }

  /** Options for the reactive client, from the JDBC URL. */
  public PgConnectOptions connectOptions() {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(uri.getHost())
            .setPort(uri.getPort() < 0 ? 5432 : uri.getPort())
            .setDatabase(uri.getPath().replaceFirst("^/", ""))
            .setUser(user)
            .setPassword(password)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            // The client caches only statements up to this many characters (default 2048); a
            // longer one is parsed and planned again on every execution. The batch's multi-row
            // settlement insert (37 cast columns) is 2,236 characters, and was planned on every
            // batch: 0.175 ms of PostgreSQL's CPU each (docs/performance.md).
            .setPreparedStatementCacheSqlLimit(PREPARED_SQL_CHARS_MAX)
            .setPipeliningLimit(256);
    return options;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  /** The embedded server's port, or -1 for an external one. */
  public int embeddedPort() {
    return embedded == null ? -1 : embedded.getPort();
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
        LOG.info("embedded PostgreSQL stopped");
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }

  static String withoutCredentials(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
