package org.yizhan.gateway.identity;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.infra.sheet.SheetDate;

/**
 * The roster's vocabulary: its header (columns by English or Chinese name, in any order) and its
 * values, each read unambiguously only: a category by code or Chinese name, a yes/no, a date year
 * first or as an Excel serial day. Anything else is refused naming the line and column, never the
 * value.
 */
final class RosterValues {
  private RosterValues() {}

  /** Maps the header row: each roster column once, export-only and blank columns ignored. */
  static RosterFile.Header header(String at, List<String> names) {
    int[] where = new int[RosterFile.Column.values().length];
    Arrays.fill(where, -1);
    boolean[] blank = new boolean[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).trim();
      if (i == 0 && n.startsWith("\uFEFF")) {
        n = n.substring(1).trim();
      }
      if (n.isEmpty()) {
        blank[i] = true;
        continue;
      }
      RosterFile.Column c = RosterFile.Column.named(n);
      if (c != null) {
        if (where[c.ordinal()] >= 0) {
          throw RosterFile.refused(
              at,
              "header",
              "names "
                  + c.header
                  + " twice (columns "
                  + (where[c.ordinal()] + 1)
                  + " and "
                  + (i + 1)
                  + ")");
        }
        where[c.ordinal()] = i;
      } else if (!RosterFile.EXPORT_ONLY.contains(n.toLowerCase(Locale.ROOT))) {
        throw RosterFile.refused(
            at, "header", "column " + (i + 1) + " is not a roster column; " + expected());
      }
    }
    for (RosterFile.Column c : RosterFile.Column.values()) {
      if (where[c.ordinal()] < 0) {
        throw RosterFile.refused(
            at,
            "header",
            "lacks the column " + c.header + " (" + c.names.get(1) + "); " + expected());
      }
    }
    return new RosterFile.Header(where, blank, names.size());
  }

  static String expected() {
    StringBuilder s = new StringBuilder("expected ");
    List<String> en = new ArrayList<>();
    List<String> zh = new ArrayList<>();
    for (RosterFile.Column c : RosterFile.Column.values()) {
      en.add(c.header);
      zh.add(c.names.get(1));
    }
    return s.append(String.join(",", en)).append(" or ").append(String.join(",", zh)).toString();
  }

  private static final Map<String, IdentityCategory> CATEGORIES =
      Map.ofEntries(
          Map.entry("DESTITUTE", IdentityCategory.DESTITUTE),
          Map.entry("特困", IdentityCategory.DESTITUTE),
          Map.entry("特困人员", IdentityCategory.DESTITUTE),
          Map.entry("SUBSISTENCE", IdentityCategory.SUBSISTENCE),
          Map.entry("低保", IdentityCategory.SUBSISTENCE),
          Map.entry("低保对象", IdentityCategory.SUBSISTENCE),
          Map.entry("REGISTERED_POOR", IdentityCategory.REGISTERED_POOR),
          Map.entry("建档立卡", IdentityCategory.REGISTERED_POOR),
          Map.entry("建档立卡贫困人口", IdentityCategory.REGISTERED_POOR),
          Map.entry("ILLNESS_POOR", IdentityCategory.ILLNESS_POOR),
          Map.entry("因病致贫", IdentityCategory.ILLNESS_POOR),
          Map.entry("因病致贫返贫", IdentityCategory.ILLNESS_POOR));

  /** A category by its code or Chinese name (short or full), or refused. */
  static IdentityCategory category(String at, String text) {
    IdentityCategory c = CATEGORIES.get(text);
    if (c == null) {
      throw RosterFile.refused(
          at,
          "category",
          "must be one of DESTITUTE, SUBSISTENCE, REGISTERED_POOR, ILLNESS_POOR"
              + " or 特困, 低保, 建档立卡, 因病致贫");
    }
    return c;
  }

  /** {@code true}/{@code false} (any case) or 是/否, or refused. */
  static boolean bool(String at, String field, String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "true":
      case "是":
        return true;
      case "false":
      case "否":
        return false;
      default:
        throw RosterFile.refused(at, field, "must be true or false (是 or 否)");
    }
  }

  /**
   * A date as the floor's one lenient reader takes it ({@link SheetDate}: year first, {@code
   * 20180101}, or an Excel serial day); empty is {@code null} when optional.
   */
  static LocalDate date(String at, String field, String text, boolean optional) {
    if (text.isEmpty()) {
      if (optional) {
        return null;
      }
      throw RosterFile.refused(at, field, "is required");
    }
    try {
      return SheetDate.parse(text);
    } catch (SheetDate.NotADate e) {
      throw RosterFile.refused(at, field, e.getMessage());
    }
  }
}
