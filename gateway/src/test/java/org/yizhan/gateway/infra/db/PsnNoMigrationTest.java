package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestDatabase;

/**
 * V13 gives every person already known a random psn_no in place of the sequential "YZ" + row id, so
 * the persons named before it cannot be walked either.
 */
class PsnNoMigrationTest {
  @Test
  void v13_givesExistingPersonsRandomDistinctPsnNos() throws SQLException {
    TestDatabase.server();
    String name = "yizhan_v13_" + System.nanoTime();
    try (Connection admin =
            DriverManager.getConnection(TestDatabase.url("postgres"), "postgres", "");
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0");
    }
    String url = TestDatabase.url(name);
    Flyway.configure()
        .dataSource(url, "postgres", "")
        .locations("classpath:db/migration")
        .target("10")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      for (int i = 1; i <= 3; i++) {
        s.execute(
            "INSERT INTO nhsa_person (person_id_no, created_at)"
                + " VALUES ('44520219800101000"
                + i
                + "', now())");
      }
    }

    Flyway.configure()
        .dataSource(url, "postgres", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();

    List<String> numbers = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, psn_no FROM nhsa_person ORDER BY id")) {
      while (r.next()) {
        String psnNo = r.getString("psn_no");
        assertThat(psnNo).matches("YZ[0-9a-f]{28}");
        numbers.add(psnNo);
      }
    }
    assertThat(numbers).hasSize(3).doesNotHaveDuplicates();
  }
}
