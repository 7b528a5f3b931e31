package org.yizhan.gateway.oversight;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The SQL of the oversight figures for the poor (扶贫成效, issue 19 item 5), from the stored live
 * settlements in one set-based statement ({@link #FIGURES}).
 *
 * <p>A settlement counts under the first identity category (in the rules' tie order) among the
 * identities it was settled with that count on its discharge date; a person's year counts under the
 * first category of any of its settlements (so a person is one person of one category a year);
 * settlements of persons without one count as {@code NONE}, the comparison the figures need. Per
 * office, year and category, and the same per year and category over the whole scope (the region
 * rows, {@code GROUPING SETS}): persons, settlements, total, in-scope amount (符合政策范围金额), what the
 * three funds paid and what the persons paid; and how many persons' out-of-pocket over the year
 * passed the policy's line. The same pass lists those persons (at most {@link #MAX_PERSONS}, the
 * largest out-of-pocket first): candidates for 因病致贫 identification.
 */
public final class OversightStore {
  /** The audit chain of looks at the oversight figures (reads). */
  static final String AUDIT_CHAIN = "oversight";

  /** Persons over the line listed at most. */
  public static final int MAX_PERSONS = 500;

  static final String CATEGORIES =
      "ARRAY['DESTITUTE','SUBSISTENCE','REGISTERED_POOR','ILLNESS_POOR','NONE']::text[]";

  /**
   * $1..$2 the office codes in scope, $3..$4 the years, $5 int[] and $6 numeric[] each year's
   * out-of-pocket line in yuan, $7 the most persons listed.
   */
  public static final String FIGURES =
      "WITH per_claim AS ("
          + " SELECT s.office_code, s.year, s.person_id_no, c.person_name, s.total, s.in_scope,"
          + " s.fund_pay, s.personal_pay, COALESCE((SELECT e->>'category'"
          + " FROM jsonb_array_elements(s.identities_used::jsonb) e"
          + " WHERE (e->>'confirmed')::boolean AND (e->>'validFrom')::date <= c.discharge_date"
          + " AND (e->>'validTo' IS NULL OR (e->>'validTo')::date >= c.discharge_date)"
          + " ORDER BY array_position("
          + CATEGORIES
          + ", e->>'category') LIMIT 1), 'NONE') AS category"
          + " FROM settlement s JOIN claim c ON c.id = s.claim_id"
          + " WHERE s.status = 'SETTLED' AND s.office_code BETWEEN $1 AND $2"
          + " AND s.year BETWEEN $3 AND $4),"
          + " per_person AS ("
          + " SELECT p.office_code, p.year, p.person_id_no, max(p.person_name) AS person_name,"
          + " min(array_position("
          + CATEGORIES
          + ", p.category)) AS rank, count(*) AS claims, sum(p.total) AS total,"
          + " sum(p.in_scope) AS in_scope, sum(p.fund_pay) AS fund_pay,"
          + " sum(p.personal_pay) AS personal_pay, bool_or(true) AS any"
          + " FROM per_claim p GROUP BY p.office_code, p.year, p.person_id_no),"
          + " judged AS ("
          + " SELECT pp.*, l.line, pp.personal_pay > l.line AS over_line"
          + " FROM per_person pp JOIN unnest($5::int[], $6::numeric[]) AS l (year, line)"
          + " ON l.year = pp.year)"
          + " SELECT 'figure' AS kind, GROUPING(j.office_code) = 1 AS whole, j.office_code,"
          + " j.year, ("
          + CATEGORIES
          + ")[j.rank] AS category, NULL::varchar AS person_id_no, NULL::text AS person_name,"
          + " count(*) AS persons, sum(j.claims) AS claims, sum(j.total) AS total,"
          + " sum(j.in_scope) AS in_scope, sum(j.fund_pay) AS fund_pay,"
          + " sum(j.personal_pay) AS personal_pay, count(*) FILTER (WHERE j.over_line) AS over_line,"
          + " NULL::numeric AS line"
          + " FROM judged j GROUP BY GROUPING SETS ((j.office_code, j.year, j.rank), (j.year, j.rank))"
          + " UNION ALL"
          + " SELECT * FROM (SELECT 'person', false, j.office_code, j.year,"
          + " ("
          + CATEGORIES
          + ")[j.rank], j.person_id_no, j.person_name, 1, j.claims, j.total, j.in_scope,"
          + " j.fund_pay, j.personal_pay, 1, j.line"
          + " FROM judged j WHERE j.over_line ORDER BY j.personal_pay DESC, j.person_id_no"
          + " LIMIT $7) listed";

  /**
   * One figure: {@code officeCode} null for the whole scope's row.
   *
   * @param category null for persons without an identity category (NONE)
   */
  public record Figure(
      String officeCode,
      int year,
      IdentityCategory category,
      long persons,
      long claims,
      long totalFen,
      long inScopeFen,
      long fundFen,
      long personalFen,
      long overLine) {}

  /** A person whose year's out-of-pocket passed the line. */
  public record Person(
      String personIdNo,
      String personName,
      String officeCode,
      int year,
      IdentityCategory category,
      long claims,
      long totalFen,
      long personalFen,
      long lineFen) {}

  /** The figures and the persons over the line. */
  public record Figures(List<Figure> figures, List<Person> persons, Map<Integer, Long> linesFen) {}

  /** Year, then the offices (the whole scope last), then the categories in the rules' order. */
  static final Comparator<Figure> ORDER =
      Comparator.comparingInt(Figure::year)
          .thenComparing(Figure::officeCode, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Figure::category, Comparator.nullsLast(Comparator.naturalOrder()));

  private final Pool pool;

  public OversightStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The figures of offices {@code low}..{@code high} for the years of {@code linesFen} (each year's
   * out-of-pocket line, fen); audited as {@code scopeKind}/{@code scopeCode}.
   */
  public Future<Figures> figures(
      ManagerPrincipal m,
      String scopeKind,
      String scopeCode,
      String low,
      String high,
      Map<Integer, Long> linesFen) {
    int first = linesFen.keySet().stream().min(Integer::compare).orElseThrow();
    int last = linesFen.keySet().stream().max(Integer::compare).orElseThrow();
    Integer[] years = linesFen.keySet().toArray(new Integer[0]);
    BigDecimal[] lines = new BigDecimal[years.length];
    for (int i = 0; i < years.length; i++) {
      lines[i] = Fen.toYuan(linesFen.get(years[i]));
    }
    Tuple params =
        Tuple.tuple()
            .addString(low)
            .addString(high)
            .addShort((short) first)
            .addShort((short) last)
            .addArrayOfInteger(years)
            .addArrayOfBigDecimal(lines)
            .addInteger(MAX_PERSONS);
    return pool.preparedQuery(FIGURES)
        .execute(params)
        .map(
            rows -> {
              List<Figure> figures = new ArrayList<>();
              List<Person> persons = new ArrayList<>();
              for (Row r : rows) {
                if (r.getString("kind").equals("figure")) {
                  figures.add(figure(r));
                } else {
                  persons.add(person(r));
                }
              }
              figures.sort(ORDER);
              return new Figures(List.copyOf(figures), List.copyOf(persons), linesFen);
            })
        .compose(
            f ->
                pool.withTransaction(
                        conn ->
                            Audit.append(
                                conn,
                                AUDIT_CHAIN,
                                m.actor(),
                                "OVERSIGHT_VIEW",
                                scopeKind,
                                scopeCode,
                                new JsonObject()
                                    .put("from", first)
                                    .put("to", last)
                                    .put("personsOverLine", f.persons().size())))
                    .map(v -> f));
  }

  private static Figure figure(Row r) {
    return new Figure(
        r.getBoolean("whole") ? null : r.getString("office_code"),
        r.getInteger("year"),
        category(r.getString("category")),
        r.getLong("persons"),
        r.getLong("claims"),
        fen(r, "total"),
        fen(r, "in_scope"),
        fen(r, "fund_pay"),
        fen(r, "personal_pay"),
        r.getLong("over_line"));
  }

  private static Person person(Row r) {
    return new Person(
        r.getString("person_id_no"),
        r.getString("person_name"),
        r.getString("office_code"),
        r.getInteger("year"),
        category(r.getString("category")),
        r.getLong("claims"),
        fen(r, "total"),
        fen(r, "personal_pay"),
        fen(r, "line"));
  }

  private static IdentityCategory category(String name) {
    return name.equals("NONE") ? null : IdentityCategory.valueOf(name);
  }

  private static long fen(Row r, String column) {
    return Fen.fromYuan(r.getBigDecimal(column));
  }
}
