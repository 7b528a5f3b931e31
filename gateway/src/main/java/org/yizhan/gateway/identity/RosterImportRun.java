package org.yizhan.gateway.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The first long step of a roster import ({@link RosterImports}), the check, run on an import
 * worker thread over its own JDBC connection (like the insured register's import: COPY, and no
 * event loop or pool connection taken from the settlements). The second, the apply, is {@link
 * RosterImportApply}.
 *
 * <p>The file's parts are read from the database as one stream (a CSV decoded strictly as UTF-8,
 * else read again as GB18030; a workbook unpacked from memory), every row checked on its own
 * ({@link IdentityRoster#read}) and the good ones copied into {@code roster_import_row} in batches,
 * the heartbeat and progress (bytes read) written after each. Then, set-based against the
 * identities recorded now: rows overlapping each other, rows overlapping two recorded periods, rows
 * of a period another office records, two rows changing one recorded period; each refuses its line.
 * Then the plan (NEW, CHANGE, END, SAME per row) and its basis (the count and hash of the current
 * rows of the file's persons) are stored with the counts, in one REPEATABLE READ transaction, so
 * they describe one moment. Nothing of the roster is written.
 */
final class RosterImportRun {
  /** Rows copied per COPY (and per progress update) while checking. */
  static final int STAGE_BATCH_ROWS = 5_000;

  /** Where the gateway's database is, for the run's own JDBC connections. */
  record Target(String jdbcUrl, String user, String password) {}

  /** The job was cancelled (or taken over) while this run worked on it: stop, write nothing. */
  static final class Gone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Gone() {
      super("the import job is no longer this run's", null, false, false);
    }
  }

  private final Target target;
  private final Clock clock;

  RosterImportRun(Target target, Clock clock) {
    this.target = target;
    this.clock = clock;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }

  private Timestamp now() {
    return Timestamp.from(Instant.now(clock));
  }

  // ---- check

  static final String JOB =
      "SELECT office_code, content_type, declared_bytes FROM roster_import WHERE id = ?";

  static final String PART = "SELECT bytes FROM roster_import_part WHERE import_id = ? AND seq = ?";

  static final String CHECK_PROGRESS =
      "UPDATE roster_import SET done = ?, total = ?, rows_read = ?, updated_at = ?"
          + " WHERE id = ? AND state = 'CHECKING'";

  static final String COPY =
      "COPY roster_import_row (import_id, line, person_id_no, person_name, category, valid_from,"
          + " valid_to, confirmed, lifted_out_date) FROM STDIN (FORMAT text)";

  /** The refusals found so far: the first {@link RosterImports#REFUSED_SHOWN} by line, counted. */
  static final class Refused {
    final List<RosterImports.RefusedLine> first = new ArrayList<>();
    int count;

    void add(int line, Refusal r) {
      count++;
      first.add(
          new RosterImports.RefusedLine(
              line, r.kind().name(), r.code(), r.field(), r.getMessage()));
      first.sort((a, b) -> Integer.compare(a.line(), b.line()));
      if (first.size() > RosterImports.REFUSED_SHOWN) {
        first.remove(first.size() - 1);
      }
    }

    void clear() {
      first.clear();
      count = 0;
    }
  }

  /** Reads, checks and plans the job's file; leaves it PREVIEW, REFUSED or (on a fault) FAILED. */
  void check(UUID id, ManagerPrincipal m) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(true);
      String contentType;
      long declared;
      try (PreparedStatement p = c.prepareStatement(JOB)) {
        p.setObject(1, id);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw new Gone();
          }
          contentType = r.getString(2);
          declared = r.getLong(3);
        }
      }
      Refused refused = new Refused();
      Stager stager = new Stager(c, id, declared);
      String sha;
      try {
        sha = read(c, id, m, contentType, refused, stager);
      } catch (Refusal whole) {
        refused.clear();
        refused.add(lineOf(whole.field()), whole);
        finish(c, id, null, refused, 0);
        return;
      }
      plan(c, id, m, sha, refused, stager.rows + refused.count);
    }
  }

  /** Reads the file into the staging rows; returns its SHA-256. Throws a whole-file refusal. */
  private String read(
      Connection c, UUID id, ManagerPrincipal m, String contentType, Refused refused, Stager stager)
      throws SQLException {
    byte[] head = new byte[8];
    int headBytes;
    try (InputStream in = new Parts(c, id, null)) {
      headBytes = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RosterFile.Format format =
        RosterFile.format(java.util.Arrays.copyOf(head, headBytes), contentType);
    var latestBirth = IdNumber.latestBirthDate(clock);
    if (format == RosterFile.Format.XLSX) {
      byte[] all = all(c, id);
      // a workbook's rows cannot be counted before they are read: progress is the rows read
      stager.total = 0;
      stager.progress(0);
      try {
        IdentityRoster.read(
            format, null, all, m.officeCode(), latestBirth, row -> stager.accept(row, refused));
      } catch (Refusal r) {
        stager.rethrowEscaped();
        throw r;
      }
      stager.flush();
      return hex(digest(all));
    }
    for (Charset charset : RosterCsv.ENCODINGS) {
      MessageDigest sha = sha256();
      try (Parts in = new Parts(c, id, sha);
          Reader text = new InputStreamReader(in, RosterCsv.strict(charset))) {
        stager.bytes = in::consumed;
        try {
          IdentityRoster.read(
              format, text, null, m.officeCode(), latestBirth, row -> stager.accept(row, refused));
        } catch (Refusal r) {
          stager.rethrowEscaped();
          throw r;
        }
        stager.flush();
        return hex(sha.digest());
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof CharacterCodingException)) {
          throw e;
        }
        // not this encoding: forget what was read in it and read the file again in the next
        stager.restart();
        refused.clear();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw RosterCsv.notText(all(c, id));
  }

  /** Copies checked rows into the job's staging rows in batches, with the heartbeat. */
  private final class Stager {
    final Connection c;
    final UUID id;
    long total;
    final StringBuilder batch = new StringBuilder(1 << 16);
    int batched;
    int rows;
    Exception escaped;
    java.util.function.LongSupplier bytes = () -> 0;

    Stager(Connection c, UUID id, long total) {
      this.c = c;
      this.id = id;
      this.total = total;
    }

    void accept(IdentityRoster.Checked row, Refused refused) {
      if (row.refusal() != null) {
        refused.add(row.line(), row.refusal());
        return;
      }
      rows++;
      append(batch, id, row.line(), row.draft());
      if (++batched >= STAGE_BATCH_ROWS) {
        try {
          flush();
        } catch (SQLException | RuntimeException e) {
          // The workbook reader turns any exception but a refusal into "not a readable workbook":
          // keep the real one, pass a refusal through the reader, and rethrow the real one after.
          escaped = e;
          throw new Refusal(Refusal.Kind.UNAVAILABLE, "IMPORT_FAILED", null, "staging failed");
        }
      }
    }

    /** Rethrows what a batch's write threw inside the reader, if anything did. */
    void rethrowEscaped() throws SQLException {
      Exception e = escaped;
      escaped = null;
      if (e instanceof SQLException) {
        throw (SQLException) e;
      }
      if (e != null) {
        throw (RuntimeException) e;
      }
    }

    void flush() throws SQLException {
      if (batched > 0) {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        boolean done = false;
        try {
          byte[] b = batch.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(b, 0, b.length);
          copy.endCopy();
          done = true;
        } finally {
          if (!done && copy.isActive()) {
            copy.cancelCopy();
          }
        }
        batch.setLength(0);
        batched = 0;
      }
      progress(bytes.getAsLong());
    }

    void progress(long done) throws SQLException {
      try (PreparedStatement p = c.prepareStatement(CHECK_PROGRESS)) {
        p.setLong(1, total == 0 ? 0 : Math.min(done, total));
        p.setLong(2, total);
        p.setInt(3, rows);
        p.setTimestamp(4, now());
        p.setObject(5, id);
        if (p.executeUpdate() == 0) {
          throw new Gone();
        }
      }
    }

    void restart() throws SQLException {
      batch.setLength(0);
      batched = 0;
      rows = 0;
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM roster_import_row WHERE import_id = ?")) {
        p.setObject(1, id);
        p.executeUpdate();
      }
    }
  }

  /** One COPY text row; a name holds no control character, so only a backslash is escaped. */
  private static void append(StringBuilder out, UUID id, int line, IdentityService.Draft d) {
    out.append(id).append('\t').append(line).append('\t').append(d.personIdNo()).append('\t');
    out.append(d.personName() == null ? "\\N" : d.personName().replace("\\", "\\\\"));
    out.append('\t').append(d.category().name()).append('\t').append(d.validFrom()).append('\t');
    out.append(d.validTo() == null ? "\\N" : d.validTo().toString()).append('\t');
    out.append(d.confirmed()).append('\t');
    out.append(d.liftedOutDate() == null ? "\\N" : d.liftedOutDate().toString()).append('\n');
  }

  /** The parts of a job's file as one stream, fetched one part at a time, hashed as read. */
  private static final class Parts extends InputStream {
    final Connection c;
    final UUID id;
    final MessageDigest sha;
    byte[] part = new byte[0];
    int at;
    int seq;
    long read;
    boolean end;

    Parts(Connection c, UUID id, MessageDigest sha) {
      this.c = c;
      this.id = id;
      this.sha = sha;
    }

    long consumed() {
      return read;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (at >= part.length) {
        if (end || !next()) {
          end = true;
          return -1;
        }
      }
      int n = Math.min(len, part.length - at);
      System.arraycopy(part, at, b, off, n);
      at += n;
      read += n;
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    private boolean next() throws IOException {
      try (PreparedStatement p = c.prepareStatement(PART)) {
        p.setObject(1, id);
        p.setInt(2, seq);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return false;
          }
          part = r.getBytes(1);
          at = 0;
          seq++;
          if (sha != null) {
            sha.update(part);
          }
          return true;
        }
      } catch (SQLException e) {
        throw new IOException("reading part " + seq + " of import " + id, e);
      }
    }
  }

  private static byte[] all(Connection c, UUID id) {
    try (InputStream in = new Parts(c, id, null)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the set-based checks and the plan

  /**
   * The current identity rows of the job's persons that overlap a row: the row's matches, computed
   * once into a temporary table that the refusals and the plan both read.
   */
  static final String MATCH_TABLE =
      "CREATE TEMP TABLE roster_match (line integer, category varchar(20), id bigint,"
          + " identity_id uuid, version integer, office_code char(6), same boolean, ends boolean,"
          + " n bigint) ON COMMIT DROP";

  static final String MATCHES =
      "INSERT INTO roster_match"
          + " SELECT r.line, r.category, v.id, v.identity_id, v.version, v.office_code,"
          + " (v.person_name, v.valid_from, v.valid_to, v.confirmed, v.lifted_out_date)"
          + " IS NOT DISTINCT FROM (r.person_name, r.valid_from, r.valid_to, r.confirmed,"
          + " r.lifted_out_date) AS same,"
          + " (r.valid_to IS NOT NULL AND (v.valid_to IS NULL OR r.valid_to < v.valid_to)) AS ends,"
          + " count(*) OVER (PARTITION BY r.line) AS n"
          + " FROM roster_import_row r JOIN person_identity v"
          + " ON v.person_id_no = r.person_id_no AND v.superseded_at IS NULL"
          + " AND v.category = r.category"
          + " AND (v.valid_to IS NULL OR v.valid_to >= r.valid_from)"
          + " AND (r.valid_to IS NULL OR r.valid_to >= v.valid_from)"
          + " WHERE r.import_id = ?";

  /**
   * Every refused line with why: two recorded periods overlapped, a period another office records,
   * a recorded period two lines change, a row repeating or overlapping an earlier row of the file.
   * Parameters: the office, the job.
   */
  static final String SET_REFUSALS =
      "WITH m AS (SELECT * FROM roster_match)"
          + " SELECT DISTINCT ON (line) line, why, category, detail FROM ("
          + " SELECT line, 1 AS o, 'RECORDED_TWICE' AS why, category, n::text AS detail FROM m"
          + " WHERE n > 1"
          + " UNION ALL SELECT line, 2, 'OTHER_OFFICE', category, office_code FROM m"
          + " WHERE n = 1 AND office_code <> ?"
          + " UNION ALL SELECT line, 3, 'SAME_PERIOD', category, first_line::text FROM ("
          + " SELECT line, category, min(line) OVER (PARTITION BY id) AS first_line FROM m"
          + " WHERE n = 1) x WHERE line <> first_line"
          + " UNION ALL SELECT line, 4, CASE WHEN prev_from = valid_from THEN 'REPEATS'"
          + " ELSE 'OVERLAPS' END, category, NULL FROM ("
          + " SELECT line, category, valid_from, lag(valid_from) OVER w AS prev_from,"
          + " max(coalesce(valid_to, 'infinity'::date)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING"
          + " AND 1 PRECEDING) AS reach"
          + " FROM roster_import_row WHERE import_id = ?"
          + " WINDOW w AS (PARTITION BY person_id_no, category ORDER BY valid_from, line)) y"
          + " WHERE reach >= valid_from"
          + ") bad ORDER BY line, o";

  /** Each row's action, from its one match of this office (rows without one stay NEW). */
  static final String PLAN =
      "UPDATE roster_import_row r SET action = CASE WHEN m.same THEN 'SAME'"
          + " WHEN m.ends THEN 'END' ELSE 'CHANGE' END, supersedes = CASE WHEN m.same THEN NULL"
          + " ELSE m.id END, identity_id = m.identity_id, version = m.version + 1"
          + " FROM roster_match m WHERE r.import_id = ? AND r.line = m.line AND m.n = 1";

  static final String COUNTS =
      "SELECT count(*) FILTER (WHERE action = 'NEW'), count(*) FILTER (WHERE action = 'CHANGE'),"
          + " count(*) FILTER (WHERE action = 'END'), count(*) FILTER (WHERE action = 'SAME')"
          + " FROM roster_import_row WHERE import_id = ?";

  /** The current rows of the job's persons, counted and hashed: what the plan was made against. */
  static final String BASIS =
      " SELECT count(*), coalesce(md5(string_agg(id::text, ',' ORDER BY id)), '') FROM ("
          + " SELECT id FROM person_identity WHERE superseded_at IS NULL AND person_id_no IN"
          + " (SELECT person_id_no FROM roster_import_row WHERE import_id = ?)) b";

  static final String FINISH_CHECK =
      "UPDATE roster_import SET state = ?, updated_at = ?, checked_at = ?, done = total,"
          + " file_sha256 = ?, rows_read = ?, registered = ?, changed = ?, ended = ?, unchanged = ?,"
          + " refused_lines = ?, refused = ?, basis_rows = ?, basis_md5 = ?"
          + " WHERE id = ? AND state = 'CHECKING'";

  private void plan(
      Connection c, UUID id, ManagerPrincipal m, String sha, Refused refused, int rows)
      throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE roster_import_row");
        s.execute(MATCH_TABLE);
      }
      try (PreparedStatement p = c.prepareStatement(MATCHES)) {
        p.setObject(1, id);
        p.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE roster_match");
      }
      try (PreparedStatement p = c.prepareStatement(SET_REFUSALS)) {
        p.setString(1, m.officeCode());
        p.setObject(2, id);
        p.setFetchSize(1000);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            refused.add(
                r.getInt(1),
                setRefusal(r.getInt(1), r.getString(2), r.getString(3), r.getString(4)));
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement(PLAN)) {
        p.setObject(1, id);
        p.executeUpdate();
      }
      int[] counts = new int[4];
      try (PreparedStatement p = c.prepareStatement(COUNTS)) {
        p.setObject(1, id);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          for (int i = 0; i < 4; i++) {
            counts[i] = r.getInt(i + 1);
          }
        }
      }
      long basisRows;
      String basisMd5;
      try (PreparedStatement p = c.prepareStatement(BASIS)) {
        p.setObject(1, id);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          basisRows = r.getLong(1);
          basisMd5 = r.getString(2);
        }
      }
      boolean ok = refused.count == 0;
      try (PreparedStatement p = c.prepareStatement(FINISH_CHECK)) {
        Timestamp now = now();
        p.setString(1, ok ? "PREVIEW" : "REFUSED");
        p.setTimestamp(2, now);
        p.setTimestamp(3, now);
        p.setString(4, sha);
        p.setInt(5, rows);
        for (int i = 0; i < 4; i++) {
          p.setInt(6 + i, counts[i]);
        }
        p.setInt(10, refused.count);
        p.setString(11, json(refused.first));
        p.setLong(12, basisRows);
        p.setString(13, basisMd5.isEmpty() ? null : basisMd5);
        p.setObject(14, id);
        if (p.executeUpdate() == 0) {
          throw new Gone();
        }
      }
      deleteFile(c, id, !ok);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** A refused job or a whole-file refusal: REFUSED with its lines, the file and rows dropped. */
  private void finish(Connection c, UUID id, String sha, Refused refused, int rows)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement p = c.prepareStatement(FINISH_CHECK)) {
        Timestamp now = now();
        p.setString(1, "REFUSED");
        p.setTimestamp(2, now);
        p.setTimestamp(3, now);
        p.setString(4, sha);
        p.setInt(5, rows);
        for (int i = 0; i < 4; i++) {
          p.setInt(6 + i, 0);
        }
        p.setInt(10, refused.count);
        p.setString(11, json(refused.first));
        p.setNull(12, java.sql.Types.BIGINT);
        p.setNull(13, java.sql.Types.CHAR);
        p.setObject(14, id);
        if (p.executeUpdate() == 0) {
          throw new Gone();
        }
      }
      deleteFile(c, id, true);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static void deleteFile(Connection c, UUID id, boolean rowsToo) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM roster_import_part WHERE import_id = ?")) {
      p.setObject(1, id);
      p.executeUpdate();
    }
    if (rowsToo) {
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM roster_import_row WHERE import_id = ?")) {
        p.setObject(1, id);
        p.executeUpdate();
      }
    }
  }

  /** The refusal of a line the set-based checks found, worded as the row checks word theirs. */
  static Refusal setRefusal(int line, String why, String category, String detail) {
    String at = "line " + line;
    switch (why) {
      case "RECORDED_TWICE":
        return IdentityRoster.refused(
            at, "valid_from", "overlaps " + detail + " recorded periods of " + category);
      case "OTHER_OFFICE":
        return IdentityRoster.refused(
            at, "person_id_no", "is recorded with " + category + " by office " + detail);
      case "SAME_PERIOD":
        return IdentityRoster.refused(
            at, "valid_from", "changes the same recorded period as line " + detail);
      case "REPEATS":
        return IdentityRoster.refused(at, "person_id_no", "repeats an earlier row of the file");
      default:
        return IdentityRoster.refused(
            at,
            "valid_from",
            "overlaps an earlier row of the file of the same person and category");
    }
  }

  private static final Pattern LINE = Pattern.compile("line (\\d+)");

  /** The line a refusal's field names ({@code line 3: category}), or 0 for the file. */
  static int lineOf(String field) {
    if (field == null) {
      return 0;
    }
    Matcher m = LINE.matcher(field);
    return m.lookingAt() ? Integer.parseInt(m.group(1)) : 0;
  }

  static String json(List<RosterImports.RefusedLine> lines) {
    JsonArray a = new JsonArray();
    for (RosterImports.RefusedLine l : lines) {
      a.add(
          new JsonObject()
              .put("line", l.line())
              .put("kind", l.kind())
              .put("code", l.code())
              .put("field", l.field())
              .put("message", l.message()));
    }
    return a.encode();
  }

  // ---- small things

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] digest(byte[] bytes) {
    return sha256().digest(bytes);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
