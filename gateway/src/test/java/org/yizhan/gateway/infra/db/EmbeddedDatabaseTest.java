package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.config.ConfigException;

/**
 * The embedded PostgreSQL is its data directory's own (issue 12.6): two checkouts never share a
 * server, a port held by another server is refused before anything is written, and a second start
 * on a running data directory says what to do.
 */
class EmbeddedDatabaseTest {
  private final List<Database> started = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    started.forEach(Database::close);
    for (Path d : dirs) {
      try (Stream<Path> files = Files.walk(d)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Path dataDir() throws IOException {
    Path d = Files.createTempDirectory("yizhan-embedded-test");
    dirs.add(d);
    return d.resolve("postgres");
  }

  private Database start(Path dir, int port) {
    Database db = Database.startEmbedded(dir, port);
    started.add(db);
    return db;
  }

  @Test
  void twoDataDirectories_eachGetsItsOwnServer() throws Exception {
    Path one = dataDir();
    Path two = dataDir();
    Database a = start(one, 0);
    Database b = start(two, 0);

    assertThat(a.embeddedPort()).isNotEqualTo(b.embeddedPort());
    assertThat(Path.of(dataDirectory(a))).isEqualTo(one.toRealPath());
    assertThat(Path.of(dataDirectory(b))).isEqualTo(two.toRealPath());
    exec(a, "CREATE TABLE only_in_a (x int)");
    assertThat(tableExists(b, "only_in_a")).isFalse();
  }

  @Test
  void configuredPortHeldByAnotherServer_isRefusedWithWhatToDo() throws Exception {
    Database other = start(dataDir(), 0);
    Path mine = dataDir();

    assertThatThrownBy(() -> start(mine, other.embeddedPort()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port " + other.embeddedPort() + " is already in use")
        .hasMessageContaining("YIZHAN_DB_EMBEDDED_PORT=0");
    assertThat(mine.resolve("PG_VERSION")).doesNotExist();
    assertThat(tableExists(other, "flyway_schema_history")).isFalse();
  }

  @Test
  void derivedPortTaken_fallsBackToAnotherFreePort() throws Exception {
    Path dir = dataDir();
    Files.createDirectories(dir);
    int derived = Database.portFor(dir.toRealPath());
    try (ServerSocket squatter = new ServerSocket(derived, 1, InetAddress.getLoopbackAddress())) {
      Database db = start(dir, 0);

      assertThat(db.embeddedPort()).isNotEqualTo(squatter.getLocalPort());
      assertThat(Path.of(dataDirectory(db))).isEqualTo(dir.toRealPath());
    }
  }

  @Test
  void derivedPort_isStableForOneDataDirectory() throws Exception {
    Path dir = dataDir();
    Files.createDirectories(dir);
    Database first = start(dir, 0);
    int port = first.embeddedPort();
    first.close();

    assertThat(port).isEqualTo(Database.portFor(dir.toRealPath()));
    assertThat(start(dir, 0).embeddedPort()).isEqualTo(port);
  }

  @Test
  void secondStartOnARunningDataDirectory_isRefusedNamingTheServer() throws Exception {
    Path dir = dataDir();
    Database running = start(dir, 0);

    assertThatThrownBy(() -> start(dir, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is still running on the data directory")
        .hasMessageContaining("port " + running.embeddedPort());
  }

  private static String dataDirectory(Database db) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW data_directory")) {
      r.next();
      return r.getString(1);
    }
  }

  private static void exec(Database db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static boolean tableExists(Database db, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      r.next();
      return r.getBoolean(1);
    }
  }
}
