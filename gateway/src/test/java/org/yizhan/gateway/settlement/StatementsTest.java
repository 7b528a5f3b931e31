package org.yizhan.gateway.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.support.TestDatabase;

/**
 * Every SQL statement the gateway renders from jOOQ is valid against the migrated schema: the
 * server prepares each one natively ({@code PREPARE … AS}, with its {@code $n} parameters, as the
 * reactive client does), so a typo, a stale column or a parameter whose type cannot be inferred
 * fails here, not in a request; and each is short enough for the client to keep it prepared.
 * Statements are found by scanning the gateway's classes for static SQL strings, so a new one is
 * checked without being listed.
 */
class StatementsTest {
  static final Pattern SQL = Pattern.compile("(?s)\\s*(select|insert|update|delete|with)\\b.*");
  static final Pattern PARAM = Pattern.compile("\\$(\\d+)");

  @Test
  void everyRenderedStatement_preparesAgainstTheSchema_withContiguousParameters() throws Exception {
    Database db = TestDatabase.fresh();
    List<String> failures = new ArrayList<>();
    int n = 0;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      for (Class<?> holder : gatewayClasses()) {
        for (Field f : holder.getDeclaredFields()) {
          if (f.getType() != String.class || !Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          f.setAccessible(true);
          String sql = (String) f.get(null);
          if (sql == null || !SQL.matcher(sql).matches()) {
            continue;
          }
          n++;
          String where = holder.getSimpleName() + "." + f.getName();
          TreeSet<Integer> params = new TreeSet<>();
          Matcher m = PARAM.matcher(sql);
          while (m.find()) {
            params.add(Integer.parseInt(m.group(1)));
          }
          if (!params.isEmpty() && params.last() != params.size()) {
            failures.add(where + ": parameters " + params + " are not $1..$" + params.size());
          }
          if (sql.length() > Database.PREPARED_SQL_CHARS_MAX) {
            // the reactive client would parse and plan it again on every execution
            failures.add(where + ": " + sql.length() + " characters, more than the client caches");
          }
          try {
            s.execute("PREPARE stmt_" + n + " AS " + sql);
            s.execute("DEALLOCATE stmt_" + n);
          } catch (SQLException e) {
            failures.add(where + ": " + e.getMessage());
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(n).isGreaterThan(60);
  }

  /**
   * Reading or locking a settlement by id scans the primary key even with the generic plan made on
   * an empty table, the plan a connection keeps once the table has grown. With {@code AND
   * hospital_code = $2} in the query that plan scanned a hospital's index and filtered on the id
   * (docs/performance.md, "A plan made on an empty table").
   */
  @Test
  void aSettlementById_usesThePrimaryKey_evenInAPlanMadeOnAnEmptyTable() throws Exception {
    Database db = TestDatabase.fresh();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      Map<String, String> statements =
          Map.of(
              "SettlementQueries.FIND", SettlementQueries.FIND,
              "SettlementStatements.LOCK_SETTLEMENT", SettlementStatements.LOCK_SETTLEMENT);
      for (Map.Entry<String, String> e : statements.entrySet()) {
        String name = "by_id_" + e.getKey().replace('.', '_').toLowerCase(Locale.ROOT);
        s.execute("PREPARE " + name + " AS " + e.getValue());
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs =
            s.executeQuery(
                "EXPLAIN EXECUTE " + name + "('00000000-0000-0000-0000-000000000000')")) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertThat(plan.toString())
            .as(e.getKey())
            .contains("Index Scan using settlement_pkey on settlement")
            .doesNotContain("settlement_hospital");
      }
    }
  }

  /**
   * A claim's lines are one row of arrays (V9); the row's checks refuse what the rows' constraints
   * refused. Foreign keys are switched off for the transaction (session_replication_role), checks
   * are not, and everything is rolled back.
   */
  @Test
  void claimLines_refuseMalformedArrays() throws Exception {
    Database db = TestDatabase.fresh();
    String valid =
        "'{1,2}', '{A1,B2}', '{x,y}', '{1,2.5}', '{10,4}', '{10,10}', '{A,C}', '{0,0.1}',"
            + " '{NULL,5}', '{0,10}', '{0,0}', '{0,0}'";
    Map<String, String> malformed =
        Map.of(
            "arrays of different lengths", valid.replace("'{x,y}'", "'{x}'"),
            "no lines", "'{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'",
            "a missing item code", valid.replace("'{A1,B2}'", "'{A1,NULL}'"),
            "a quantity of 0", valid.replace("'{1,2.5}'", "'{1,0}'"),
            "a category X", valid.replace("'{A,C}'", "'{A,X}'"),
            "a negative part",
                valid.replace("'{0,10}', '{0,0}', '{0,0}'", "'{0,10}', '{0,-1}', '{0,0}'"),
            "a negative price cap", valid.replace("'{NULL,5}'", "'{NULL,-5}'"));
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET LOCAL session_replication_role = replica");
      String insert = "INSERT INTO claim_lines VALUES (gen_random_uuid(), ";
      s.execute(insert + valid + ")");
      for (Map.Entry<String, String> e : malformed.entrySet()) {
        s.execute("SAVEPOINT p");
        assertThatThrownBy(() -> s.execute(insert + e.getValue() + ")"))
            .as(e.getKey())
            .isInstanceOfSatisfying(
                SQLException.class, x -> assertThat(x.getSQLState()).isEqualTo("23514"));
        s.execute("ROLLBACK TO SAVEPOINT p");
      }
      c.rollback();
    }
  }

  static List<Class<?>> gatewayClasses() throws IOException, ClassNotFoundException {
    Path root = Path.of("target", "classes");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("org/yizhan/gateway"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (!name.contains(".infra.db.schema.")) {
          out.add(Class.forName(name, true, StatementsTest.class.getClassLoader()));
        }
      }
    }
    return out;
  }
}
