package org.yizhan.gateway.identity;

import static org.yizhan.gateway.infra.db.schema.Tables.PERSON_IDENTITY;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.io.Reader;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdNumber;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * An office's roster as a file: its rows read and checked one by one, and its export.
 *
 * <p>Header: {@code person_id_no,person_name,category,valid_from,valid_to,confirmed,
 * lifted_out_date} (or the Chinese names, see {@link RosterFile}). Each row adds an identity, or,
 * when the office already records the person's identity of that category over an overlapping
 * period, becomes its next version (unchanged rows change nothing). Rows never end identities that
 * are missing from the file. What a file would do is planned and shown before anything is written,
 * and applied whole or not at all: {@link RosterImports}.
 */
public final class IdentityRoster {
  public static final List<String> HEADER =
      List.of(
          "person_id_no",
          "person_name",
          "category",
          "valid_from",
          "valid_to",
          "confirmed",
          "lifted_out_date");

  /**
   * The most rows one file may hold: a county's roster (tens of thousands) several times over. The
   * file is read as a stream into the job's rows in the database, so the gateway's memory does not
   * grow with it; the bound keeps one upload's work (200,000 rows took 13 s to preview and 15 s to
   * write on a loaded 2-core machine, docs/performance.md) and its rows in the database bounded.
   */
  public static final int MAX_ROWS = 300_000;

  static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{0,64}");

  /** One data row of a file: its line, and its draft or why it is refused. */
  record Checked(int line, IdentityService.Draft draft, Refusal refusal) {}

  /**
   * Reads a roster file's rows, checking each on its own (its values, its ID number, that the
   * office manages the person) and calling {@code each} for every data row, good or refused, in
   * file order. A whole-file fault (the header, the encoding, the workbook, more than {@link
   * #MAX_ROWS} rows, no rows) is thrown. A CSV is read from {@code text}, a stream of characters
   * the caller decodes strictly; a character it cannot decode comes out of the reader as an {@link
   * java.io.UncheckedIOException} whose cause is a {@link
   * java.nio.charset.CharacterCodingException}.
   */
  static void read(
      RosterFile.Format format,
      Reader text,
      byte[] xlsx,
      String office,
      LocalDate latestBirth,
      Consumer<Checked> each) {
    int[] rows = {0};
    Consumer<Checked> counted =
        c -> {
          if (++rows[0] > MAX_ROWS) {
            throw refused("line " + c.line(), "file", "more than " + MAX_ROWS + " rows");
          }
          each.accept(c);
        };
    if (format == RosterFile.Format.XLSX) {
      RosterXlsx.read(xlsx, (h, l) -> accept(counted, h, l, false, office, latestBirth));
    } else {
      Iterator<RosterFile.Line> lines = RosterCsv.csv(text);
      RosterFile.Header h = null;
      while (lines.hasNext()) {
        RosterFile.Line l = lines.next();
        if (h == null) {
          h = RosterValues.header("line " + l.number(), l.cells());
          continue;
        }
        accept(counted, h, l, true, office, latestBirth);
      }
      if (h == null) {
        throw refused("line 1", "header", "the file is empty; " + RosterValues.expected());
      }
    }
    if (rows[0] == 0) {
      throw refused("line 2", "file", "no rows");
    }
  }

  private static void accept(
      Consumer<Checked> each,
      RosterFile.Header h,
      RosterFile.Line l,
      boolean sameWidth,
      String office,
      LocalDate latestBirth) {
    List<String> row = l.cells();
    if (row.stream().allMatch(String::isEmpty)) {
      return;
    }
    String at = "line " + l.number();
    try {
      if (sameWidth && row.size() != h.width()) {
        throw refused(at, "file", "expected " + h.width() + " columns, got " + row.size());
      }
      IdentityService.Draft d = row(at, h, row, latestBirth);
      if (!ManagingOffice.manages(office, d.personIdNo())) {
        String f = at + ": person_id_no";
        throw new Refusal(
            Refusal.Kind.FORBIDDEN,
            "NOT_MANAGING_OFFICE",
            f,
            f
                + " is a person managed by another office (the region of their household"
                + " registration); nothing was imported");
      }
      each.accept(new Checked(l.number(), d, null));
    } catch (Refusal r) {
      each.accept(new Checked(l.number(), null, r));
    }
  }

  private static IdentityService.Draft row(
      String at, RosterFile.Header h, List<String> c, LocalDate latestBirth) {
    for (int i = 0; i < c.size(); i++) {
      if ((i >= h.width() || h.blank()[i]) && !c.get(i).isEmpty()) {
        throw refused(at, "column " + (i + 1), "has a value but no header");
      }
    }
    String idNo;
    try {
      // latestBirth is today in UTC+18 by the gateway's clock: nobody is born in the future
      idNo = IdNumber.parse(h.value(c, RosterFile.Column.PERSON_ID_NO), latestBirth).value();
    } catch (IdNumber.Invalid e) {
      String f = at + ": person_id_no";
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          "INVALID_ID_NUMBER",
          f,
          f + " is not a valid ID number: " + e.getMessage() + "; nothing was imported");
    }
    String name = h.value(c, RosterFile.Column.PERSON_NAME);
    // The export writes '=... for a name starting with = + - @ (so no spreadsheet runs it).
    if (name.length() > 1 && name.charAt(0) == '\'' && "=+-@".indexOf(name.charAt(1)) >= 0) {
      name = name.substring(1);
    }
    if (!NAME.matcher(name).matches()) {
      throw refused(at, "person_name", "must be at most 64 printable characters");
    }
    IdentityCategory category = RosterValues.category(at, h.value(c, RosterFile.Column.CATEGORY));
    LocalDate from =
        RosterValues.date(at, "valid_from", h.value(c, RosterFile.Column.VALID_FROM), false);
    LocalDate to = RosterValues.date(at, "valid_to", h.value(c, RosterFile.Column.VALID_TO), true);
    boolean confirmed = RosterValues.bool(at, "confirmed", h.value(c, RosterFile.Column.CONFIRMED));
    LocalDate lifted =
        RosterValues.date(
            at, "lifted_out_date", h.value(c, RosterFile.Column.LIFTED_OUT_DATE), true);
    IdentityService.Draft d =
        new IdentityService.Draft(
            idNo, name.isEmpty() ? null : name, category, from, to, confirmed, lifted);
    try {
      d.check();
    } catch (Refusal e) {
      throw refused(at, e.field() == null ? "file" : snake(e.field()), e.getMessage());
    }
    return d;
  }

  private static String snake(String field) {
    return field.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  static Refusal refused(String at, String field, String why) {
    String f = at + ": " + field;
    return new Refusal(
        Refusal.Kind.UNPROCESSABLE, "IMPORT_REFUSED", f, f + " " + why + "; nothing was imported");
  }

  /** The export's header line: the import's columns, then id, version, recorded. */
  public static final String EXPORT_HEADER =
      String.join(",", HEADER) + ",identity_id,version,recorded_at,recorded_by\n";

  /** Current identities of an office, in the order of the roster's list, for the export. */
  static final String EXPORT =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(1, PERSON_IDENTITY.OFFICE_CODE)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .orderBy(PERSON_IDENTITY.PERSON_ID_NO, PERSON_IDENTITY.CATEGORY));

  /** Rows fetched per round trip of the export's cursor. */
  static final int EXPORT_FETCH_ROWS = 1000;

  /** Bytes of CSV gathered before they are written to the answer. */
  static final int EXPORT_CHUNK_CHARS = 1 << 16;

  private final IdentityService identities;

  public IdentityRoster(IdentityService identities) {
    this.identities = identities;
  }

  /**
   * Streams the office's current identities as CSV rows, after {@code prefix} (a BOM and {@link
   * #EXPORT_HEADER}), into {@code out}, from a cursor in one read-only transaction: a consistent
   * snapshot, with memory bounded by a chunk whatever the roster's size, and paused while {@code
   * out}'s queue is full (a slow download holds no more than that). Nothing is written before the
   * first rows (or the end) arrive, so a failure to start is still answered as a refusal.
   */
  public Future<Void> export(ManagerPrincipal m, String prefix, WriteStream<Buffer> out) {
    return identities
        .pool()
        .withTransaction(
            conn ->
                conn.prepare(EXPORT)
                    .compose(
                        ps -> {
                          Promise<Void> done = Promise.promise();
                          RowStream<Row> rows =
                              ps.createStream(EXPORT_FETCH_ROWS, Tuple.of(m.officeCode()));
                          StringBuilder chunk = new StringBuilder(EXPORT_CHUNK_CHARS + 512);
                          chunk.append(prefix);
                          rows.exceptionHandler(done::tryFail);
                          rows.endHandler(
                              v -> {
                                out.write(Buffer.buffer(chunk.toString()));
                                done.tryComplete();
                              });
                          rows.handler(
                              r -> {
                                appendCsv(chunk, IdentityService.version(r));
                                if (chunk.length() >= EXPORT_CHUNK_CHARS) {
                                  out.write(Buffer.buffer(chunk.toString()));
                                  chunk.setLength(0);
                                  if (out.writeQueueFull()) {
                                    rows.pause();
                                    out.drainHandler(x -> rows.resume());
                                  }
                                }
                              });
                          return done.future();
                        }));
  }

  /** The office's current identities as CSV: {@link #EXPORT_HEADER}, then one line each. */
  public static String exportCsv(List<IdentityVersion> current) {
    StringBuilder s = new StringBuilder(64 + current.size() * 96);
    s.append(EXPORT_HEADER);
    for (IdentityVersion v : current) {
      appendCsv(s, v);
    }
    return s.toString();
  }

  private static void appendCsv(StringBuilder s, IdentityVersion v) {
    s.append(v.personIdNo())
        .append(',')
        .append(v.personName() == null ? "" : csvText(v.personName()))
        .append(',')
        .append(v.category())
        .append(',')
        .append(v.validFrom())
        .append(',')
        .append(v.validTo() == null ? "" : v.validTo())
        .append(',')
        .append(v.confirmed())
        .append(',')
        .append(v.liftedOutDate() == null ? "" : v.liftedOutDate())
        .append(',')
        .append(v.identityId())
        .append(',')
        .append(v.version())
        .append(',')
        .append(v.recordedAt())
        .append(',')
        .append(v.recordedBy())
        .append('\n');
  }

  /** A CSV cell: quoted when it holds a comma, quote or line break; formulas neutralised. */
  static String csvText(String text) {
    String t = text;
    if (!t.isEmpty() && "=+-@".indexOf(t.charAt(0)) >= 0) {
      t = "'" + t;
    }
    if (t.contains(",") || t.contains("\"") || t.contains("\n")) {
      return '"' + t.replace("\"", "\"\"") + '"';
    }
    return t;
  }
}
