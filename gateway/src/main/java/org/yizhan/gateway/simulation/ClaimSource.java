package org.yizhan.gateway.simulation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;

/**
 * The SQL of a simulation: a period's live settlements of a region and scheme, with their claims'
 * lines and the identities each was settled with, read in settlement order per person through a
 * server-side cursor ({@link #FETCH_ROWS} rows at a time) inside one read-only, repeatable-read
 * transaction, so the count and the rows see one snapshot and nothing is ever written.
 *
 * <p>The keys are sorted first (person, settled at, id: small rows), then each claim's lines are
 * fetched by primary key in that order ({@code JOIN LATERAL}), so the sort never carries the lines'
 * arrays; the outer {@code ORDER BY} repeats the inner one and costs no second sort (the nested
 * loop keeps its outer order), which the benchmark's plan shows.
 *
 * <p>Over JDBC on the simulation's worker thread, not the reactive pool: a replay is a batch job
 * that holds one connection for up to minutes and does CPU work between fetches; a plain cursor on
 * a thread of its own streams with bounded memory and never holds a pool connection the requests
 * need. The same class runs in the load tests' benchmark.
 */
public final class ClaimSource {
  /** Rows per fetch from the cursor: with 50-line claims about 2 MB in flight. */
  public static final int FETCH_ROWS = 1_000;

  /** $1..$2 the office codes in scope, $3 the scheme, $4..$5 the discharge dates (inclusive). */
  static final String WHERE =
      " WHERE s.status = 'SETTLED' AND s.office_code BETWEEN ? AND ?"
          + " AND c.scheme = ? AND c.discharge_date BETWEEN ? AND ?";

  public static final String COUNT =
      "SELECT count(*) FROM settlement s JOIN claim c ON c.id = s.claim_id" + WHERE;

  public static final String CLAIMS =
      "SELECT k.settlement_id, k.person_id_no, k.office_code, k.hospital_code, k.claim_no,"
          + " k.scheme, k.hospital_level, k.admission_date, k.discharge_date, k.identities_used,"
          + " l.line_no, l.item_code, l.quantity, l.unit_price, l.amount"
          + " FROM (SELECT s.id AS settlement_id, s.claim_id, s.person_id_no, s.office_code,"
          + " s.hospital_code, s.claim_no, c.scheme, c.hospital_level, c.admission_date,"
          + " c.discharge_date, s.identities_used, s.settled_at"
          + " FROM settlement s JOIN claim c ON c.id = s.claim_id"
          + WHERE
          + " ORDER BY s.person_id_no, s.settled_at, s.id) k"
          + " JOIN LATERAL (SELECT cl.line_no, cl.item_code, cl.quantity, cl.unit_price, cl.amount"
          + " FROM claim_lines cl WHERE cl.claim_id = k.claim_id) l ON true"
          + " ORDER BY k.person_id_no, k.settled_at, k.settlement_id";

  /**
   * Which settlements a simulation replays.
   *
   * @param officeLow the lowest office code in scope
   * @param officeHigh the highest office code in scope
   * @param scheme the insurance scheme
   * @param from the first discharge date
   * @param to the last discharge date (inclusive)
   */
  public record Selection(
      String officeLow, String officeHigh, String scheme, LocalDate from, LocalDate to) {
    public Selection {
      Objects.requireNonNull(officeLow, "officeLow");
      Objects.requireNonNull(officeHigh, "officeHigh");
      Objects.requireNonNull(scheme, "scheme");
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("to " + to + " is before from " + from);
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
      bind(ps, sel);
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /**
   * Streams {@code sel}'s claims to {@code sink} in settlement order per person, stopping early
   * when {@code stop} says so (checked between rows).
   */
  public static void stream(
      Connection c, Selection sel, Consumer<ReplayClaim> sink, BooleanSupplier stop)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLAIMS)) {
      ps.setFetchSize(FETCH_ROWS);
      bind(ps, sel);
      try (ResultSet r = ps.executeQuery()) {
        while (!stop.getAsBoolean() && r.next()) {
          sink.accept(row(r));
        }
      }
    }
  }

  private static void bind(PreparedStatement ps, Selection sel) throws SQLException {
    ps.setString(1, sel.officeLow());
    ps.setString(2, sel.officeHigh());
    ps.setString(3, sel.scheme());
    ps.setDate(4, Date.valueOf(sel.from()));
    ps.setDate(5, Date.valueOf(sel.to()));
  }

  private static ReplayClaim row(ResultSet r) throws SQLException {
    String[] lineNo = strings(r.getArray(11));
    String[] item = strings(r.getArray(12));
    BigDecimal[] quantity = decimals(r.getArray(13));
    BigDecimal[] price = decimals(r.getArray(14));
    BigDecimal[] amount = decimals(r.getArray(15));
    List<ClaimLine> lines = new ArrayList<>(lineNo.length);
    for (int i = 0; i < lineNo.length; i++) {
      lines.add(
          new ClaimLine(
              lineNo[i],
              item[i],
              "",
              unscaled(quantity[i], ClaimLine.QUANTITY_DECIMALS),
              unscaled(price[i], ClaimLine.PRICE_DECIMALS),
              Fen.fromYuan(amount[i])));
    }
    Claim claim =
        new Claim(
            r.getString(5),
            r.getString(2),
            r.getString(6),
            r.getString(3),
            r.getString(4),
            r.getShort(7),
            r.getDate(8).toLocalDate(),
            r.getDate(9).toLocalDate(),
            lines);
    return new ReplayClaim(r.getString(1), claim, identities(r.getString(10)));
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
    return out;
  }

  private static LocalDate date(String s) {
    return s == null ? null : LocalDate.parse(s);
  }

  private static long unscaled(BigDecimal d, int scale) {
    return d.setScale(scale).unscaledValue().longValueExact();
  }

  private static String[] strings(Array a) throws SQLException {
    return (String[]) a.getArray();
  }

  private static BigDecimal[] decimals(Array a) throws SQLException {
    return (BigDecimal[]) a.getArray();
  }
}
