package org.yizhan.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.Gateway;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.ledger.PrepaymentLedger;
import org.yizhan.gateway.security.HospitalAuth;
import org.yizhan.gateway.support.TestDatabase;

/**
 * Every SQL statement the gateway renders from jOOQ is valid against the migrated schema: the
 * server parses and plans each one (PREPARE), so a typo or a stale column fails here, not in a
 * request.
 */
class StatementsTest {
  static final List<Class<?>> HOLDERS =
      List.of(
          SettlementStatements.class,
          SettlementQueries.class,
          PrepaymentLedger.class,
          HospitalAuth.class,
          IdentityDirectory.class,
          Gateway.class);

  @Test
  void everyRenderedStatement_preparesAgainstTheSchema() throws Exception {
    Database db = TestDatabase.fresh();
    List<String> failures = new ArrayList<>();
    int n = 0;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "")) {
      for (Class<?> holder : HOLDERS) {
        for (Field f : holder.getDeclaredFields()) {
          if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())) {
            f.setAccessible(true);
            String sql = (String) f.get(null);
            if (sql == null || !sql.matches("(?is)\\s*(select|insert|update|delete|with)\\b.*")) {
              continue;
            }
            n++;
            try (PreparedStatement ps = c.prepareStatement(sql.replaceAll("\\$(\\d+)", "?"))) {
              ps.getParameterMetaData();
            } catch (SQLException e) {
              failures.add(holder.getSimpleName() + "." + f.getName() + ": " + e.getMessage());
            }
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(n).isGreaterThan(20);
  }
}
