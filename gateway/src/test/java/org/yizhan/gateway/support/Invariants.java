package org.yizhan.gateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The invariants of the store of record, each a query that lists what breaks it (no row = it
 * holds). Checked after crashes, database restarts and network faults: whatever happened, money and
 * figures must add up exactly, and every change must be in the audit chain.
 *
 * <p>The queries read the schema of the migrations V1–V3 (and V8, V9, V31) directly; they
 * deliberately do not reuse the gateway's own SQL, so a bug there cannot hide itself here.
 */
public final class Invariants {
  private static final String DIFFERENT = " IS DISTINCT FROM ";

  /** Name → query listing the rows that break it. */
  static final Map<String, String> CHECKS =
      Map.ofEntries(
          Map.entry(
              "a claim number is settled (live) at most once",
              "SELECT hospital_code, claim_no, count(*) FROM settlement WHERE status = 'SETTLED'"
                  + " GROUP BY hospital_code, claim_no HAVING count(*) > 1"),
          Map.entry(
              "accumulators equal the sum of their live settlements' deltas",
              "SELECT a.person_id_no, a.year FROM accumulator a LEFT JOIN ("
                  + " SELECT person_id_no, year, sum(delta_basic_paid) bp,"
                  + " sum(delta_deductible_paid) dp, sum(delta_ci_base) cb, sum(delta_ci_paid) cp,"
                  + " sum(delta_ma_base) mb, sum(delta_ma_paid) mp FROM settlement"
                  + " WHERE status = 'SETTLED' GROUP BY person_id_no, year) s"
                  + " ON s.person_id_no = a.person_id_no AND s.year = a.year"
                  + " WHERE a.basic_paid <> coalesce(s.bp, 0)"
                  + " OR a.deductible_paid <> coalesce(s.dp, 0)"
                  + " OR a.ci_base <> coalesce(s.cb, 0) OR a.ci_paid <> coalesce(s.cp, 0)"
                  + " OR a.ma_base <> coalesce(s.mb, 0) OR a.ma_paid <> coalesce(s.mp, 0)"),
          Map.entry(
              "every live settlement's person and year has accumulators",
              "SELECT s.id FROM settlement s WHERE s.status = 'SETTLED' AND NOT EXISTS ("
                  + " SELECT 1 FROM accumulator a"
                  + " WHERE a.person_id_no = s.person_id_no AND a.year = s.year)"),
          Map.entry(
              "a prepayment balance equals its ledger: credits to PREPAY less debits from it",
              "SELECT a.id FROM prepayment_account a WHERE a.balance"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(CASE WHEN t.credit_account LIKE 'PREPAY:%' THEN t.amount"
                  + " WHEN t.debit_account LIKE 'PREPAY:%' THEN -t.amount ELSE 0 END), 0)"
                  + " FROM ledger_transfer t WHERE t.account_id = a.id)"),
          Map.entry(
              "an advance owed equals its advances less their reversals",
              "SELECT a.id FROM prepayment_account a WHERE a.advance_owed"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(CASE t.kind WHEN 'ADVANCE' THEN t.amount"
                  + " WHEN 'ADVANCE_REVERSAL' THEN -t.amount ELSE 0 END), 0)"
                  + " FROM ledger_transfer t WHERE t.account_id = a.id)"),
          Map.entry(
              "a settlement's drawdown and advance are in the ledger, once, to the fen",
              "SELECT s.id FROM settlement s WHERE s.prepayment_drawn"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(amount), 0) FROM ledger_transfer t"
                  + " WHERE t.settlement_id = s.id AND t.kind = 'DRAWDOWN')"
                  + " OR s.hospital_advance"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(amount), 0) FROM ledger_transfer t"
                  + " WHERE t.settlement_id = s.id AND t.kind = 'ADVANCE')"
                  + " OR (SELECT count(*) FROM ledger_transfer t WHERE t.settlement_id = s.id"
                  + " AND t.kind IN ('DRAWDOWN', 'ADVANCE'))"
                  + " <> (CASE WHEN s.prepayment_drawn > 0 THEN 1 ELSE 0 END)"
                  + " + (CASE WHEN s.hospital_advance > 0 THEN 1 ELSE 0 END)"),
          Map.entry(
              "a reversal gives back exactly what was drawn and advanced; nothing else does",
              "SELECT s.id FROM settlement s WHERE"
                  + " (CASE WHEN s.status = 'REVERSED' THEN s.prepayment_drawn ELSE 0 END)"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(amount), 0) FROM ledger_transfer t"
                  + " WHERE t.settlement_id = s.id AND t.kind = 'REVERSAL_CREDIT')"
                  + " OR (CASE WHEN s.status = 'REVERSED' THEN s.hospital_advance ELSE 0 END)"
                  + DIFFERENT
                  + "(SELECT coalesce(sum(amount), 0) FROM ledger_transfer t"
                  + " WHERE t.settlement_id = s.id AND t.kind = 'ADVANCE_REVERSAL')"),
          Map.entry(
              "a reversed settlement has exactly one reversal row, a live one none",
              "SELECT s.id FROM settlement s WHERE (SELECT count(*) FROM reversal r"
                  + " WHERE r.settlement_id = s.id)"
                  + " <> (CASE WHEN s.status = 'REVERSED' THEN 1 ELSE 0 END)"),
          Map.entry(
              "a settlement has exactly one SETTLE audit entry, and one REVERSE once reversed",
              // counted in one pass: the log has no index by entity (V31)
              "SELECT s.id FROM settlement s LEFT JOIN (SELECT entity_id,"
                  + " count(*) FILTER (WHERE action = 'SETTLE') settles,"
                  + " count(*) FILTER (WHERE action = 'REVERSE') reverses FROM audit_log"
                  + " WHERE entity_type = 'settlement' GROUP BY entity_id) l"
                  + " ON l.entity_id = s.id::text"
                  + " WHERE l.settles IS DISTINCT FROM 1"
                  + " OR coalesce(l.reverses, 0) <> (CASE WHEN s.status = 'REVERSED' THEN 1 ELSE 0 END)"),
          Map.entry(
              "a settlement has its claim (same hospital and number), its hospital, its line row and"
                  + " three fund rows; a claim has one settlement; lines and fund rows have their"
                  + " parents (foreign keys dropped in V31: kept by construction)",
              "SELECT s.id::text FROM settlement s LEFT JOIN claim c ON c.id = s.claim_id"
                  + " WHERE c.id IS NULL OR c.hospital_code <> s.hospital_code"
                  + " OR c.claim_no <> s.claim_no"
                  + " OR NOT EXISTS (SELECT 1 FROM hospital h WHERE h.code = s.hospital_code)"
                  + " OR NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = s.claim_id)"
                  + " OR (SELECT count(*) FROM settlement_fund f WHERE f.settlement_id = s.id) <> 3"
                  + " UNION ALL SELECT c.id::text FROM claim c LEFT JOIN (SELECT claim_id, count(*) n"
                  + " FROM settlement GROUP BY claim_id) s ON s.claim_id = c.id"
                  + " WHERE s.n IS DISTINCT FROM 1"
                  + " UNION ALL SELECT l.claim_id::text FROM claim_lines l"
                  + " WHERE NOT EXISTS (SELECT 1 FROM claim c WHERE c.id = l.claim_id)"
                  + " UNION ALL SELECT f.settlement_id::text FROM settlement_fund f"
                  + " WHERE NOT EXISTS (SELECT 1 FROM settlement s WHERE s.id = f.settlement_id)"),
          Map.entry(
              "a settlement audit entry names an existing settlement",
              "SELECT l.seq FROM audit_log l WHERE l.entity_type = 'settlement'"
                  + " AND NOT EXISTS (SELECT 1 FROM settlement s WHERE s.id::text = l.entity_id)"),
          Map.entry(
              "a top-up has exactly one TOP_UP audit entry and an audit entry a top-up",
              "SELECT t.id FROM ledger_transfer t WHERE t.kind = 'TOP_UP' AND t.created_by <> 'test'"
                  + " AND (SELECT count(*) FROM audit_log l WHERE l.action = 'TOP_UP'"
                  + " AND l.entity_id = t.account_id::text"
                  + " AND l.details::json ->> 'reference' = t.top_up_ref) <> 1"
                  + " UNION ALL SELECT -l.seq FROM audit_log l WHERE l.action = 'TOP_UP'"
                  + " AND NOT EXISTS (SELECT 1 FROM ledger_transfer t WHERE t.kind = 'TOP_UP'"
                  + " AND t.account_id::text = l.entity_id"
                  + " AND t.top_up_ref = l.details::json ->> 'reference')"),
          Map.entry(
              "an Idempotency-Key record points at its settlement, and a keyed settlement has one",
              "SELECT s.id FROM settlement s WHERE s.idempotency_key IS NOT NULL AND NOT EXISTS ("
                  + " SELECT 1 FROM idempotency_record i WHERE i.hospital_code = s.hospital_code"
                  + " AND i.idem_key = s.idempotency_key AND i.resource_id = s.id)"),
          Map.entry(
              "a claim's lines are one row, as many as the claim says, adding up to its total,"
                  + " no line's in-scope part (the amount less the three others) negative",
              "SELECT c.id FROM claim c LEFT JOIN claim_lines l ON l.claim_id = c.id"
                  + " WHERE l.claim_id IS NULL OR cardinality(l.amount) <> c.line_count"
                  + " OR (SELECT sum(a) FROM unnest(l.amount) a) <> c.total"
                  + " OR EXISTS (SELECT 1 FROM unnest(l.amount, l.full_own_pay, l.over_limit,"
                  + " l.pre_self_pay) p(a, o, v, r) WHERE a - o - v - r < 0)"),
          Map.entry(
              "every audit chain is unbroken: consecutive, linked, each hash recomputed, its head"
                  + " at its end, opened on main",
              "SELECT seq FROM (SELECT seq, prev_hash, hash,"
                  + " row_number() OVER (PARTITION BY chain ORDER BY seq) n,"
                  + " lag(hash, 1, repeat('0', 64)) OVER (PARTITION BY chain ORDER BY seq)"
                  + " expected_prev,"
                  + " encode(sha256(decode(prev_hash, 'hex') || convert_to(concat_ws('|',"
                  + " seq::text, trunc(extract(epoch FROM at) * 1000000)::bigint::text,"
                  + " actor, action, entity_type, entity_id, details), 'UTF8')), 'hex') recomputed"
                  + " FROM audit_log) c"
                  + " WHERE seq <> n OR prev_hash <> expected_prev OR hash <> recomputed"
                  + " UNION ALL SELECT -1 FROM audit_head h WHERE h.seq"
                  + DIFFERENT
                  + "(SELECT max(seq) FROM audit_log l WHERE l.chain = h.chain)"
                  + " AND NOT (h.seq = 0 AND NOT EXISTS ("
                  + " SELECT 1 FROM audit_log l WHERE l.chain = h.chain))"
                  + " UNION ALL SELECT -2 FROM audit_head h WHERE h.seq > 0 AND h.hash"
                  + DIFFERENT
                  + "(SELECT hash FROM audit_log l WHERE l.chain = h.chain AND l.seq = h.seq)"
                  + " UNION ALL SELECT -3 FROM audit_log l"
                  + " WHERE NOT EXISTS (SELECT 1 FROM audit_head h WHERE h.chain = l.chain)"
                  + " UNION ALL SELECT -4 FROM audit_head h WHERE h.chain <> 'main'"
                  + " AND (SELECT count(*) FROM audit_log l WHERE l.chain = 'main'"
                  + " AND l.action = 'AUDIT_CHAIN_OPEN' AND l.entity_id = h.chain) <> 1"
                  + " UNION ALL SELECT -5 FROM audit_log l WHERE l.chain = 'main'"
                  + " AND l.action = 'AUDIT_CHAIN_OPEN'"
                  + " AND NOT EXISTS (SELECT 1 FROM audit_head h WHERE h.chain = l.entity_id)"));

  private Invariants() {}

  /** Every broken invariant with (up to five of) the rows that break it; empty when all hold. */
  public static List<String> violations(String jdbcUrl) {
    List<String> broken = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        Statement s = c.createStatement()) {
      for (Map.Entry<String, String> check : CHECKS.entrySet()) {
        try (ResultSet r = s.executeQuery(check.getValue())) {
          List<String> rows = new ArrayList<>();
          while (r.next() && rows.size() < 5) {
            rows.add(r.getString(1));
          }
          if (!rows.isEmpty()) {
            broken.add(check.getKey() + ": " + rows);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("invariant check failed: " + e.getMessage(), e);
    }
    return broken;
  }

  /** Counts for a report: settlements, reversals, top-ups, audit entries. */
  public static String summary(String jdbcUrl) {
    String sql =
        "SELECT (SELECT count(*) FROM settlement) settlements,"
            + " (SELECT count(*) FROM settlement WHERE status = 'REVERSED') reversed,"
            + " (SELECT count(*) FROM ledger_transfer WHERE kind = 'TOP_UP') top_ups,"
            + " (SELECT count(*) FROM ledger_transfer) transfers,"
            + " (SELECT count(*) FROM audit_log) audit_entries";
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return "settlements="
          + r.getLong(1)
          + " reversed="
          + r.getLong(2)
          + " topUps="
          + r.getLong(3)
          + " ledgerTransfers="
          + r.getLong(4)
          + " auditEntries="
          + r.getLong(5);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
