package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.support.TestDatabase;

/**
 * V14 rewrites ID numbers stored before they were validated (15 digits, lower-case x) into the
 * canonical 18-character form in every table that keys by them, and refuses, changing nothing,
 * where two rows would become one.
 */
class IdNumberMigrationTest {
  /** A first-generation number: born 1980-01-01, sequence 001. */
  private static final String OLD15 = "445202800101001";

  /** An 18-character number whose check character is X, written with a lower-case x. */
  private static final String LOWER_X = lowerX();

  private static String lowerX() {
    for (int seq = 0; seq < 1000; seq++) {
      IdNumber n = IdNumber.withCheckDigit("44520219900202" + String.format("%03d", seq));
      if (n.value().endsWith("X")) {
        return n.value().substring(0, 17) + "x";
      }
    }
    throw new AssertionError("no number with check character X");
  }

  private static String canonical(String text) {
    return IdNumber.parse(text, LocalDate.of(2026, 1, 1)).value();
  }

  @Test
  void v14_convertsOldFormIdNumbersInEveryTable() throws SQLException {
    String url = databaseAtV13();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      insertPerson(s, OLD15, "c0000000-0000-0000-0000-000000000001", 2025);
      insertPerson(s, LOWER_X, "c0000000-0000-0000-0000-000000000002", 2025);
    }

    migrate(url);

    for (String table :
        List.of("claim", "settlement", "accumulator", "person_identity", "nhsa_person")) {
      assertThat(idNumbers(url, table))
          .as(table)
          .containsExactlyInAnyOrder(canonical(OLD15), canonical(LOWER_X));
    }
    assertThat(idNumbers(url, "accumulator")).contains("445202198001010013");
  }

  @Test
  void v14_refusesTwoAccumulatorRowsOfOnePersonYear_andChangesNothing() throws SQLException {
    String url = databaseAtV13();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      insertAccumulator(s, OLD15, 2025);
      insertAccumulator(s, canonical(OLD15), 2025);
    }

    assertThatThrownBy(() -> migrate(url))
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("V14 refused: accumulator holds 1 person-year(s)")
        .hasMessageContaining("Merge each pair by hand");
    assertThat(idNumbers(url, "accumulator")).containsExactlyInAnyOrder(OLD15, canonical(OLD15));
  }

  @Test
  void v14_refusesTwoNhsaPersonsOfOneNumber_andChangesNothing() throws SQLException {
    String url = databaseAtV13();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      insertNhsaPerson(s, LOWER_X);
      insertNhsaPerson(s, canonical(LOWER_X));
    }

    assertThatThrownBy(() -> migrate(url))
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("V14 refused: nhsa_person holds 1 person(s)");
    assertThat(idNumbers(url, "nhsa_person"))
        .containsExactlyInAnyOrder(LOWER_X, canonical(LOWER_X));
  }

  private static String databaseAtV13() throws SQLException {
    TestDatabase.server();
    String name = "yizhan_v14_" + System.nanoTime();
    try (Connection admin =
            DriverManager.getConnection(TestDatabase.url("postgres"), "postgres", "");
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0");
    }
    String url = TestDatabase.url(name);
    Flyway.configure()
        .dataSource(url, "postgres", "")
        .locations("classpath:db/migration")
        .target("13")
        .load()
        .migrate();
    return url;
  }

  private static void migrate(String url) {
    Flyway.configure()
        .dataSource(url, "postgres", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** One person saved the old way: a claim, its settlement, the year's figures, an identity. */
  private static void insertPerson(Statement s, String idNo, String claimId, int year)
      throws SQLException {
    s.execute(
        "INSERT INTO hospital (code, name, hospital_level, region, updated_at)"
            + " VALUES ('H1', 'H1', 2, '445202', now()) ON CONFLICT DO NOTHING");
    s.execute(
        "INSERT INTO claim (id, hospital_code, claim_no, content_sha256, person_id_no, scheme,"
            + " office_code, hospital_level, admission_date, discharge_date, line_count, total,"
            + " received_at) VALUES ('"
            + claimId
            + "', 'H1', '"
            + claimId
            + "', repeat('0', 64), '"
            + idNo
            + "', 'URRBMI', '445202', 2, '2025-03-01', '2025-03-05', 1, 0, now())");
    s.execute(
        "INSERT INTO settlement (id, claim_id, hospital_code, claim_no, person_id_no, office_code,"
            + " status, policy_id, year, hospital_level, total, full_own_pay, over_limit,"
            + " pre_self_pay, in_scope, act_deductible, basic_pay, ci_pay, ma_pay, fund_pay,"
            + " personal_pay, identities_used, delta_basic_paid, delta_deductible_paid,"
            + " delta_ci_base, delta_ci_paid, delta_ma_base, delta_ma_paid, prepayment_drawn,"
            + " hospital_advance, settled_at, settled_on) VALUES (gen_random_uuid(), '"
            + claimId
            + "', 'H1', '"
            + claimId
            + "', '"
            + idNo
            + "', '445202', 'SETTLED', 'P', "
            + year
            + ", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, 0, 0, 0, 0, 0, 0, 0, now(),"
            + " '2025-03-05')");
    insertAccumulator(s, idNo, year);
    s.execute(
        "INSERT INTO person_identity (identity_id, version, person_id_no, office_code, category,"
            + " valid_from, confirmed, recorded_at, recorded_by) VALUES (gen_random_uuid(), 1, '"
            + idNo
            + "', '445202', 'DESTITUTE', '2025-01-01', true, now(), 'test')");
    insertNhsaPerson(s, idNo);
  }

  private static void insertAccumulator(Statement s, String idNo, int year) throws SQLException {
    s.execute(
        "INSERT INTO accumulator (person_id_no, year, basic_paid, office_code, updated_at)"
            + " VALUES ('"
            + idNo
            + "', "
            + year
            + ", 100.00, '445202', now())");
  }

  private static void insertNhsaPerson(Statement s, String idNo) throws SQLException {
    s.execute(
        "INSERT INTO nhsa_person (person_id_no, psn_no, created_at) VALUES ('"
            + idNo
            + "', 'YZ' || substr(md5(random()::text), 1, 28), now())");
  }

  private static List<String> idNumbers(String url, String table) throws SQLException {
    List<String> numbers = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT person_id_no FROM " + table)) {
      while (r.next()) {
        numbers.add(r.getString(1));
      }
    }
    return numbers;
  }
}
