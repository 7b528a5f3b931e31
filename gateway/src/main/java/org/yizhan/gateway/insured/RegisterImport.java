package org.yizhan.gateway.insured;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.db.NotifiedCache;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.infra.sheet.XlsxSheet;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.Masking;

/**
 * The bulk import of a register file: a province's register is tens of millions of rows, so the
 * file is streamed (never held in memory) and loaded with PostgreSQL {@code COPY}, then checked and
 * merged set-based, all in one transaction: the file imports whole or not at all.
 *
 * <p>Why JDBC: the reactive client (vertx-pg-client) has no COPY. The PostgreSQL JDBC driver, which
 * the gateway already carries for Flyway, has {@link CopyIn}; the whole import runs on one bounded
 * worker thread (ImportJobs), on its own connection outside the reactive pool, so it takes neither
 * an event loop nor a pool connection from the settlements.
 *
 * <ol>
 *   <li>Read: the file decoded strictly as UTF-8 (a BOM dropped) or, when it is not UTF-8, read
 *       again as GB18030 (GBK's superset, Excel's "CSV" on Chinese Windows), or an .xlsx workbook's
 *       first sheet ({@link XlsxSheet}); each row checked on its own ({@link RegisterFile#row}: ID
 *       number, known region of the agency, values) and copied into a temporary staging table with
 *       its line number. A bad row refuses the file; the rest is still checked (nothing more
 *       copied), so that every bad line, up to {@link #MAX_REFUSALS}, is reported at once.
 *   <li>Validate, set-based, after locking the register against other writers (SHARE ROW EXCLUSIVE:
 *       reads, settlements' lookups included, go on): periods of one person and scheme overlapping
 *       each other in the file or the register's current enrolments (the rows the file does not
 *       replace); an enrolment of another agency's region replaced; a card number held by another
 *       person. Each names the first line at fault.
 *   <li>Merge: a row whose person, scheme and start date match a current enrolment is its new
 *       version (the old one superseded, or left alone when equal); any other row a new enrolment.
 *       Then one audit entry (rows, counts, the file's SHA-256), one NOTIFY on {@link
 *       EnrolmentCache#CHANNEL} with "*" and COMMIT.
 * </ol>
 *
 * <p>Why "*" and not each person: a file may change millions of persons, and a notification each
 * would queue as many payloads in PostgreSQL's notification queue and make every instance drop them
 * one by one; dropping every cached person instead costs each instance one register read per person
 * it settles next (the cache refills at the settlement rate), and imports are rare.
 */
final class RegisterImport {
  /** Rows a file may hold: a province's register with room. */
  static final long MAX_ROWS = 200_000_000L;

  /** COPY buffer flushed to the server at this many bytes. */
  static final int COPY_BUFFER_BYTES = 1 << 16;

  /** Bad lines reported of a refused file at most (the rest of the file is still read). */
  static final int MAX_REFUSALS = 100;

  /** Progress counters: rows read (checked and staged), validated, written; the bad lines. */
  static final class Counters {
    final AtomicLong read = new AtomicLong();
    final AtomicLong validated = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final AtomicLong unchanged = new AtomicLong();
    private final List<Refusal> refusals = new ArrayList<>();

    synchronized void refused(Refusal r) {
      if (refusals.size() < MAX_REFUSALS) {
        refusals.add(r);
      }
    }

    synchronized List<Refusal> refusals() {
      return List.copyOf(refusals);
    }

    synchronized void clearRefusals() {
      refusals.clear();
    }
  }

  /** Where the gateway's database is, for the import's own JDBC connection. */
  record Target(String jdbcUrl, String user, String password) {}

  private final Target target;
  private final Regions regions;
  private final Clock clock;

  RegisterImport(Target target, Regions regions, Clock clock) {
    this.target = target;
    this.regions = regions;
    this.clock = clock;
  }

  /** Imports {@code file} for the agency {@code m}. Blocking: run it on the import worker. */
  void run(ManagerPrincipal m, Path file, String sha256, Counters counters)
      throws SQLException, IOException {
    try (Connection c =
        DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute(STAGING);
        }
        LocalDate latestBirth = IdNumber.latestBirthDate(clock);
        // a cancelled COPY aborts the transaction: back to before it, the staging table kept
        if (isWorkbook(file)) {
          stageWorkbook(c, m, file, latestBirth, counters);
        } else {
          // a cancelled COPY aborts the transaction: back to before it, the staging table kept
          Savepoint beforeCopy = c.setSavepoint();
          try {
            stage(c, m, file, StandardCharsets.UTF_8, latestBirth, counters);
          } catch (CharacterCodingException notUtf8) {
            c.rollback(beforeCopy);
            counters.read.set(0);
            counters.clearRefusals();
            try {
              stage(c, m, file, Charset.forName("GB18030"), latestBirth, counters);
            } catch (CharacterCodingException neither) {
              throw RegisterFile.refused(
                  failingLine(file),
                  "file",
                  "is neither UTF-8 nor GB18030/GBK text; save the file as CSV (UTF-8) or CSV"
                      + " from Excel");
            }
          }
        }
        if (counters.read.get() == 0) {
          throw RegisterFile.refused(2, "file", "no rows");
        }
        validate(c, m);
        counters.validated.set(counters.read.get());
        merge(c, m, sha256, counters);
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  static final String STAGING =
      "CREATE TEMP TABLE insured_staging (line bigint NOT NULL, person_id_no varchar(32) NOT NULL,"
          + " admdvs char(6) NOT NULL, scheme varchar(10) NOT NULL, valid_from date NOT NULL,"
          + " valid_to date, contribution_year integer NOT NULL, contribution_status varchar(12)"
          + " NOT NULL, card_no varchar(32), card_sn varchar(32), person_name text, sex char(1),"
          + " birth_date date, employer_name text) ON COMMIT DROP";

  static final String COPY =
      "COPY insured_staging (line, person_id_no, admdvs, scheme, valid_from, valid_to,"
          + " contribution_year, contribution_status, card_no, card_sn, person_name, sex,"
          + " birth_date, employer_name) FROM STDIN (FORMAT text)";

  /**
   * The rows of a file on their way into the staging table: each checked on its own ({@link
   * RegisterFile#row}) and appended to the COPY. A bad row is kept (up to {@link #MAX_REFUSALS})
   * and nothing more is copied; the rest of the file is still checked, so that the agency sees
   * every bad line at once. {@link #end} refuses the file with the first.
   */
  private final class Stager {
    final CopyIn copy;
    final ManagerPrincipal m;
    final LocalDate latestBirth;
    final Counters counters;
    final StringBuilder out = new StringBuilder(COPY_BUFFER_BYTES + 1024);
    RegisterFile.Header header;
    long staged;
    boolean bad;

    Stager(CopyIn copy, ManagerPrincipal m, LocalDate latestBirth, Counters counters) {
      this.copy = copy;
      this.m = m;
      this.latestBirth = latestBirth;
      this.counters = counters;
    }

    void header(long line, List<String> names) {
      header = RegisterFile.header(line, names);
    }

    void row(long line, List<String> row) throws SQLException {
      if (row.stream().allMatch(String::isEmpty)) {
        return;
      }
      if (++staged > MAX_ROWS) {
        throw RegisterFile.refused(line, "file", "more than " + MAX_ROWS + " rows");
      }
      try {
        if (row.size() > header.width()) {
          for (int i = header.width(); i < row.size(); i++) {
            if (!row.get(i).isEmpty()) {
              throw RegisterFile.refused(line, "column " + (i + 1), "has a value but no header");
            }
          }
        }
        EnrolmentDraft d =
            RegisterFile.row(line, header, row, regions, m.officeCode(), latestBirth);
        if (!bad) {
          append(out, line, d);
        }
      } catch (Refusal r) {
        bad = true;
        counters.refused(r);
      }
      if (out.length() >= COPY_BUFFER_BYTES) {
        flush();
      }
    }

    private void flush() throws SQLException {
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      out.setLength(0);
      counters.read.set(staged);
    }

    void end() throws SQLException {
      if (header == null) {
        throw RegisterFile.refused(1, "header", "the file is empty; " + RegisterFile.expected());
      }
      if (bad) {
        throw counters.refusals().get(0);
      }
      flush();
      copy.endCopy();
    }
  }

  /**
   * Reads the CSV file in {@code charset} (strictly) and copies its rows into the staging table.
   */
  private void stage(
      Connection c,
      ManagerPrincipal m,
      Path file,
      Charset charset,
      LocalDate latestBirth,
      Counters counters)
      throws SQLException, IOException {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        Reader reader = new InputStreamReader(in, decoder)) {
      CsvMapper mapper = new CsvMapper();
      mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
      MappingIterator<List<String>> rows =
          mapper.readerForListOf(String.class).with(CsvSchema.emptySchema()).readValues(reader);
      Stager st = new Stager(copy, m, latestBirth, counters);
      long line = 0;
      while (next(rows)) {
        List<String> row = trimmed(rows.next());
        line++;
        if (st.header == null) {
          st.header(line, row);
        } else {
          st.row(line, row);
        }
      }
      st.end();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /** A register in an Excel workbook (.xlsx): its first sheet, through the floor's reader. */
  private void stageWorkbook(
      Connection c, ManagerPrincipal m, Path file, LocalDate latestBirth, Counters counters)
      throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
    try {
      Stager st = new Stager(copy, m, latestBirth, counters);
      XlsxSheet.read(
          () -> Files.newInputStream(file),
          XLSX_LIMITS,
          new XlsxSheet.Rows() {
            @Override
            public XlsxSheet.Columns header(int rowNumber, List<String> names) {
              st.header(rowNumber, names);
              return RegisterFile.columns(st.header);
            }

            @Override
            public void row(int rowNumber, List<String> cells) {
              try {
                st.row(rowNumber, cells);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            }
          });
      st.end();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /**
   * What a register workbook may cost: Excel's own sheet holds 1,048,576 rows, so a workbook is at
   * most one sheet of that with the register's 13 columns (and slack).
   */
  static final XlsxSheet.Limits XLSX_LIMITS =
      new XlsxSheet.Limits(2L << 30, 1000, 64, 1_048_576L * 32);

  /** Whether the file is a ZIP (an .xlsx workbook) rather than CSV text. */
  static boolean isWorkbook(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 'P'
          && magic[1] == 'K'
          && magic[2] == 3
          && magic[3] == 4;
    }
  }

  /** The CSV reader's next, a decoding failure passed on as itself. */
  private static boolean next(MappingIterator<List<String>> rows) throws IOException {
    try {
      return rows.hasNextValue();
    } catch (CharacterCodingException e) {
      throw e;
    } catch (IOException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        throw (CharacterCodingException) e.getCause();
      }
      throw RegisterFile.refused(0, "file", "not readable as CSV");
    }
  }

  private static List<String> trimmed(List<String> row) {
    for (int i = 0; i < row.size(); i++) {
      String s = row.get(i);
      row.set(i, s == null ? "" : s.trim());
    }
    return row;
  }

  /** One COPY text row; the values were checked to hold no tab, line break or backslash. */
  private static void append(StringBuilder out, long line, EnrolmentDraft d) {
    out.append(line).append('\t');
    out.append(d.personIdNo()).append('\t');
    out.append(d.admdvs()).append('\t');
    out.append(d.scheme().name()).append('\t');
    out.append(d.validFrom()).append('\t');
    cell(out, d.validTo()).append('\t');
    out.append(d.contributionYear()).append('\t');
    out.append(d.status().name()).append('\t');
    cell(out, d.cardNo()).append('\t');
    cell(out, d.cardSn()).append('\t');
    cell(out, d.personName()).append('\t');
    cell(out, d.sex()).append('\t');
    cell(out, d.birthDate()).append('\t');
    cell(out, d.employerName()).append('\n');
  }

  private static StringBuilder cell(StringBuilder out, Object value) {
    return value == null ? out.append("\\N") : out.append(value);
  }

  // ---- set-based checks

  /**
   * The register's current rows of the file's persons that no file row replaces, and the file's.
   */
  static final String AFTER =
      "CREATE TEMP TABLE insured_after ON COMMIT DROP AS"
          + " SELECT s.line, s.person_id_no, s.scheme, s.valid_from, s.valid_to"
          + " FROM insured_staging s"
          + " UNION ALL"
          + " SELECT NULL::bigint, e.person_id_no, e.scheme, e.valid_from, e.valid_to"
          + " FROM insured_enrolment e"
          + " WHERE e.superseded_at IS NULL"
          + " AND e.person_id_no IN (SELECT person_id_no FROM insured_staging)"
          + " AND NOT EXISTS (SELECT 1 FROM insured_staging s WHERE s.person_id_no ="
          + " e.person_id_no AND s.scheme = e.scheme AND s.valid_from = e.valid_from)";

  /**
   * The first line whose period overlaps an earlier-starting one of the same person and scheme (in
   * the file or kept from the register), and the earlier one's line (null: the register's).
   */
  static final String OVERLAP =
      "SELECT coalesce(line, prev_line) AS at, line, prev_line FROM ("
          + " SELECT line, valid_from, lag(line) OVER w AS prev_line,"
          + " max(coalesce(valid_to, 'infinity'::date)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING"
          + " AND 1 PRECEDING) AS reach"
          + " FROM insured_after WINDOW w AS (PARTITION BY person_id_no, scheme"
          + " ORDER BY valid_from, line NULLS FIRST)) x"
          + " WHERE reach >= valid_from AND coalesce(line, prev_line) IS NOT NULL"
          + " ORDER BY 1 LIMIT 1";

  /** The first line replacing a current enrolment of a region the agency does not act for. */
  static final String FOREIGN =
      "SELECT s.line, e.admdvs FROM insured_staging s JOIN insured_enrolment e"
          + " ON e.superseded_at IS NULL AND e.person_id_no = s.person_id_no"
          + " AND e.scheme = s.scheme AND e.valid_from = s.valid_from"
          + " WHERE e.admdvs NOT LIKE ? || '%' ORDER BY s.line LIMIT 1";

  /** The first line naming a card another person holds, in the register or earlier in the file. */
  static final String CARD =
      "SELECT min(line) FROM ("
          + " SELECT s.line FROM insured_staging s JOIN insured_enrolment e"
          + " ON e.superseded_at IS NULL AND e.card_no = s.card_no"
          + " AND e.person_id_no <> s.person_id_no"
          + " UNION ALL"
          + " SELECT max(line) FROM insured_staging WHERE card_no IS NOT NULL"
          + " GROUP BY card_no HAVING min(person_id_no) <> max(person_id_no)) x";

  private void validate(Connection c, ManagerPrincipal m) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE insured_enrolment IN SHARE ROW EXCLUSIVE MODE");
      s.execute("ANALYZE insured_staging");
      s.execute(AFTER);
      try (ResultSet r = s.executeQuery(OVERLAP)) {
        if (r.next()) {
          long at = r.getLong("at");
          long prev = r.getLong("prev_line");
          boolean prevIsFile = !r.wasNull();
          long line = r.getLong("line");
          boolean lineIsFile = !r.wasNull();
          String with =
              lineIsFile && prevIsFile
                  ? "overlaps line " + Math.min(prev, line) + " (the same person and scheme)"
                  : "overlaps a current enrolment of the same person and scheme in the register"
                      + " (end it first, or give its start date to change it)";
          throw new Refusal(
              Refusal.Kind.CONFLICT,
              "ENROLMENT_OVERLAP",
              "line " + (lineIsFile && prevIsFile ? Math.max(prev, line) : at) + ": valid_from",
              "line "
                  + (lineIsFile && prevIsFile ? Math.max(prev, line) : at)
                  + ": valid_from: the period "
                  + with
                  + "; nothing was imported");
        }
      }
    }
    try (PreparedStatement p = c.prepareStatement(FOREIGN)) {
      p.setString(1, Regions.prefix(m.officeCode()));
      try (ResultSet r = p.executeQuery()) {
        if (r.next()) {
          String f = "line " + r.getLong(1) + ": admdvs";
          throw new Refusal(
              Refusal.Kind.FORBIDDEN,
              "NOT_AGENCY_REGION",
              f,
              f
                  + ": the enrolment it replaces is region "
                  + r.getString(2)
                  + "'s, another agency's; nothing was imported");
        }
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(CARD)) {
      r.next();
      long line = r.getLong(1);
      if (!r.wasNull()) {
        String f = "line " + line + ": card_no";
        throw new Refusal(
            Refusal.Kind.CONFLICT,
            "CARD_OWNED",
            f,
            f + " is a social-security card registered to another person; nothing was imported");
      }
    }
  }

  // ---- the merge

  static final String PLAN =
      "CREATE TEMP TABLE insured_plan ON COMMIT DROP AS"
          + " SELECT s.*, e.id AS old_id, e.enrolment_id AS old_enrolment, e.version AS old_version,"
          + " (e.id IS NOT NULL AND (e.admdvs, e.valid_to, e.contribution_year,"
          + " e.contribution_status, e.card_no, e.card_sn, e.person_name, e.sex, e.birth_date,"
          + " e.employer_name) IS NOT DISTINCT FROM (s.admdvs, s.valid_to, s.contribution_year,"
          + " s.contribution_status, s.card_no, s.card_sn, s.person_name, s.sex, s.birth_date,"
          + " s.employer_name)) AS unchanged"
          + " FROM insured_staging s LEFT JOIN insured_enrolment e ON e.superseded_at IS NULL"
          + " AND e.person_id_no = s.person_id_no AND e.scheme = s.scheme"
          + " AND e.valid_from = s.valid_from";

  static final String SUPERSEDE =
      "UPDATE insured_enrolment e SET superseded_at = ? FROM insured_plan p"
          + " WHERE e.id = p.old_id AND NOT p.unchanged";

  static final String INSERT =
      "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
          + " valid_from, valid_to, contribution_year, contribution_status, card_no, card_sn,"
          + " person_name, sex, birth_date, employer_name, recorded_at, recorded_by)"
          + " SELECT coalesce(old_enrolment, gen_random_uuid()), coalesce(old_version, 0) + 1,"
          + " person_id_no, admdvs, scheme, valid_from, valid_to, contribution_year,"
          + " contribution_status, card_no, card_sn, person_name, sex, birth_date, employer_name,"
          + " ?, ? FROM insured_plan WHERE NOT unchanged ORDER BY line";

  static final String AUDIT = "SELECT audit_append('main', ?, 'REGISTER_IMPORT', 'region', ?, ?)";

  /** Every instance drops every cached person's enrolments once the import commits. */
  static final String NOTIFY =
      "SELECT pg_notify('" + EnrolmentCache.CHANNEL + "', '" + NotifiedCache.ALL + "')";

  private void merge(Connection c, ManagerPrincipal m, String sha256, Counters counters)
      throws SQLException {
    Timestamp now = Timestamp.from(Instant.now(clock));
    long superseded;
    long inserted;
    try (Statement s = c.createStatement()) {
      s.execute(PLAN);
    }
    try (PreparedStatement p = c.prepareStatement(SUPERSEDE)) {
      p.setTimestamp(1, now);
      superseded = p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement(INSERT)) {
      p.setTimestamp(1, now);
      p.setString(2, m.actor());
      inserted = p.executeUpdate();
    }
    counters.written.set(inserted);
    counters.unchanged.set(counters.read.get() - inserted);
    try (PreparedStatement p = c.prepareStatement(AUDIT)) {
      p.setString(1, m.actor());
      p.setString(2, m.officeCode());
      p.setString(
          3,
          new io.vertx.core.json.JsonObject()
              .put("rows", counters.read.get())
              .put("registered", inserted - superseded)
              .put("changed", superseded)
              .put("unchanged", counters.read.get() - inserted)
              .put("fileSha256", sha256)
              .encode());
      p.execute();
    }
    try (Statement s = c.createStatement()) {
      s.execute(NOTIFY);
    }
  }

  /** The line (1-based) of the first byte GB18030 cannot decode; the file is read in chunks. */
  static long failingLine(Path file) throws IOException {
    CharsetDecoder d =
        Charset.forName("GB18030")
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    long line = 1;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      CharBuffer chars = CharBuffer.allocate(1 << 16);
      boolean eof = false;
      while (!eof) {
        int n = in.read(buf.array(), buf.position(), buf.remaining());
        eof = n < 0;
        if (n > 0) {
          buf.position(buf.position() + n);
        }
        buf.flip();
        int start = buf.position();
        var result = d.decode(buf, chars, eof);
        for (int i = start; i < buf.position(); i++) {
          if (buf.get(i) == '\n') {
            line++;
          }
        }
        if (result.isError()) {
          return line;
        }
        chars.clear();
        buf.compact();
      }
    }
    return line;
  }

  /** For a log line: the agency and the file, never a row. */
  static String describe(ManagerPrincipal m, String sha256) {
    return "region "
        + m.officeCode()
        + " file "
        + sha256.substring(0, 12)
        + " by "
        + Masking.idNo(m.username());
  }
}
