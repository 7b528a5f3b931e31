package org.yizhan.gateway.coverage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yizhan.gateway.coverage.ContributionStandard.Subsidy;
import org.yizhan.gateway.coverage.CoverageStore.SubsidyRow;

/**
 * Who of an office's (or a region's) poor was subsidised in a contribution year, by how much, in
 * total, and the figure for the finance department (财政补助资金): the subsidies per year and insurance
 * region. Each person's subsidy is rounded once (SubsidyShare); every total is a sum of those
 * rounded amounts, so the finance figure equals the sum of the lines it stands for.
 *
 * @param lines one per person and enrolment region, by ID number
 * @param missingStandards regions with subsidised enrolments but no standard for the year: their
 *     lines have no amounts and count in no money total
 */
public record SubsidyReport(
    int year,
    Scope scope,
    List<Line> lines,
    Totals totals,
    List<FinanceFigure> finance,
    List<Group> byOffice,
    List<Group> byCategory,
    List<String> missingStandards) {

  /**
   * The lines with a standard grouped by office, or by the category the subsidy was given for
   * ({@code key} the office code or the category's name; {@code NONE} for a line whose categories
   * the standard does not subsidise): persons and subsidy, fen.
   */
  public record Group(String key, long persons, long subsidyFen) {}

  /** A subsidised person: the register's row and the subsidy, null without a standard. */
  public record Line(SubsidyRow row, Subsidy subsidy) {}

  /** Persons (every line) and money, fen (the lines with a standard). */
  public record Totals(long persons, long contributionFen, long subsidyFen, long paidByPersonFen) {}

  /** 财政补助资金: the subsidies of one year in one insurance region. */
  public record FinanceFigure(int year, String admdvs, long persons, long subsidyFen) {}

  /** The report of {@code rows} under the year's {@code standards} (by region). */
  public static SubsidyReport of(
      int year, Scope scope, List<SubsidyRow> rows, Map<String, ContributionStandard> standards) {
    List<Line> lines = new ArrayList<>(rows.size());
    TreeSet<String> missing = new TreeSet<>();
    Map<String, long[]> byRegion = new TreeMap<>();
    Map<String, long[]> byOffice = new TreeMap<>();
    Map<String, long[]> byCategory = new TreeMap<>();
    long persons = 0;
    long contribution = 0;
    long subsidy = 0;
    for (SubsidyRow r : rows) {
      ContributionStandard s = standards.get(r.admdvs());
      if (s == null) {
        missing.add(r.admdvs());
        lines.add(new Line(r, null));
        persons++;
        continue;
      }
      Subsidy sub = s.subsidyFor(r.categories());
      lines.add(new Line(r, sub));
      persons++;
      contribution = Math.addExact(contribution, sub.contributionFen());
      subsidy = Math.addExact(subsidy, sub.subsidyFen());
      add(byRegion, r.admdvs(), sub.subsidyFen());
      add(byOffice, r.officeCode(), sub.subsidyFen());
      add(byCategory, sub.category() == null ? "NONE" : sub.category().name(), sub.subsidyFen());
    }
    List<FinanceFigure> finance = new ArrayList<>(byRegion.size());
    byRegion.forEach((region, f) -> finance.add(new FinanceFigure(year, region, f[0], f[1])));
    return new SubsidyReport(
        year,
        scope,
        List.copyOf(lines),
        new Totals(persons, contribution, subsidy, contribution - subsidy),
        List.copyOf(finance),
        groups(byOffice),
        groups(byCategory),
        List.copyOf(missing));
  }

  private static void add(Map<String, long[]> groups, String key, long subsidyFen) {
    long[] g = groups.computeIfAbsent(key, k -> new long[2]);
    g[0]++;
    g[1] = Math.addExact(g[1], subsidyFen);
  }

  private static List<Group> groups(Map<String, long[]> groups) {
    List<Group> out = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> out.add(new Group(key, g[0], g[1])));
    return List.copyOf(out);
  }
}
