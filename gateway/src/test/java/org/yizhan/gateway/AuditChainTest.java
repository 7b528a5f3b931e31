package org.yizhan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.audit.AuditVerifier;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;

/**
 * The audit log is append-only and hash-chained: the verifier finds it intact after real traffic,
 * and names the first broken link after each kind of tampering a superuser could do (the trigger
 * stops everyone else).
 */
class AuditChainTest {
  static TestGateway gw;
  static long entries;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    for (int i = 0; i < 6; i++) {
      String claim =
          ClaimJson.claim("AUDIT-" + i)
              .person("44520219800101" + String.format("%04d", i))
              .item("T-A", "1000.00")
              .json();
      assertThat(gw.post("/api/v1/settlements", H1_KEY, claim).status()).isEqualTo(201);
    }
    entries = gw.count("audit_log");
    assertThat(entries).isEqualTo(6);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void intactBefore() throws SQLException {
    AuditVerifier.Result r = verify();
    assertThat(r.intact()).as(r.toString()).isTrue();
  }

  @Test
  void intactChain_isReported_byTheCommand() {
    AuditVerifier.Result r = verify();
    assertThat(r.entries()).isEqualTo(entries);
    assertThat(r.lastSeq()).isEqualTo(entries);
    AppConfig config =
        AppConfig.load(
            Map.of(
                "YIZHAN_DB_URL", gw.database().jdbcUrl(),
                "YIZHAN_CONFIG_DIR", gw.gateway().config().configDir().toString()));
    assertThat(Main.command(new String[] {"verify-audit"}, config)).isZero();
    assertThat(Main.command(new String[] {"nonsense"}, config)).isEqualTo(2);
  }

  @Test
  void updateOrDelete_isRefusedByTheTrigger() {
    assertThatThrownBy(() -> gw.sql("UPDATE audit_log SET actor = 'x' WHERE seq = 1"))
        .hasStackTraceContaining("append-only");
    assertThatThrownBy(() -> gw.sql("DELETE FROM audit_log WHERE seq = 1"))
        .hasStackTraceContaining("append-only");
  }

  @Test
  void alteredDetails_breakTheChainAtThatEntry() throws SQLException {
    String details = (String) gw.value("SELECT details FROM audit_log WHERE seq = 3");
    tamper("UPDATE audit_log SET details = replace(details, '1000', '9000') WHERE seq = 3");
    try {
      AuditVerifier.Result r = verify();
      assertThat(r.intact()).isFalse();
      assertThat(r.brokenAtSeq()).isEqualTo(3);
      assertThat(r.problem()).contains("altered");
    } finally {
      tamper("UPDATE audit_log SET details = '" + details.replace("'", "''") + "' WHERE seq = 3");
    }
  }

  @Test
  void rehashedEntry_breaksTheChainAtTheNext() throws SQLException {
    List<Map<String, Object>> row = gw.sql("SELECT actor, hash FROM audit_log WHERE seq = 2");
    String actor = (String) row.get(0).get("actor");
    String hash = (String) row.get(0).get("hash");
    // a forger who recomputes the altered entry's own hash still breaks the next link
    tamper(
        "UPDATE audit_log SET actor = 'hospital:FORGED', hash = encode(sha256(decode(prev_hash,"
            + " 'hex') || convert_to(concat_ws('|', seq::text, trunc(extract(epoch FROM at) *"
            + " 1000000)::bigint::text, 'hospital:FORGED', action, entity_type, entity_id,"
            + " details), 'UTF8')), 'hex') WHERE seq = 2");
    try {
      AuditVerifier.Result r = verify();
      assertThat(r.brokenAtSeq()).isEqualTo(3);
      assertThat(r.problem()).contains("prev_hash");
    } finally {
      tamper("UPDATE audit_log SET actor = '" + actor + "', hash = '" + hash + "' WHERE seq = 2");
    }
  }

  @Test
  void removedEntries_inTheMiddleOrAtTheEnd_areFound() throws SQLException {
    tamper("CREATE TABLE audit_saved AS SELECT * FROM audit_log");
    try {
      tamper("DELETE FROM audit_log WHERE seq = 4");
      AuditVerifier.Result middle = verify();
      assertThat(middle.brokenAtSeq()).isEqualTo(4);
      assertThat(middle.problem()).contains("missing");

      tamper("INSERT INTO audit_log SELECT * FROM audit_saved WHERE seq = 4");
      tamper("DELETE FROM audit_log WHERE seq = " + entries);
      AuditVerifier.Result tail = verify();
      assertThat(tail.brokenAtSeq()).isEqualTo(entries);
      assertThat(tail.problem()).contains("removed from the end");
    } finally {
      tamper("DELETE FROM audit_log");
      tamper("INSERT INTO audit_log SELECT * FROM audit_saved");
      tamper("DROP TABLE audit_saved");
    }
  }

  static AuditVerifier.Result verify() {
    try (Connection c = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "")) {
      return AuditVerifier.verify(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code sql} with the append-only trigger disabled, as a superuser could. */
  static void tamper(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
      try {
        s.execute(sql);
      } finally {
        s.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
      }
    }
  }
}
