package org.yizhan.gateway.simulation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyInputStream;
import org.yizhan.core.model.AccumulatorDelta;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;

/**
 * The SQL of a simulation: a period's live settlements of a region and scheme, with their claims'
 * lines and the identities each was settled with, read in settlement order per person inside one
 * read-only, repeatable-read transaction, so the count, the rows and the prepayment accounts see
 * one snapshot and nothing is ever written.
 *
 * <p>The keys are sorted first (person, settled at, id: small rows), then each claim's lines are
 * fetched by primary key in that order ({@code JOIN LATERAL}), so the sort never carries the lines'
 * arrays; the outer {@code ORDER BY} repeats the inner one and costs no second sort (the nested
 * loop keeps its outer order), which the benchmark's plan shows.
 *
 * <p>Read as binary {@code COPY (SELECT …) TO STDOUT} through pgjdbc's copy API and decoded by
 * {@link BinaryCopy}: amounts arrive as the server stores them and become fen with no text and no
 * {@code BigDecimal} in between; the server streams as fast as the replay takes the rows (the
 * socket's flow control bounds memory). COPY takes no parameters, so the selection's values are
 * written into the statement, each checked first ({@link Selection}'s constructor: digits and
 * letters only).
 *
 * <p>A period starting after 1 January is preceded, per person, by that year's earlier live
 * settlements ({@link Replayed.Prior}: their stored deltas, no lines read), so each side starts the
 * period from the year figures the person had. The deltas are what the settlements added to the
 * figures, and a reversed settlement is neither live nor counted, so reversals come out right.
 *
 * <p>Over JDBC on the simulation's worker thread, not the reactive pool: a replay is a batch job
 * that holds one connection for up to minutes and does CPU work as it reads; a stream on a thread
 * of its own never holds a pool connection the requests need. The same class runs in the load
 * tests' benchmark.
 */
public final class ClaimSource {
  /** The time zone of a day's bounds (a period's first and last day, top-ups within it). */
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /**
   * The most distinct identity lists remembered while reading (they repeat: a few per category).
   */
  static final int IDENTITY_CACHE = 1_024;

  /** $1..$2 the office codes in scope, $3 the scheme, $4..$5 the discharge dates (inclusive). */
  static final String WHERE =
      " WHERE s.status = 'SETTLED' AND s.office_code BETWEEN ? AND ?"
          + " AND c.scheme = ? AND c.discharge_date BETWEEN ? AND ?";

  public static final String COUNT =
      "SELECT count(*) FROM settlement s JOIN claim c ON c.id = s.claim_id" + WHERE;

  /** A settlement's key columns; the deltas NULL for the period's claims. */
  static final String KEYS =
      " s.id AS settlement_id, s.claim_id, s.person_id_no, s.office_code, s.hospital_code,"
          + " s.claim_no, c.scheme, c.hospital_level, c.admission_date, c.discharge_date,"
          + " s.settled_at";

  static final String DELTAS =
      " s.delta_basic_paid, s.delta_deductible_paid, s.delta_ci_base, s.delta_ci_paid,"
          + " s.delta_ma_base, s.delta_ma_paid";

  static final String NO_DELTAS =
      " NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,"
          + " NULL::numeric";

  /**
   * Which settlements a simulation replays.
   *
   * @param officeLow the lowest office code in scope (6 digits)
   * @param officeHigh the highest office code in scope (6 digits)
   * @param scheme the insurance scheme (capitals and underscores)
   * @param from the first discharge date
   * @param to the last discharge date (inclusive)
   */
  public record Selection(
      String officeLow, String officeHigh, String scheme, LocalDate from, LocalDate to) {
    static final Pattern OFFICE = Pattern.compile("[0-9]{6}");
    static final Pattern SCHEME = Pattern.compile("[A-Z_]{1,32}");

    public Selection {
      check(OFFICE, "officeLow", officeLow);
      check(OFFICE, "officeHigh", officeHigh);
      check(SCHEME, "scheme", scheme);
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("to " + to + " is before from " + from);
      }
    }

    private static void check(Pattern p, String what, String value) {
      if (value == null || !p.matcher(value).matches()) {
        throw new IllegalArgumentException(what + " must match " + p + ": " + value);
      }
    }

    /** The offices a region covers: itself, a city's districts, a province's cities. */
    public static Selection ofRegion(String region, String scheme, LocalDate from, LocalDate to) {
      String prefix =
          region.endsWith("0000")
              ? region.substring(0, 2)
              : region.endsWith("00") ? region.substring(0, 4) : region;
      return new Selection(
          (prefix + "000000").substring(0, 6),
          (prefix + "999999").substring(0, 6),
          scheme,
          from,
          to);
    }

    /** Whether the period starts after 1 January: the year's earlier settlements come first. */
    boolean midYear() {
      return from.getDayOfYear() > 1;
    }

    /** The same WHERE as {@link #WHERE}, its values written in (checked by the constructor). */
    String where(LocalDate first, LocalDate last) {
      return " WHERE s.status = 'SETTLED' AND s.office_code BETWEEN '"
          + officeLow
          + "' AND '"
          + officeHigh
          + "' AND c.scheme = '"
          + scheme
          + "' AND c.discharge_date BETWEEN '"
          + first
          + "' AND '"
          + last
          + "'";
    }
  }

  /**
   * The statement a simulation reads: the period's settlements (prior false) and, for a period
   * starting mid-year, that year's earlier ones (prior true, their deltas, no lines), per person
   * the earlier first, then in settlement order.
   */
  public static String select(Selection sel) {
    String keys =
        "SELECT false AS prior,"
            + KEYS
            + ", s.identities_used,"
            + NO_DELTAS
            + " FROM settlement s JOIN claim c ON c.id = s.claim_id"
            + sel.where(sel.from(), sel.to());
    if (sel.midYear()) {
      keys +=
          " UNION ALL SELECT true,"
              + KEYS
              + ", NULL,"
              + DELTAS
              + " FROM settlement s JOIN claim c ON c.id = s.claim_id"
              + sel.where(sel.from().withDayOfYear(1), sel.from().minusDays(1));
    }
    return "SELECT k.*, l.line_no, l.item_code, l.quantity, l.unit_price, l.amount FROM ("
        + keys
        + " ORDER BY person_id_no, prior DESC, settled_at, settlement_id) k"
        + " LEFT JOIN LATERAL (SELECT cl.line_no, cl.item_code, cl.quantity, cl.unit_price,"
        + " cl.amount FROM claim_lines cl WHERE cl.claim_id = k.claim_id AND NOT k.prior) l"
        + " ON true ORDER BY k.person_id_no, k.prior DESC, k.settled_at, k.settlement_id";
  }

  private ClaimSource() {}

  /**
   * Opens the read-only snapshot on {@code c} (autocommit off, repeatable read; the caller rolls
   * back or closes when done) with memory for the keys' sort.
   */
  public static void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setReadOnly(true);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL work_mem = '64MB'");
      // the lines by primary key in the keys' order (a nested loop), never a hash join whose
      // result must be sorted again with every line's arrays in it (see the class comment)
      s.execute("SET LOCAL enable_hashjoin = off");
      s.execute("SET LOCAL enable_mergejoin = off");
    }
  }

  /** How many settlements {@code sel} holds. */
  public static long count(Connection c, Selection sel) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(COUNT)) {
      ps.setString(1, sel.officeLow());
      ps.setString(2, sel.officeHigh());
      ps.setString(3, sel.scheme());
      ps.setDate(4, Date.valueOf(sel.from()));
      ps.setDate(5, Date.valueOf(sel.to()));
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /**
   * Streams {@code sel}'s settlements to {@code sink} in settlement order per person (a person's
   * earlier settlements of the year first), stopping early when {@code stop} says so (asked between
   * rows).
   */
  public static void stream(
      Connection c, Selection sel, Consumer<Replayed> sink, BooleanSupplier stop)
      throws SQLException, IOException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    CopyOut out = copy.copyOut("COPY (" + select(sel) + ") TO STDOUT (FORMAT binary)");
    try {
      BinaryCopy in = new BinaryCopy(new PGCopyInputStream(out));
      Map<String, List<Identity>> identities = new LinkedHashMap<>(64, 0.75f, true);
      while (in.row() >= 0) {
        sink.accept(row(in, identities));
        if (stop.getAsBoolean()) {
          break;
        }
      }
    } finally {
      if (out.isActive()) {
        out.cancelCopy();
      }
    }
  }

  private static Replayed row(BinaryCopy in, Map<String, List<Identity>> cache) throws IOException {
    boolean prior = in.bool();
    String settlementId = in.uuid();
    in.skip(in.field()); // claim id
    String person = in.text();
    String office = in.text();
    String hospital = in.text();
    String claimNo = in.text();
    String scheme = in.text();
    int level = in.integer();
    LocalDate admission = in.date();
    LocalDate discharge = in.date();
    long settledAt = in.micros();
    String identitiesJson = in.text();
    if (prior) {
      long[] d = new long[6];
      for (int i = 0; i < d.length; i++) {
        d[i] = in.numeric(2);
      }
      for (int i = 0; i < 5; i++) {
        in.skip(in.field()); // the lines: NULL
      }
      return new Replayed.Prior(
          person,
          new AccumulatorDelta(discharge.getYear(), d[0], d[1], level, 1, d[2], d[3], d[4], d[5]));
    }
    for (int i = 0; i < 6; i++) {
      in.skip(in.field()); // no deltas
    }
    List<ClaimLine> lines = lines(in);
    Claim claim =
        new Claim(claimNo, person, scheme, office, hospital, level, admission, discharge, lines);
    return new ReplayClaim(settlementId, claim, identities(identitiesJson, cache), settledAt);
  }

  /** The five line arrays, element by element: line numbers, items, quantities, prices, fen. */
  private static List<ClaimLine> lines(BinaryCopy in) throws IOException {
    int n = in.array();
    String[] lineNo = new String[n];
    for (int i = 0; i < n; i++) {
      lineNo[i] = in.textElement();
    }
    String[] item = new String[sameLength(in.array(), n)];
    for (int i = 0; i < n; i++) {
      item[i] = in.textElement();
    }
    long[] quantity = new long[sameLength(in.array(), n)];
    for (int i = 0; i < n; i++) {
      quantity[i] = in.numericElement(ClaimLine.QUANTITY_DECIMALS);
    }
    long[] price = new long[sameLength(in.array(), n)];
    for (int i = 0; i < n; i++) {
      price[i] = in.numericElement(ClaimLine.PRICE_DECIMALS);
    }
    sameLength(in.array(), n);
    List<ClaimLine> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(new ClaimLine(lineNo[i], item[i], "", quantity[i], price[i], in.numericElement(2)));
    }
    return lines;
  }

  private static int sameLength(int n, int expected) throws IOException {
    if (n != expected) {
      throw new IOException("a claim's line arrays differ in length: " + n + ", " + expected);
    }
    return n;
  }

  /** The identities a settlement kept, remembered by their text (a few distinct lists repeat). */
  private static List<Identity> identities(String json, Map<String, List<Identity>> cache) {
    List<Identity> known = cache.get(json);
    if (known == null) {
      known = identities(json);
      if (cache.size() >= IDENTITY_CACHE) {
        Iterator<String> eldest = cache.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      cache.put(json, known);
    }
    return known;
  }

  /** The identities a settlement kept ({@code SettlementService.identitiesJson}'s form). */
  static List<Identity> identities(String json) {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    JsonArray a = new JsonArray(json);
    List<Identity> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject o = a.getJsonObject(i);
      out.add(
          new Identity(
              IdentityCategory.valueOf(o.getString("category")),
              LocalDate.parse(o.getString("validFrom")),
              date(o.getString("validTo")),
              o.getBoolean("confirmed"),
              date(o.getString("liftedOutDate"))));
    }
    return List.copyOf(out);
  }

  private static LocalDate date(String s) {
    return s == null ? null : LocalDate.parse(s);
  }
}
