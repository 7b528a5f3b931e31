package org.yizhan.gateway.store;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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

  /** Starts (or restarts, keeping its data) an embedded PostgreSQL under {@code dataDir}. */
  public static Database startEmbedded(Path dataDir, int port) {
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
      LOG.info("starting the embedded PostgreSQL; its data is kept under {}", dir);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              // durability: zonky's default starts PostgreSQL with fsync off
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres pg = builder.start();
      String url = pg.getJdbcUrl("postgres", EMBEDDED_DATABASE);
      createDatabaseIfMissing(pg.getJdbcUrl("postgres", "postgres"), EMBEDDED_DATABASE);
      LOG.info("embedded PostgreSQL ready on port {}", pg.getPort());
      return new Database(pg, url.replaceFirst("\\?user=postgres$", ""), "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL under " + dir, e);
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
