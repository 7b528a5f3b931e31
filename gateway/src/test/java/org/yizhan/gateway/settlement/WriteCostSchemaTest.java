package org.yizhan.gateway.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.audit.AuditVerifier;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.support.TestDatabase;

/**
 * What migration V31 changed in the settlement's write path keeps its guarantees: the rows whose
 * foreign keys it dropped cannot be removed or re-keyed. And the batch's {@code audit_append_all}
 * (V24) chains exactly as {@code audit_append} does (the verifier recomputes every hash), in
 * whatever order the chains come and whether or not they exist yet.
 */
class WriteCostSchemaTest {
  @Test
  void rowsReferencedWithoutForeignKeys_areNeverDeleted_norRekeyed() throws Exception {
    Database db = TestDatabase.fresh();
    List<String> refused =
        List.of(
            "DELETE FROM hospital",
            "UPDATE hospital SET code = code",
            "DELETE FROM claim",
            "UPDATE claim SET id = id",
            "DELETE FROM claim_lines",
            "UPDATE claim_lines SET claim_id = claim_id",
            "DELETE FROM settlement",
            "UPDATE settlement SET claim_id = claim_id",
            "UPDATE settlement SET id = id",
            "DELETE FROM settlement_fund",
            "UPDATE settlement_fund SET settlement_id = settlement_id");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      for (String sql : refused) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getMessage()).contains("refused"));
      }
      // what a reversal and the hospitals' sync do still runs
      s.execute("UPDATE settlement SET status = status, reversed_at = reversed_at");
      s.execute("UPDATE hospital SET name = name, updated_at = updated_at");
    }
  }

  @Test
  void auditAppendAll_chainsAsAuditAppend_inAnyOrderOfChains_newOrNot() throws Exception {
    Database db = TestDatabase.fresh();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      // x/1 and x/2 are new (each opened on main by its first entry); x/1 comes back after x/2
      s.execute(
          "SELECT audit_append_all('{x/1,x/1,x/2,x/1}', '{a,b,c,d}', '{SETTLE,SETTLE,SETTLE,"
              + "REVERSE}', '{settlement,settlement,settlement,settlement}', '{1,2,3,1}',"
              + " '{\"{}\",\"{\\\"n\\\":1}\",\"{}\",\"{}\"}')");
      // then existing chains, one entry through audit_append between the two calls
      s.execute("SELECT audit_append('x/2', 'e', 'SETTLE', 'settlement', '4', '{}')");
      s.execute(
          "SELECT audit_append_all('{x/1,x/2,x/2}', '{f,g,h}', '{SETTLE,SETTLE,SETTLE}',"
              + " '{settlement,settlement,settlement}', '{5,6,7}', '{\"{}\",\"{}\",\"{}\"}')");
      assertThat(rows(s, "SELECT chain || ':' || seq || ':' || actor FROM audit_log"))
          .contains(
              "x/1:1:a", "x/1:2:b", "x/1:3:d", "x/1:4:f", "x/2:1:c", "x/2:2:e", "x/2:3:g",
              "x/2:4:h");
      assertThat(rows(s, "SELECT chain || ':' || seq FROM audit_head WHERE chain LIKE 'x/%'"))
          .containsExactlyInAnyOrder("x/1:4", "x/2:4");
      assertThat(
              rows(
                  s,
                  "SELECT entity_id FROM audit_log WHERE chain = 'main'"
                      + " AND action = 'AUDIT_CHAIN_OPEN'"))
          .contains("x/1", "x/2");
      AuditVerifier.Result r = AuditVerifier.verify(c);
      assertThat(r.intact()).as(r.toString()).isTrue();
      // a batch of nothing appends nothing
      s.execute("SELECT audit_append_all('{}', '{}', '{}', '{}', '{}', '{}')");
      assertThat(AuditVerifier.verify(c).entries()).isEqualTo(r.entries());
    }
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
