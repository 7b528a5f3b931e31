package org.yizhan.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yizhan.gateway.infra.Digests;

/**
 * Walks every chain of the audit log from its first entry and reports the first broken link: an
 * entry whose sequence number skips, whose {@code prev_hash} is not the previous entry's hash, or
 * whose hash is not SHA-256 of the previous hash and its own canonical text (migrations V2 and V8
 * define both). Then each chain's recorded head must be its last entry, so a removed tail shows
 * too; and the chains must be those opened on the chain {@code main} ({@code AUDIT_CHAIN_OPEN}), so
 * a chain removed whole, entries and head, shows as well. Reads in one repeatable-read snapshot
 * with a cursor, so a log of millions of entries streams in constant memory while the gateway keeps
 * appending.
 */
public final class AuditVerifier {
  /**
   * What a walk found: the entries and chains checked, and the first broken link if any ({@code
   * brokenChain} and {@code brokenAtSeq} name it, {@code problem} says what is wrong).
   */
  public record Result(
      long entries, int chains, String brokenChain, Long brokenAtSeq, String problem) {
    public boolean intact() {
      return brokenChain == null;
    }

    @Override
    public String toString() {
      return intact()
          ? "audit log intact: " + entries + " entries in " + chains + " chains"
          : "audit chain " + brokenChain + " BROKEN at seq " + brokenAtSeq + ": " + problem;
    }
  }

  static final String GENESIS = "0".repeat(64);

  private AuditVerifier() {}

  /** Verifies the chains of the database {@code c} is connected to. */
  public static Result verify(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    int isolation = c.getTransactionIsolation();
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      Result r = walk(c);
      c.commit();
      return r;
    } finally {
      c.setAutoCommit(autoCommit);
      c.setTransactionIsolation(isolation);
    }
  }

  /** Where one chain's walk ended: its last seq and hash. */
  private record End(long seq, String hash) {}

  private static Result walk(Connection c) throws SQLException {
    HexFormat hex = HexFormat.of();
    Map<String, End> ends = new TreeMap<>();
    Set<String> opened = new HashSet<>();
    String chain = null;
    String prev = GENESIS;
    long expected = 1;
    long n = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT chain, seq, at, actor, action, entity_type, entity_id, details, prev_hash,"
                + " hash FROM audit_log ORDER BY chain, seq")) {
      s.setFetchSize(1000);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String entryChain = rs.getString("chain");
          if (!entryChain.equals(chain)) {
            chain = entryChain;
            prev = GENESIS;
            expected = 1;
          }
          long seq = rs.getLong("seq");
          if (seq != expected) {
            return broken(n, ends, chain, expected, "entry " + expected + " is missing");
          }
          if (!prev.equals(rs.getString("prev_hash"))) {
            return broken(n, ends, chain, seq, "prev_hash is not the hash of entry " + (seq - 1));
          }
          OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
          long micros = at.toEpochSecond() * 1_000_000L + at.getNano() / 1_000;
          String text =
              String.join(
                  "|",
                  Long.toString(seq),
                  Long.toString(micros),
                  rs.getString("actor"),
                  rs.getString("action"),
                  rs.getString("entity_type"),
                  rs.getString("entity_id"),
                  rs.getString("details"));
          // SHA-256 of the previous hash's 32 bytes and then the text's, as migrations V2/V8 write
          byte[] prevBytes = hex.parseHex(prev);
          byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
          byte[] chained = Arrays.copyOf(prevBytes, prevBytes.length + textBytes.length);
          System.arraycopy(textBytes, 0, chained, prevBytes.length, textBytes.length);
          String computed = Digests.sha256Hex(chained);
          if (!computed.equals(rs.getString("hash"))) {
            return broken(
                n, ends, chain, seq, "the entry's content does not match its hash (altered)");
          }
          if (Audit.MAIN.equals(chain) && OPEN.equals(rs.getString("action"))) {
            opened.add(rs.getString("entity_id"));
          }
          prev = computed;
          ends.put(chain, new End(seq, computed));
          expected++;
          n++;
        }
      }
    }
    Map<String, End> heads = new TreeMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT chain, seq, hash FROM audit_head");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        heads.put(rs.getString("chain"), new End(rs.getLong("seq"), rs.getString("hash")));
      }
    }
    if (!heads.containsKey(Audit.MAIN)) {
      return broken(n, ends, Audit.MAIN, 0, "the chain's head record is missing");
    }
    for (Map.Entry<String, End> e : ends.entrySet()) {
      if (!heads.containsKey(e.getKey())) {
        return broken(
            n, ends, e.getKey(), e.getValue().seq(), "the chain's head record is missing");
      }
    }
    for (Map.Entry<String, End> h : heads.entrySet()) {
      String name = h.getKey();
      End head = h.getValue();
      End end = ends.getOrDefault(name, new End(0, GENESIS));
      if (head.seq() != end.seq() || !head.hash().equals(end.hash())) {
        return broken(
            n,
            ends,
            name,
            end.seq() + 1,
            "the head says the chain ends at seq "
                + head.seq()
                + ", the log at "
                + end.seq()
                + " (entries removed from the end)");
      }
      if (!Audit.MAIN.equals(name) && !opened.contains(name)) {
        return broken(n, ends, name, 1, "the chain was never opened on the chain main");
      }
    }
    for (String name : opened) {
      if (!heads.containsKey(name)) {
        return broken(
            n, ends, name, 1, "the chain was opened on the chain main but is gone (removed whole)");
      }
    }
    return new Result(n, heads.size(), null, null, null);
  }

  /** The entry of {@code main} that records a chain's opening (migration V8). */
  static final String OPEN = "AUDIT_CHAIN_OPEN";

  private static Result broken(
      long entries, Map<String, End> ends, String chain, long seq, String problem) {
    return new Result(entries, ends.size(), chain, seq, problem);
  }
}
