package org.yizhan.gateway.identity;

import static org.yizhan.gateway.infra.db.schema.Tables.PERSON_IDENTITY;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;
import org.yizhan.core.model.IdNumber;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * An office's roster as CSV: imported whole or not at all, and exported.
 *
 * <p>Header: {@code person_id_no,person_name,category,valid_from,valid_to,confirmed,
 * lifted_out_date}. Each row adds an identity, or, when the office already records the person's
 * identity of that category over an overlapping period, becomes its next version (unchanged rows
 * change nothing). Rows never end identities that are missing from the file. Every row is checked
 * before anything is written; the first bad row refuses the whole file with its line number (422),
 * and a good file is written in one transaction with one audit entry.
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

  /** The most rows one file may hold. */
  public static final int MAX_ROWS = 50_000;

  static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{0,64}");

  static final String CURRENT_OF_PERSONS =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(
                  PERSON_IDENTITY.PERSON_ID_NO.eq(
                      DSL.any(DSL.field("{0}::varchar[]", String[].class, DSL.param("1")))))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .orderBy(PERSON_IDENTITY.ID)
              .forUpdate());

  static final String SUPERSEDE_MANY =
      Sql.render(
          Sql.dsl()
              .update(PERSON_IDENTITY)
              .set(PERSON_IDENTITY.SUPERSEDED_AT, Sql.p(2, PERSON_IDENTITY.SUPERSEDED_AT))
              .where(
                  PERSON_IDENTITY.ID.eq(
                      DSL.any(DSL.field("{0}::bigint[]", Long[].class, DSL.param("1"))))));

  static final String INSERT_MANY =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  PERSON_IDENTITY,
                  PERSON_IDENTITY.IDENTITY_ID,
                  PERSON_IDENTITY.VERSION,
                  PERSON_IDENTITY.PERSON_ID_NO,
                  PERSON_IDENTITY.PERSON_NAME,
                  PERSON_IDENTITY.OFFICE_CODE,
                  PERSON_IDENTITY.CATEGORY,
                  PERSON_IDENTITY.VALID_FROM,
                  PERSON_IDENTITY.VALID_TO,
                  PERSON_IDENTITY.CONFIRMED,
                  PERSON_IDENTITY.LIFTED_OUT_DATE,
                  PERSON_IDENTITY.RECORDED_AT,
                  PERSON_IDENTITY.RECORDED_BY)
              .select(
                  DSL.select(
                          DSL.field("r.identity_id::uuid", UUID.class),
                          DSL.field("r.version", Integer.class),
                          DSL.field("r.person", String.class),
                          DSL.field("r.name", String.class),
                          Sql.p(1, PERSON_IDENTITY.OFFICE_CODE),
                          DSL.field("r.category", String.class),
                          DSL.field("r.valid_from::date", LocalDate.class),
                          DSL.field("r.valid_to::date", LocalDate.class),
                          DSL.field("r.confirmed", Boolean.class),
                          DSL.field("r.lifted_out::date", LocalDate.class),
                          Sql.p(2, PERSON_IDENTITY.RECORDED_AT),
                          Sql.p(3, PERSON_IDENTITY.RECORDED_BY))
                      .from(
                          Sql.unnest(
                              "r (identity_id, version, person, name, category, valid_from,"
                                  + " valid_to, confirmed, lifted_out)",
                              Sql.array(4, "text"),
                              Sql.array(5, "int"),
                              Sql.array(6, "varchar"),
                              Sql.array(7, "text"),
                              Sql.array(8, "varchar"),
                              Sql.array(9, "text"),
                              Sql.array(10, "text"),
                              Sql.array(11, "bool"),
                              Sql.array(12, "text")))));

  static final String NOTIFY_ALL = IdentityService.NOTIFY;

  /** Counts of what an import did. */
  public record Imported(int rows, int registered, int changed, int unchanged) {}

  private final IdentityService identities;

  public IdentityRoster(IdentityService identities) {
    this.identities = identities;
  }

  /**
   * Imports a roster file whole, or refuses it whole naming the first bad line. Reading the file
   * (decoding, a workbook's unpacking) runs off the event loop.
   */
  public Future<Imported> importFile(
      Vertx vertx,
      ManagerPrincipal m,
      byte[] file,
      RosterFile.Format format,
      Function<Supplier<Future<Imported>>, Future<Imported>> guard) {
    return vertx
        .executeBlocking(
            () -> parse(file, format, IdNumber.latestBirthDate(identities.clock())), false)
        .compose(
            rows ->
                guard.apply(
                    () ->
                        identities
                            .pool()
                            .<Imported>withTransaction(
                                conn -> apply(conn, m, rows, Digests.sha256Hex(file)))
                            .andThen(ar -> identities.directory().invalidateAll())));
  }

  private Future<Imported> apply(
      SqlConnection conn, ManagerPrincipal m, List<IdentityService.Draft> rows, String fileSha) {
    String[] persons =
        rows.stream().map(IdentityService.Draft::personIdNo).distinct().toArray(String[]::new);
    return conn.preparedQuery(CURRENT_OF_PERSONS)
        .execute(Tuple.of(persons))
        .compose(
            current -> {
              Map<String, List<IdentityVersion>> byPerson = new HashMap<>();
              for (Row r : current) {
                IdentityVersion v = IdentityService.version(r);
                byPerson.computeIfAbsent(v.personIdNo(), k -> new ArrayList<>()).add(v);
              }
              Plan plan = plan(m, rows, byPerson);
              return write(conn, m, plan, fileSha);
            });
  }

  /** New versions to insert and versions to supersede; refuses ambiguous or foreign rows. */
  private record Plan(
      List<Long> supersede,
      List<UUID> ids,
      List<Integer> versions,
      List<IdentityService.Draft> drafts,
      int registered,
      int changed,
      int unchanged) {}

  private static Plan plan(
      ManagerPrincipal m,
      List<IdentityService.Draft> rows,
      Map<String, List<IdentityVersion>> byPerson) {
    List<Long> supersede = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    List<Integer> versions = new ArrayList<>();
    List<IdentityService.Draft> drafts = new ArrayList<>();
    int registered = 0;
    int changed = 0;
    int unchanged = 0;
    for (int i = 0; i < rows.size(); i++) {
      IdentityService.Draft d = rows.get(i);
      String at = "line " + (i + 2);
      if (!ManagingOffice.manages(m.officeCode(), d.personIdNo())) {
        String f = at + ": person_id_no";
        throw new Refusal(
            Refusal.Kind.FORBIDDEN,
            "NOT_MANAGING_OFFICE",
            f,
            f
                + " is a person managed by another office (the region of their household"
                + " registration); nothing was imported");
      }
      List<IdentityVersion> matches = new ArrayList<>();
      for (IdentityVersion v : byPerson.getOrDefault(d.personIdNo(), List.of())) {
        if (d.overlaps(v)) {
          matches.add(v);
        }
      }
      if (matches.size() > 1) {
        throw refused(
            at,
            "valid_from",
            "overlaps " + matches.size() + " recorded periods of " + d.category());
      }
      if (matches.isEmpty()) {
        ids.add(UUID.randomUUID());
        versions.add(1);
        drafts.add(d);
        registered++;
        continue;
      }
      IdentityVersion v = matches.get(0);
      if (!v.officeCode().equals(m.officeCode())) {
        throw refused(
            at,
            "person_id_no",
            "is recorded with " + d.category() + " by office " + v.officeCode());
      }
      if (IdentityService.draft(v).equals(d)) {
        unchanged++;
        continue;
      }
      supersede.add(v.rowId());
      ids.add(v.identityId());
      versions.add(v.version() + 1);
      drafts.add(d);
      changed++;
    }
    return new Plan(supersede, ids, versions, drafts, registered, changed, unchanged);
  }

  private Future<Imported> write(SqlConnection conn, ManagerPrincipal m, Plan p, String fileSha) {
    OffsetDateTime now = identities.now();
    int n = p.drafts().size();
    String[] ids = new String[n];
    Integer[] versions = new Integer[n];
    String[] persons = new String[n];
    String[] names = new String[n];
    String[] categories = new String[n];
    String[] from = new String[n];
    String[] to = new String[n];
    Boolean[] confirmed = new Boolean[n];
    String[] lifted = new String[n];
    for (int i = 0; i < n; i++) {
      IdentityService.Draft d = p.drafts().get(i);
      ids[i] = p.ids().get(i).toString();
      versions[i] = p.versions().get(i);
      persons[i] = d.personIdNo();
      names[i] = d.personName();
      categories[i] = d.category().name();
      from[i] = d.validFrom().toString();
      to[i] = d.validTo() == null ? null : d.validTo().toString();
      confirmed[i] = d.confirmed();
      lifted[i] = d.liftedOutDate() == null ? null : d.liftedOutDate().toString();
    }
    List<Future<?>> writes = new ArrayList<>();
    if (!p.supersede().isEmpty()) {
      writes.add(
          conn.preparedQuery(SUPERSEDE_MANY)
              .execute(Tuple.of(p.supersede().toArray(new Long[0]), now)));
    }
    if (n > 0) {
      writes.add(
          conn.preparedQuery(INSERT_MANY)
              .execute(
                  Tuple.tuple()
                      .addString(m.officeCode())
                      .addOffsetDateTime(now)
                      .addString(m.actor())
                      .addArrayOfString(ids)
                      .addArrayOfInteger(versions)
                      .addArrayOfString(persons)
                      .addArrayOfString(names)
                      .addArrayOfString(categories)
                      .addArrayOfString(from)
                      .addArrayOfString(to)
                      .addArrayOfBoolean(confirmed)
                      .addArrayOfString(lifted)));
      writes.add(conn.preparedQuery(NOTIFY_ALL).execute(Tuple.of("*")));
    }
    Imported result =
        new Imported(
            p.registered() + p.changed() + p.unchanged(),
            p.registered(),
            p.changed(),
            p.unchanged());
    writes.add(
        Audit.append(
            conn,
            m.actor(),
            "IDENTITY_IMPORT",
            "office",
            m.officeCode(),
            new JsonObject()
                .put("rows", result.rows())
                .put("registered", result.registered())
                .put("changed", result.changed())
                .put("unchanged", result.unchanged())
                .put("fileSha256", fileSha)));
    return Future.all(writes).map(x -> result);
  }

  /** Parses and checks every row; the first bad one refuses the file. */
  static List<IdentityService.Draft> parse(
      byte[] file, RosterFile.Format format, LocalDate latestBirth) {
    if (file == null || file.length == 0) {
      throw refused("line 1", "header", "the file is empty; expected " + String.join(",", HEADER));
    }
    List<IdentityService.Draft> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (format == RosterFile.Format.XLSX) {
      RosterXlsx.read(file, (h, l) -> accept(out, seen, h, l, false, latestBirth));
    } else {
      Iterator<RosterFile.Line> lines = RosterCsv.csv(RosterCsv.decode(file));
      RosterFile.Header h = null;
      while (lines.hasNext()) {
        RosterFile.Line l = lines.next();
        if (h == null) {
          h = RosterValues.header("line " + l.number(), l.cells());
          continue;
        }
        accept(out, seen, h, l, true, latestBirth);
      }
      if (h == null) {
        throw refused("line 1", "header", "the file is empty; " + RosterValues.expected());
      }
    }
    if (out.isEmpty()) {
      throw refused("line 2", "file", "no rows");
    }
    return out;
  }

  private static void accept(
      List<IdentityService.Draft> out,
      Set<String> seen,
      RosterFile.Header h,
      RosterFile.Line l,
      boolean sameWidth,
      LocalDate latestBirth) {
    List<String> row = l.cells();
    if (row.stream().allMatch(String::isEmpty)) {
      return;
    }
    String at = "line " + l.number();
    if (sameWidth && row.size() != h.width()) {
      throw refused(at, "file", "expected " + h.width() + " columns, got " + row.size());
    }
    if (out.size() >= MAX_ROWS) {
      throw refused(at, "file", "more than " + MAX_ROWS + " rows");
    }
    IdentityService.Draft d = row(at, h, row, latestBirth);
    String key = d.personIdNo() + "/" + d.category() + "/" + d.validFrom();
    if (!seen.add(key)) {
      throw refused(at, "person_id_no", "repeats an earlier row of the file");
    }
    out.add(d);
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

  /** The office's current identities as CSV: the import's columns, then id, version, recorded. */
  public static String exportCsv(List<IdentityVersion> current) {
    StringBuilder s = new StringBuilder(64 + current.size() * 96);
    s.append(String.join(",", HEADER)).append(",identity_id,version,recorded_at,recorded_by\n");
    for (IdentityVersion v : current) {
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
    return s.toString();
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
