package org.yizhan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.audit.AuditVerifier;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * The audit log is append-only and hash-chained, in several chains: the verifier finds it intact
 * after real traffic, and names the chain and the first broken link after each kind of tampering a
 * superuser could do (the trigger stops everyone else), including removing a whole chain.
 */
class AuditChainTest {
  static final String PERSON = "445202198001010005";
  static TestGateway gw;

  /** The chain of PERSON's settlements at H1: six entries. */
  static String chain;

  /** Another person's chain at H1: one entry. */
  static String other;

  static long entries;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    for (int i = 0; i < 6; i++) {
      settle("AUDIT-" + i, PERSON);
    }
    chain = Audit.settlementChain(TestGateway.H1, PERSON);
    String otherPerson = PERSON;
    for (int i = 1; Audit.settlementChain(TestGateway.H1, otherPerson).equals(chain); i++) {
      otherPerson = TestData.idNo("445202", LocalDate.of(1980, 1, 1), i);
    }
    settle("AUDIT-OTHER", otherPerson);
    other = Audit.settlementChain(TestGateway.H1, otherPerson);
    entries = gw.count("audit_log");
    // six and one settlement entries, and on main the shipped catalogue's and policies' seeding
    // (CATALOGUE_SEED, POLICY_SEED) and the two chains' openings
    assertThat(entries).isEqualTo(11);
    assertThat(gw.sql("SELECT chain, count(*) n FROM audit_log GROUP BY chain ORDER BY chain"))
        .containsExactlyInAnyOrder(
            Map.of("chain", chain, "n", 6L),
            Map.of("chain", other, "n", 1L),
            Map.of("chain", Audit.MAIN, "n", 4L));
    assertThat(
            gw.sql(
                "SELECT entity_id FROM audit_log WHERE chain = 'main'"
                    + " AND action = 'AUDIT_CHAIN_OPEN' ORDER BY seq"))
        .extracting(r -> r.get("entity_id"))
        .containsExactly(chain, other);
  }

  static void settle(String claimNo, String person) {
    String claim = ClaimJson.claim(claimNo).person(person).item("T-A", "1000.00").json();
    assertThat(gw.post("/api/v1/settlements", H1_KEY, claim).status()).isEqualTo(201);
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
  void intactChains_areReported_byTheCommand() {
    AuditVerifier.Result r = verify();
    assertThat(r.entries()).isEqualTo(entries);
    assertThat(r.chains()).isEqualTo(3);
    assertThat(r.toString()).isEqualTo("audit log intact: 11 entries in 3 chains");
    AppConfig config =
        AppConfig.load(
            Map.of(
                "YIZHAN_DB_URL", gw.database().jdbcUrl(),
                "YIZHAN_CONFIG_DIR", gw.gateway().config().configDir().toString()));
    assertThat(Main.command(new String[] {"verify-audit"}, config)).isZero();
    assertThat(Main.command(new String[] {"nonsense"}, config)).isEqualTo(2);
  }

  @Test
  void aHospitalsSettlementsOfOnePerson_shareOneChain_inOrder() {
    assertThat(chain).startsWith("hospital:" + TestGateway.H1 + "/");
    assertThat(
            gw.sql(
                "SELECT l.seq, c.claim_no FROM audit_log l JOIN settlement c"
                    + " ON c.id::text = l.entity_id WHERE l.chain = ? ORDER BY l.seq",
                chain))
        .extracting(r -> r.get("claim_no"))
        .containsExactly("AUDIT-0", "AUDIT-1", "AUDIT-2", "AUDIT-3", "AUDIT-4", "AUDIT-5");
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
    String details = (String) gw.value("SELECT details FROM audit_log WHERE " + at(3));
    tamper("UPDATE audit_log SET details = replace(details, '1000', '9000') WHERE " + at(3));
    try {
      AuditVerifier.Result r = verify();
      assertThat(r.intact()).isFalse();
      assertThat(r.brokenChain()).isEqualTo(chain);
      assertThat(r.brokenAtSeq()).isEqualTo(3);
      assertThat(r.problem()).contains("altered");
    } finally {
      tamper("UPDATE audit_log SET details = '" + details.replace("'", "''") + "' WHERE " + at(3));
    }
  }

  @Test
  void rehashedEntry_breaksTheChainAtTheNext() throws SQLException {
    List<Map<String, Object>> row = gw.sql("SELECT actor, hash FROM audit_log WHERE " + at(2));
    String actor = (String) row.get(0).get("actor");
    String hash = (String) row.get(0).get("hash");
    // a forger who recomputes the altered entry's own hash still breaks the next link
    tamper(
        "UPDATE audit_log SET actor = 'hospital:FORGED', hash = encode(sha256(decode(prev_hash,"
            + " 'hex') || convert_to(concat_ws('|', seq::text, trunc(extract(epoch FROM at) *"
            + " 1000000)::bigint::text, 'hospital:FORGED', action, entity_type, entity_id,"
            + " details), 'UTF8')), 'hex') WHERE "
            + at(2));
    try {
      AuditVerifier.Result r = verify();
      assertThat(r.brokenChain()).isEqualTo(chain);
      assertThat(r.brokenAtSeq()).isEqualTo(3);
      assertThat(r.problem()).contains("prev_hash");
    } finally {
      tamper("UPDATE audit_log SET actor = '" + actor + "', hash = '" + hash + "' WHERE " + at(2));
    }
  }

  @Test
  void removedEntries_inTheMiddleOrAtTheEnd_areFound() throws SQLException {
    tamper("CREATE TABLE audit_saved AS SELECT * FROM audit_log");
    try {
      tamper("DELETE FROM audit_log WHERE " + at(4));
      AuditVerifier.Result middle = verify();
      assertThat(middle.brokenChain()).isEqualTo(chain);
      assertThat(middle.brokenAtSeq()).isEqualTo(4);
      assertThat(middle.problem()).contains("missing");

      tamper("INSERT INTO audit_log SELECT * FROM audit_saved WHERE " + at(4));
      tamper("DELETE FROM audit_log WHERE " + at(6));
      AuditVerifier.Result tail = verify();
      assertThat(tail.brokenChain()).isEqualTo(chain);
      assertThat(tail.brokenAtSeq()).isEqualTo(6);
      assertThat(tail.problem()).contains("removed from the end");
    } finally {
      restore();
    }
  }

  @Test
  void aChainRemovedWhole_orItsHead_isFound() throws SQLException {
    tamper("CREATE TABLE audit_saved AS SELECT * FROM audit_log");
    tamper("CREATE TABLE audit_head_saved AS SELECT * FROM audit_head");
    try {
      tamper("DELETE FROM audit_head WHERE chain = '" + other + "'");
      AuditVerifier.Result head = verify();
      assertThat(head.brokenChain()).isEqualTo(other);
      assertThat(head.problem()).contains("head record is missing");

      tamper("DELETE FROM audit_log WHERE chain = '" + other + "'");
      AuditVerifier.Result whole = verify();
      assertThat(whole.brokenChain()).isEqualTo(other);
      assertThat(whole.problem()).contains("removed whole");
    } finally {
      tamper("DELETE FROM audit_head");
      tamper("INSERT INTO audit_head SELECT * FROM audit_head_saved");
      tamper("DROP TABLE audit_head_saved");
      restore();
    }
  }

  /** The entry {@code seq} of PERSON's chain, as a WHERE condition. */
  static String at(long seq) {
    return "chain = '" + chain + "' AND seq = " + seq;
  }

  static void restore() throws SQLException {
    tamper("DELETE FROM audit_log");
    tamper("INSERT INTO audit_log SELECT * FROM audit_saved");
    tamper("DROP TABLE audit_saved");
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
