package org.yizhan.gateway.identity;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The second long step of a roster import ({@link RosterImports}): the plan a preview showed,
 * applied exactly, or not at all.
 *
 * <p>In one transaction on the import's own JDBC connection: the identities table is locked against
 * other writers (SHARE ROW EXCLUSIVE: settlements go on reading; {@link #LOCK_TIMEOUT_MILLIS} at
 * most), and the plan's basis (the count and hash of the current rows of the file's persons, {@link
 * RosterImportRun#BASIS}) recomputed and compared. If any of those rows changed since the preview,
 * the plan may no longer be right: the job becomes STALE and nothing is written. Else the plan is
 * written in chunks of {@link #APPLY_CHUNK_LINES} lines (progress on a second connection, since the
 * job's row is updated last in the transaction), checked against the preview's counts, with one
 * audit entry and one NOTIFY, and the job becomes APPLIED in the same COMMIT.
 */
final class RosterImportApply {
  /** Lines written per statement (and per progress update). */
  static final int APPLY_CHUNK_LINES = 25_000;

  /** The longest the apply waits for the identities lock before it fails, milliseconds. */
  static final int LOCK_TIMEOUT_MILLIS = 15_000;

  static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = " + LOCK_TIMEOUT_MILLIS;

  static final String LOCK = "LOCK TABLE person_identity IN SHARE ROW EXCLUSIVE MODE";

  static final String PLANNED =
      "SELECT basis_rows, basis_md5, registered, changed, ended, unchanged, rows_read,"
          + " file_sha256, (SELECT coalesce(max(line), 0) FROM roster_import_row"
          + " WHERE import_id = ?) FROM roster_import WHERE id = ? AND state = 'APPLYING'";

  static final String PROGRESS =
      "UPDATE roster_import SET done = ?, updated_at = ? WHERE id = ? AND state = 'APPLYING'";

  static final String SUPERSEDE =
      "UPDATE person_identity p SET superseded_at = ? FROM roster_import_row r"
          + " WHERE r.import_id = ? AND r.line BETWEEN ? AND ? AND r.action IN ('CHANGE', 'END')"
          + " AND p.id = r.supersedes";

  static final String INSERT =
      "INSERT INTO person_identity (identity_id, version, person_id_no, person_name, office_code,"
          + " category, valid_from, valid_to, confirmed, lifted_out_date, recorded_at, recorded_by)"
          + " SELECT coalesce(identity_id, gen_random_uuid()), coalesce(version, 1), person_id_no,"
          + " person_name, ?, category, valid_from, valid_to, confirmed, lifted_out_date, ?, ?"
          + " FROM roster_import_row WHERE import_id = ? AND line BETWEEN ? AND ?"
          + " AND action <> 'SAME' ORDER BY line";

  static final String APPLIED =
      "UPDATE roster_import SET state = 'APPLIED', done = total, updated_at = ?, finished_at = ?"
          + " WHERE id = ? AND state = 'APPLYING'";

  static final String STALE =
      "UPDATE roster_import SET state = 'STALE', updated_at = ?, finished_at = ?, failure = ?"
          + " WHERE id = ? AND state = 'APPLYING'";

  static final String NOTIFY = "SELECT pg_notify('" + IdentityDirectory.CHANNEL + "', '*')";

  static final String AUDIT = "SELECT audit_append('main', ?, 'IDENTITY_IMPORT', 'office', ?, ?)";

  /** What the preview planned: its basis, its counts, and the job's last line. */
  private record Plan(
      long basisRows,
      String basisMd5,
      int registered,
      int changed,
      int ended,
      int unchanged,
      int rows,
      String sha256,
      int lastLine) {
    int written() {
      return registered + changed + ended;
    }
  }

  private final RosterImportRun run;
  private final Clock clock;

  RosterImportApply(RosterImportRun run, Clock clock) {
    this.run = run;
    this.clock = clock;
  }

  private Timestamp now() {
    return Timestamp.from(Instant.now(clock));
  }

  /**
   * Applies a job's plan as previewed, or marks it STALE when the roster changed since; the job was
   * claimed (APPLYING) by {@link RosterImports#confirm}.
   */
  void apply(UUID id, ManagerPrincipal m) throws SQLException {
    try (Connection c = run.connect();
        Connection progress = run.connect()) {
      progress.setAutoCommit(true);
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute(LOCK_TIMEOUT);
          s.execute(LOCK);
        }
        Plan plan = planned(c, id);
        if (!sameBasis(c, id, plan)) {
          c.rollback();
          stale(progress, id);
          return;
        }
        write(c, progress, id, m, plan);
        audit(c, id, m, plan);
        try (PreparedStatement p = c.prepareStatement(APPLIED)) {
          p.setTimestamp(1, now());
          p.setTimestamp(2, now());
          p.setObject(3, id);
          if (p.executeUpdate() == 0) {
            throw new RosterImportRun.Gone();
          }
        }
        RosterImportRun.deleteFile(c, id, true);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static Plan planned(Connection c, UUID id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(PLANNED)) {
      p.setObject(1, id);
      p.setObject(2, id);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw new RosterImportRun.Gone();
        }
        return new Plan(
            r.getLong(1),
            r.getString(2),
            r.getInt(3),
            r.getInt(4),
            r.getInt(5),
            r.getInt(6),
            r.getInt(7),
            r.getString(8),
            r.getInt(9));
      }
    }
  }

  /** Whether the current rows of the file's persons are the ones the plan was made against. */
  private static boolean sameBasis(Connection c, UUID id, Plan plan) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(RosterImportRun.BASIS)) {
      p.setObject(1, id);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        String md5 = plan.basisMd5() == null ? "" : plan.basisMd5();
        return r.getLong(1) == plan.basisRows() && r.getString(2).equals(md5);
      }
    }
  }

  /** Writes the plan in chunks of lines; checks it wrote what the preview counted. */
  private void write(Connection c, Connection progress, UUID id, ManagerPrincipal m, Plan plan)
      throws SQLException {
    Timestamp now = now();
    long superseded = 0;
    long inserted = 0;
    for (int from = 0; from <= plan.lastLine(); from += APPLY_CHUNK_LINES) {
      int to = from + APPLY_CHUNK_LINES - 1;
      try (PreparedStatement p = c.prepareStatement(SUPERSEDE)) {
        p.setTimestamp(1, now);
        p.setObject(2, id);
        p.setInt(3, from);
        p.setInt(4, to);
        superseded += p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement(INSERT)) {
        p.setString(1, m.officeCode());
        p.setTimestamp(2, now);
        p.setString(3, m.actor());
        p.setObject(4, id);
        p.setInt(5, from);
        p.setInt(6, to);
        inserted += p.executeUpdate();
      }
      try (PreparedStatement p = progress.prepareStatement(PROGRESS)) {
        p.setLong(1, inserted);
        p.setTimestamp(2, now());
        p.setObject(3, id);
        p.executeUpdate();
      }
    }
    if (superseded != plan.changed() + plan.ended() || inserted != plan.written()) {
      throw new IllegalStateException(
          "import "
              + id
              + " wrote "
              + inserted
              + " rows superseding "
              + superseded
              + ", its plan "
              + plan.written()
              + " superseding "
              + (plan.changed() + plan.ended()));
    }
  }

  /** The NOTIFY that drops every instance's cached identities, and the audit entry. */
  private static void audit(Connection c, UUID id, ManagerPrincipal m, Plan plan)
      throws SQLException {
    if (plan.written() > 0) {
      try (Statement s = c.createStatement()) {
        s.execute(NOTIFY);
      }
    }
    try (PreparedStatement p = c.prepareStatement(AUDIT)) {
      p.setString(1, m.actor());
      p.setString(2, m.officeCode());
      p.setString(
          3,
          new JsonObject()
              .put("importId", id.toString())
              .put("rows", plan.rows())
              .put("registered", plan.registered())
              .put("changed", plan.changed())
              .put("ended", plan.ended())
              .put("unchanged", plan.unchanged())
              .put("fileSha256", plan.sha256())
              .encode());
      p.execute();
    }
  }

  private void stale(Connection c, UUID id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(STALE)) {
      Timestamp now = now();
      p.setTimestamp(1, now);
      p.setTimestamp(2, now);
      p.setString(
          3,
          new JsonObject()
              .put("code", RosterImports.ROSTER_CHANGED)
              .put("field", "roster")
              .put(
                  "message",
                  "roster: the office's roster changed for people of this file since its preview;"
                      + " nothing was imported; upload the file again for a new preview")
              .encode());
      p.setObject(4, id);
      p.executeUpdate();
    }
    RosterImportRun.deleteFile(c, id, true);
  }
}
