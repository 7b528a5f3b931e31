package org.yizhan.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.infra.db.Database;

/**
 * One embedded PostgreSQL per test run (started on first use, stopped when the JVM exits), the
 * schema migrated once into a template database, and a fresh database cloned from the template for
 * each test class (CREATE DATABASE … TEMPLATE takes tens of milliseconds), so test classes never
 * see each other's rows.
 */
public final class TestDatabase {
  private static final String TEMPLATE = "yizhan_template";
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static Database server;

  private TestDatabase() {}

  /** The shared embedded server, started and templated on first use. */
  public static synchronized Database server() {
    if (server == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("yizhan-test-pg");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server = Database.startEmbedded(dir, 0);
      exec("CREATE DATABASE " + TEMPLATE + " TEMPLATE template0");
      Database.external(url(TEMPLATE), "postgres", "").migrate();
      Database s = server;
      Path data = dir;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    s.close();
                    deleteTree(data);
                  },
                  "test-pg-stop"));
    }
    return server;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  /** A new, migrated, empty database of its own. */
  public static Database fresh() {
    server();
    String name = "yizhan_t" + NEXT.incrementAndGet();
    exec("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return Database.external(url(name), "postgres", "");
  }

  /** Settings for an external database, for a test's AppConfig. */
  public static AppConfig.Db dbConfig(Database db) {
    return new AppConfig.Db(db.jdbcUrl(), "postgres", "", 8, 4096, Path.of("unused"), 0);
  }

  public static String url(String database) {
    return "jdbc:postgresql://localhost:" + server.embeddedPort() + "/" + database;
  }

  private static String adminUrl() {
    return url("postgres");
  }

  private static void exec(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
