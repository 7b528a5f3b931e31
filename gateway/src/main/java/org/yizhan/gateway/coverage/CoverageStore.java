package org.yizhan.gateway.coverage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The SQL of coverage: the 应保尽保 matching of the poor against the insured register, the report of
 * subsidised contributions, and the contribution standards.
 *
 * <p>The matching is one set-based statement ({@link #MATCH}): the current confirmed identities of
 * the offices in scope that are in force on the date, grouped per person, left-joined to the
 * person's current enrolments covering the date, and classified by {@code bool_or} over them. It is
 * written as SQL text rather than jOOQ's DSL so that it reads as the plan in docs/performance.md
 * does; it is still prepared once per connection and bound with values only. Counts per outcome and
 * the requested page come from the same pass: the classified set is materialised once and read
 * twice. Every look is audited once answered, with the scope and the filter, never the people seen.
 */
public final class CoverageStore {
  /** The audit chain of looks at coverage (reads), apart from the main chain of changes. */
  static final String AUDIT_CHAIN = "coverage";

  /**
   * Memory for the matching's sorts, for its transaction only: a region of a million poor people
   * sorts about 150 MB of identities over three processes, which the default 4 MB sends to disk.
   */
  static final String WORK_MEM = "SET LOCAL work_mem = '64MB'";

  /**
   * No JIT compilation for the matching, for its transaction only: the planner's estimates of the
   * grouped sets are far off (docs/performance.md), their cost crosses the JIT threshold, and the
   * compilation then costs more than it saves.
   */
  static final String NO_JIT = "SET LOCAL jit = off";

  /** Rows per page at most. */
  public static final int MAX_PAGE_SIZE = 500;

  /** Rows of a CSV export or a subsidy report at most; more is refused (narrow the scope). */
  public static final int MAX_EXPORT_ROWS = 200_000;

  /**
   * Whether enrolment {@code e} is in a region covering the person's office ({@link Regions}). The
   * office of a poor person in force is the first six digits of their ID number (an identity counts
   * only when recorded by that office), so it is read from the enrolment's own ID number.
   */
  static final String HERE =
      "(e.admdvs = left(e.person_id_no, 6)"
          + " OR (e.admdvs LIKE '____00' AND e.admdvs NOT LIKE '__0000'"
          + " AND left(e.admdvs, 4) = left(e.person_id_no, 4))"
          + " OR (e.admdvs LIKE '__0000' AND left(e.admdvs, 2) = left(e.person_id_no, 2)))";

  /**
   * Whether identity {@code pi} was recorded by the office that manages the person (the region of
   * the ID number). Tested inside the aggregates (FILTER, HAVING), not in WHERE: the planner cannot
   * estimate it (it guessed 0.5% where it is nearly 100%, and then sorted a million rows it thought
   * were five thousand), while the ID-number range and dates in WHERE it estimates well.
   */
  static final String MANAGED = "left(pi.person_id_no, 6) = pi.office_code";

  /**
   * $1..$2 the range of ID numbers in scope ({@link Scope#idFrom()}, {@link Scope#idBefore()}), $3
   * the date: every poor person in force, classified. An identity counts when current, confirmed,
   * valid on the date and recorded by the office that manages the person (the region of the ID
   * number: identity.ManagingOffice), as for settlement.
   *
   * <p>Why this shape (docs/performance.md): the office is the ID number's prefix, so a scope's
   * people are one range of ID numbers. Both sides are read in ID-number order from covering
   * indexes (person_identity_person_confirmed, insured_enrolment_matching), each grouped per person
   * as it streams (no sort), and the two grouped streams are merge-joined: two sequential index
   * scans instead of a sort of the identities and a million random probes of the register. The
   * aggregates take no ORDER BY or DISTINCT (each would be a sort per person, a million small
   * sorts): categories and regions are put in order and made distinct in Java ({@link #matchRow}).
   */
  public static final String MATCHED =
      "WITH poor AS ("
          + " SELECT pi.person_id_no, min(pi.office_code) AS office_code,"
          + " max(pi.person_name) FILTER (WHERE "
          + MANAGED
          + ") AS person_name,"
          + " string_agg(pi.category, ',') FILTER (WHERE "
          + MANAGED
          + ") AS categories"
          + " FROM person_identity pi"
          + " WHERE pi.superseded_at IS NULL AND pi.confirmed"
          + " AND pi.person_id_no >= $1 AND pi.person_id_no < $2"
          + " AND pi.valid_from <= $3 AND (pi.valid_to IS NULL OR pi.valid_to >= $3)"
          + " GROUP BY pi.person_id_no HAVING bool_or("
          + MANAGED
          + ")),"
          + " enrolled AS ("
          + " SELECT e.person_id_no,"
          + " bool_or("
          + HERE
          + " AND e.contribution_status = 'SUBSIDISED') AS here_subsidised,"
          + " bool_or("
          + HERE
          + ") AS here,"
          + " string_agg(e.admdvs, ',') AS regions"
          + " FROM insured_enrolment e"
          + " WHERE e.superseded_at IS NULL"
          + " AND e.person_id_no >= $1 AND e.person_id_no < $2"
          + " AND e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to >= $3)"
          + " AND e.contribution_status IN ('PAID', 'SUBSIDISED', 'UNPAID')"
          + " GROUP BY e.person_id_no),"
          + " matched AS MATERIALIZED ("
          + " SELECT p.person_id_no, p.office_code, p.person_name, p.categories,"
          + " CASE WHEN x.here_subsidised THEN 'SUBSIDISED' WHEN x.here THEN 'NOT_SUBSIDISED'"
          + " WHEN x.person_id_no IS NOT NULL THEN 'ELSEWHERE' ELSE 'NOT_ENROLLED' END AS outcome,"
          + " x.regions"
          + " FROM poor p LEFT JOIN enrolled x ON x.person_id_no = p.person_id_no)";

  /**
   * The counts per outcome and one page ($4 outcome or null, $5 limit, $6 offset), in one
   * statement: rows of kind 'count' then of kind 'row'.
   */
  public static final String MATCH =
      MATCHED
          + " SELECT 'count' AS kind, outcome, count(*) AS n, NULL::varchar AS person_id_no,"
          + " NULL::char(6) AS office_code, NULL::text AS person_name, NULL::text AS categories,"
          + " NULL::text AS regions FROM matched GROUP BY outcome"
          + " UNION ALL (SELECT 'row', outcome, NULL, person_id_no, office_code, person_name,"
          + " categories, regions FROM matched"
          + " WHERE $4::varchar IS NULL OR outcome = $4::varchar"
          + " ORDER BY person_id_no LIMIT $5 OFFSET $6)";

  /** All of an outcome ($4, or every outcome when null), at most $5 rows, for the CSV. */
  static final String MATCH_ALL =
      MATCHED
          + " SELECT outcome, person_id_no, office_code, person_name, categories, regions"
          + " FROM matched WHERE $4::varchar IS NULL OR outcome = $4::varchar"
          + " ORDER BY array_position(ARRAY['NOT_ENROLLED','NOT_SUBSIDISED','ELSEWHERE',"
          + "'SUBSIDISED']::varchar[], outcome::varchar), person_id_no LIMIT $5";

  /**
   * The subsidised enrolments of a contribution year ($3) of the poor of offices $1..$2: one row
   * per person and enrolment region, with the categories that count in that year (confirmed, valid
   * on a day of it, a 建档立卡 not lifted out before it began), at most $4 rows.
   */
  static final String SUBSIDISED =
      "SELECT e.person_id_no, e.admdvs, e.contribution_year, min(pi.office_code) AS office_code,"
          + " coalesce(max(pi.person_name), max(e.person_name)) AS person_name,"
          + " string_agg(DISTINCT pi.category, ',') AS categories"
          + " FROM person_identity pi JOIN insured_enrolment e"
          + " ON e.person_id_no = pi.person_id_no AND e.superseded_at IS NULL"
          + " AND e.contribution_status = 'SUBSIDISED' AND e.contribution_year = $3"
          + " AND e.scheme = 'RESIDENT'"
          + " WHERE pi.superseded_at IS NULL AND pi.confirmed"
          + " AND pi.person_id_no >= $1 AND pi.person_id_no < $2"
          + " AND left(pi.person_id_no, 6) = pi.office_code"
          + " AND pi.valid_from <= make_date($3::int, 12, 31)"
          + " AND (pi.valid_to IS NULL OR pi.valid_to >= make_date($3::int, 1, 1))"
          + " AND (pi.lifted_out_date IS NULL OR pi.lifted_out_date >= make_date($3::int, 1, 1))"
          + " GROUP BY e.person_id_no, e.admdvs, e.contribution_year"
          + " ORDER BY e.person_id_no, e.admdvs LIMIT $4";

  static final String STANDARDS =
      "SELECT s.policy_year, s.admdvs, s.individual_contribution, s.recorded_at, s.recorded_by,"
          + " c.category, c.ratio, c.fixed_amount"
          + " FROM contribution_standard s LEFT JOIN contribution_subsidy c"
          + " ON c.policy_year = s.policy_year AND c.admdvs = s.admdvs"
          + " WHERE s.policy_year = $1 ORDER BY s.admdvs, c.category";

  static final String UPSERT_STANDARD =
      "INSERT INTO contribution_standard (policy_year, admdvs, individual_contribution,"
          + " recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (policy_year, admdvs) DO UPDATE SET"
          + " individual_contribution = excluded.individual_contribution,"
          + " recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by";

  static final String DELETE_SHARES =
      "DELETE FROM contribution_subsidy WHERE policy_year = $1 AND admdvs = $2";

  static final String INSERT_SHARE =
      "INSERT INTO contribution_subsidy (policy_year, admdvs, category, ratio, fixed_amount)"
          + " VALUES ($1, $2, $3, $4, $5)";

  /** One poor person's place against the register. */
  public record MatchRow(
      String personIdNo,
      String officeCode,
      String personName,
      List<IdentityCategory> categories,
      Outcome outcome,
      List<String> regions) {}

  /** Counts per outcome (all four, zeros included) and one page of the outcome asked for. */
  public record MatchPage(
      LocalDate date,
      Map<Outcome, Long> counts,
      Outcome outcome,
      List<MatchRow> items,
      int page,
      int size) {
    /** Rows of the outcome asked for (of all, when none was). */
    public long total() {
      if (outcome != null) {
        return counts.get(outcome);
      }
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One subsidised person-year-region. */
  public record SubsidyRow(
      String personIdNo,
      String personName,
      String officeCode,
      String admdvs,
      int year,
      List<IdentityCategory> categories) {}

  private final Pool pool;
  private final Clock clock;

  public CoverageStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  // ---- matching

  /** The counts and a page of the matching of {@code scope} on {@code date}; audited. */
  public Future<MatchPage> match(
      ManagerPrincipal m, Scope scope, LocalDate date, Outcome outcome, int page, int size) {
    if (size < 1 || size > MAX_PAGE_SIZE || page < 1) {
      throw new IllegalArgumentException("page " + page + " of size " + size);
    }
    String o = outcome == null ? null : outcome.name();
    return audited(
        m,
        "COVERAGE_VIEW",
        scope,
        details(date, o).put("page", page),
        pool.preparedQuery(MATCH)
            .execute(
                Tuple.of(scope.idFrom(), scope.idBefore(), date, o, size, (long) (page - 1) * size))
            .map(rows -> page(rows, date, outcome, page, size)));
  }

  /**
   * Runs a matching statement with {@link #WORK_MEM} for its sorts (a region's million identities
   * sort in memory, not in temporary files: docs/performance.md), in a read-only transaction.
   */
  private Future<RowSet<Row>> matching(String sql, Tuple args) {
    return pool.withTransaction(
        conn ->
            conn.query(WORK_MEM)
                .execute()
                .compose(x -> conn.query(NO_JIT).execute())
                .compose(x -> conn.preparedQuery(sql).execute(args)));
  }

  private static MatchPage page(
      RowSet<Row> rows, LocalDate date, Outcome outcome, int page, int size) {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0L);
    }
    List<MatchRow> items = new ArrayList<>();
    for (Row r : rows) {
      if (r.getString("kind").equals("count")) {
        counts.put(Outcome.valueOf(r.getString("outcome")), r.getLong("n"));
      } else {
        items.add(matchRow(r));
      }
    }
    return new MatchPage(date, counts, outcome, List.copyOf(items), page, size);
  }

  /** Every row of an outcome (or of all) for the CSV; audited; refused past MAX_EXPORT_ROWS. */
  public Future<List<MatchRow>> matchAll(
      ManagerPrincipal m, Scope scope, LocalDate date, Outcome outcome) {
    String o = outcome == null ? null : outcome.name();
    return audited(
        m,
        "COVERAGE_EXPORT",
        scope,
        details(date, o),
        matching(
                MATCH_ALL, Tuple.of(scope.idFrom(), scope.idBefore(), date, o, MAX_EXPORT_ROWS + 1))
            .map(
                rows -> {
                  if (rows.size() > MAX_EXPORT_ROWS) {
                    throw tooMany("outcome");
                  }
                  List<MatchRow> out = new ArrayList<>(rows.size());
                  for (Row r : rows) {
                    out.add(matchRow(r));
                  }
                  return out;
                }));
  }

  static MatchRow matchRow(Row r) {
    String regions = r.getString("regions");
    return new MatchRow(
        r.getString("person_id_no"),
        r.getString("office_code"),
        r.getString("person_name"),
        categories(r.getString("categories")),
        Outcome.valueOf(r.getString("outcome")),
        regions == null ? List.of() : List.copyOf(new TreeSet<>(List.of(regions.split(",")))));
  }

  static List<IdentityCategory> categories(String csv) {
    Set<IdentityCategory> out = EnumSet.noneOf(IdentityCategory.class);
    if (csv != null) {
      for (String c : csv.split(",")) {
        out.add(IdentityCategory.valueOf(c));
      }
    }
    return List.copyOf(out);
  }

  // ---- subsidy report

  /** The subsidised enrolments of {@code year} of the poor of {@code scope}; audited. */
  public Future<List<SubsidyRow>> subsidised(
      ManagerPrincipal m, Scope scope, int year, String action) {
    return audited(
        m,
        action,
        scope,
        new JsonObject().put("year", year),
        pool.preparedQuery(SUBSIDISED)
            .execute(Tuple.of(scope.idFrom(), scope.idBefore(), year, MAX_EXPORT_ROWS + 1))
            .map(
                rows -> {
                  if (rows.size() > MAX_EXPORT_ROWS) {
                    throw tooMany("office");
                  }
                  List<SubsidyRow> out = new ArrayList<>(rows.size());
                  for (Row r : rows) {
                    out.add(
                        new SubsidyRow(
                            r.getString("person_id_no"),
                            r.getString("person_name"),
                            r.getString("office_code"),
                            r.getString("admdvs"),
                            r.getInteger("contribution_year"),
                            categories(r.getString("categories"))));
                  }
                  return out;
                }));
  }

  // ---- standards

  /** Every region's standard of {@code year}, by region. */
  public Future<Map<String, ContributionStandard>> standards(int year) {
    return pool.preparedQuery(STANDARDS)
        .execute(Tuple.of(year))
        .map(
            rows -> {
              Map<String, Row> heads = new LinkedHashMap<>();
              Map<String, Map<IdentityCategory, SubsidyShare>> shares = new TreeMap<>();
              for (Row r : rows) {
                String region = r.getString("admdvs");
                heads.putIfAbsent(region, r);
                Map<IdentityCategory, SubsidyShare> s =
                    shares.computeIfAbsent(region, k -> new EnumMap<>(IdentityCategory.class));
                String c = r.getString("category");
                if (c != null) {
                  Integer ratio = r.getInteger("ratio");
                  s.put(
                      IdentityCategory.valueOf(c),
                      ratio != null
                          ? new SubsidyShare.Ratio(ratio)
                          : new SubsidyShare.Fixed(Sql.fen(r, "fixed_amount")));
                }
              }
              Map<String, ContributionStandard> out = new TreeMap<>();
              heads.forEach(
                  (region, r) ->
                      out.put(
                          region,
                          new ContributionStandard(
                              r.getInteger("policy_year"),
                              region,
                              Sql.fen(r, "individual_contribution"),
                              shares.get(region),
                              r.getOffsetDateTime("recorded_at").toInstant(),
                              r.getString("recorded_by"))));
              return out;
            });
  }

  /** Records {@code s} in place of the year's standard of its region; audited. */
  public Future<ContributionStandard> put(ManagerPrincipal m, ContributionStandard s) {
    OffsetDateTime now =
        OffsetDateTime.ofInstant(Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    List<Tuple> shares = new ArrayList<>();
    JsonObject audited = new JsonObject();
    s.shares()
        .forEach(
            (c, share) -> {
              Integer ratio = share instanceof SubsidyShare.Ratio r ? r.perTenThousand() : null;
              Long fixed = share instanceof SubsidyShare.Fixed f ? f.fen() : null;
              shares.add(
                  Tuple.of(
                      s.policyYear(),
                      s.admdvs(),
                      c.name(),
                      ratio,
                      fixed == null ? null : Fen.toYuan(fixed)));
              audited.put(
                  c.name(), ratio != null ? "ratio " + ratio : "fixed " + Fen.format(fixed));
            });
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(UPSERT_STANDARD)
                .execute(
                    Tuple.of(
                        s.policyYear(),
                        s.admdvs(),
                        Fen.toYuan(s.contributionFen()),
                        now,
                        m.actor()))
                .compose(
                    x ->
                        conn.preparedQuery(DELETE_SHARES)
                            .execute(Tuple.of(s.policyYear(), s.admdvs())))
                .compose(
                    x ->
                        shares.isEmpty()
                            ? Future.succeededFuture()
                            : conn.preparedQuery(INSERT_SHARE).executeBatch(shares))
                .compose(
                    x ->
                        Audit.append(
                            conn,
                            m.actor(),
                            "COVERAGE_STANDARD",
                            "contribution_standard",
                            s.policyYear() + "/" + s.admdvs(),
                            new JsonObject()
                                .put("contribution", Fen.format(s.contributionFen()))
                                .put("shares", audited)))
                .map(
                    x ->
                        new ContributionStandard(
                            s.policyYear(),
                            s.admdvs(),
                            s.contributionFen(),
                            s.shares(),
                            now.toInstant(),
                            m.actor())));
  }

  // ---- helpers

  /**
   * {@code work}'s result once the look is audited: who ({@code m}), what ({@code action}), whose
   * people ({@code scope}) and the filter, never the people. The entry is appended after the query,
   * in a short transaction of its own on the {@link #AUDIT_CHAIN} chain: a region's matching takes
   * seconds, and holding an audit chain's head that long would stall every other audited change.
   * Nothing is answered unless the entry is written.
   */
  <T> Future<T> audited(
      ManagerPrincipal m, String action, Scope scope, JsonObject details, Future<T> work) {
    return work.compose(
        result ->
            pool.withTransaction(
                    conn ->
                        Audit.append(
                            conn,
                            AUDIT_CHAIN,
                            m.actor(),
                            action,
                            scope.kind(),
                            scope.code(),
                            details))
                .map(v -> result));
  }

  private static JsonObject details(LocalDate date, String outcome) {
    return new JsonObject().put("date", date.toString()).put("outcome", outcome);
  }

  static Refusal tooMany(String field) {
    return new Refusal(
        Refusal.Kind.UNPROCESSABLE,
        "EXPORT_TOO_LARGE",
        field,
        field
            + ": more than "
            + MAX_EXPORT_ROWS
            + " rows; narrow the export (one outcome, one office)");
  }
}
