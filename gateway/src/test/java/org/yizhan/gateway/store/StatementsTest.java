package org.yizhan.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestDatabase;

/**
 * Every SQL statement the gateway renders from jOOQ is valid against the migrated schema: the
 * server prepares each one natively ({@code PREPARE … AS}, with its {@code $n} parameters, as the
 * reactive client does), so a typo, a stale column or a parameter whose type cannot be inferred
 * fails here, not in a request. Statements are found by scanning the gateway's classes for static
 * SQL strings, so a new one is checked without being listed.
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

  static List<Class<?>> gatewayClasses() throws IOException, ClassNotFoundException {
    Path root = Path.of("target", "classes");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("org/yizhan/gateway"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (!name.contains(".store.schema.")) {
          out.add(Class.forName(name, true, StatementsTest.class.getClassLoader()));
        }
      }
    }
    return out;
  }
}
