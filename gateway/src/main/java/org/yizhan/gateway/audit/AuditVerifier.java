package org.yizhan.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * Walks the audit log's hash chain from the first entry and reports the first broken link: an entry
 * whose sequence number skips, whose {@code prev_hash} is not the previous entry's hash, or whose
 * hash is not SHA-256 of the previous hash and its own canonical text (migration V2 defines both).
 * Finally the chain's recorded head must be the last entry, so a removed tail shows too. Reads in
 * one repeatable-read snapshot with a cursor, so a log of millions of entries streams in constant
 * memory while the gateway keeps appending.
 */
public final class AuditVerifier {
  /** What a walk found: the entries checked, and the first broken link if any. */
  public record Result(long entries, long lastSeq, Long brokenAtSeq, String problem) {
    public boolean intact() {
      return brokenAtSeq == null;
    }

    @Override
    public String toString() {
      return intact()
          ? "audit chain intact: " + entries + " entries, last seq " + lastSeq
          : "audit chain BROKEN at seq " + brokenAtSeq + ": " + problem;
    }
  }

  static final String GENESIS = "0".repeat(64);

  private AuditVerifier() {}

  /** Verifies the chain of the database {@code c} is connected to. */
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

  private static Result walk(Connection c) throws SQLException {
    MessageDigest sha = sha256();
    HexFormat hex = HexFormat.of();
    String prev = GENESIS;
    long expected = 1;
    long n = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT seq, at, actor, action, entity_type, entity_id, details, prev_hash, hash"
                + " FROM audit_log ORDER BY seq")) {
      s.setFetchSize(1000);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong("seq");
          if (seq != expected) {
            return new Result(n, expected - 1, expected, "entry " + expected + " is missing");
          }
          if (!prev.equals(rs.getString("prev_hash"))) {
            return new Result(n, seq - 1, seq, "prev_hash is not the hash of entry " + (seq - 1));
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
          sha.reset();
          sha.update(hex.parseHex(prev));
          String computed = hex.formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
          if (!computed.equals(rs.getString("hash"))) {
            return new Result(
                n, seq - 1, seq, "the entry's content does not match its hash (altered)");
          }
          prev = computed;
          expected++;
          n++;
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        return new Result(n, expected - 1, expected, "the chain's head record is missing");
      }
      if (rs.getLong("seq") != expected - 1 || !prev.equals(rs.getString("hash"))) {
        return new Result(
            n,
            expected - 1,
            expected,
            "the head says the chain ends at seq "
                + rs.getLong("seq")
                + ", the log at "
                + (expected - 1)
                + " (entries removed from the end)");
      }
    }
    return new Result(n, expected - 1, null, null);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
