package org.yizhan.gateway.insured;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.infra.sheet.SheetDate;
import org.yizhan.gateway.infra.sheet.XlsxSheet;

/**
 * A register file's header and rows, read into {@link EnrolmentDraft}s with the line and field
 * named on the first bad value (never the value itself, which is personal data).
 *
 * <p>The vocabulary follows the identity roster's (RosterFile): headers by English or Chinese name,
 * in any order; dates read by the floor's one lenient reader ({@link SheetDate}: year first, {@code
 * 20180101} as registers export them, or an Excel serial day), the same reader as the roster's.
 */
final class RegisterFile {
  private RegisterFile() {}

  /** A column: its English (export) name first, then the accepted Chinese ones. */
  enum Column {
    PERSON_ID_NO(true, "person_id_no", "身份证号", "身份证号码", "证件号码", "公民身份号码"),
    PERSON_NAME(false, "person_name", "姓名"),
    ADMDVS(true, "admdvs", "参保地", "参保区划", "参保地区划", "参保地行政区划"),
    SCHEME(true, "scheme", "险种", "参保类型", "险种类型"),
    VALID_FROM(true, "valid_from", "参保开始日期", "开始日期"),
    VALID_TO(false, "valid_to", "参保终止日期", "终止日期"),
    CONTRIBUTION_YEAR(true, "contribution_year", "缴费年度"),
    CONTRIBUTION_STATUS(true, "contribution_status", "缴费状态"),
    CARD_NO(false, "card_no", "社保卡号"),
    CARD_SN(false, "card_sn", "卡识别码"),
    SEX(false, "sex", "性别"),
    BIRTH_DATE(false, "birth_date", "出生日期"),
    EMPLOYER_NAME(false, "employer_name", "单位名称");

    final boolean required;
    final List<String> names;

    Column(boolean required, String... names) {
      this.required = required;
      this.names = List.of(names);
    }

    String header() {
      return names.get(0);
    }

    static Column named(String name) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (Column c : values()) {
        if (c.names.contains(n)) {
          return c;
        }
      }
      return null;
    }
  }

  /** Where each column is in the file's rows ({@code -1}: absent). */
  record Header(int[] at, int width) {
    String value(List<String> row, Column c) {
      int i = at[c.ordinal()];
      return i < 0 || i >= row.size() ? "" : row.get(i);
    }

    /** The column at a position of the file, or {@code null} for a blank one. */
    Column column(int index) {
      for (Column c : Column.values()) {
        if (at[c.ordinal()] == index) {
          return c;
        }
      }
      return null;
    }
  }

  static Header header(long line, List<String> names) {
    int[] at = new int[Column.values().length];
    Arrays.fill(at, -1);
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).trim();
      if (i == 0 && n.startsWith("\uFEFF")) {
        n = n.substring(1).trim();
      }
      if (n.isEmpty()) {
        continue;
      }
      Column c = Column.named(n);
      if (c == null) {
        throw refused(
            line, "header", "column " + (i + 1) + " is not a register column; " + expected());
      }
      if (at[c.ordinal()] >= 0) {
        throw refused(line, "header", "names " + c.header() + " twice");
      }
      at[c.ordinal()] = i;
    }
    for (Column c : Column.values()) {
      if (c.required && at[c.ordinal()] < 0) {
        throw refused(
            line,
            "header",
            "lacks the column " + c.header() + " (" + c.names.get(1) + "); " + expected());
      }
    }
    return new Header(at, names.size());
  }

  /** How an .xlsx register's number cells read: ID and card numbers as digits, dates as dates. */
  static XlsxSheet.Columns columns(Header h) {
    return new XlsxSheet.Columns() {
      @Override
      public XlsxSheet.Kind kind(int index) {
        Column c = h.column(index);
        if (c == Column.PERSON_ID_NO || c == Column.CARD_NO || c == Column.CARD_SN) {
          return XlsxSheet.Kind.DIGITS;
        }
        if (c == Column.VALID_FROM || c == Column.VALID_TO || c == Column.BIRTH_DATE) {
          return XlsxSheet.Kind.DATE;
        }
        return XlsxSheet.Kind.TEXT;
      }

      @Override
      public String name(int index) {
        Column c = h.column(index);
        return c == null ? null : c.header();
      }
    };
  }

  static String expected() {
    List<String> en = new ArrayList<>();
    List<String> zh = new ArrayList<>();
    for (Column c : Column.values()) {
      en.add(c.header());
      zh.add(c.names.get(1));
    }
    return "expected "
        + String.join(",", en)
        + " or "
        + String.join(",", zh)
        + " (person_name, valid_to, card_no, card_sn, sex, birth_date, employer_name optional)";
  }

  static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}\\\\]{1,64}");
  static final Pattern LONG_TEXT = Pattern.compile("[^\\p{Cntrl}\\\\]{1,128}");
  static final Pattern CARD = Pattern.compile("[0-9A-Za-z]{6,32}");
  static final Pattern YEAR = Pattern.compile("(19|2[01])[0-9]{2}");

  /**
   * A row as a draft, checked: ID number, the region (known, and the agency's), scheme, dates,
   * year, status, card, sex and birth date.
   */
  static EnrolmentDraft row(
      long line, Header h, List<String> c, Regions regions, String agency, LocalDate latestBirth) {
    String idNo;
    try {
      idNo = IdNumber.parse(h.value(c, Column.PERSON_ID_NO), latestBirth).value();
    } catch (IdNumber.Invalid e) {
      String f = "line " + line + ": person_id_no";
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          "INVALID_ID_NUMBER",
          f,
          f + " is not a valid ID number: " + e.getMessage() + "; nothing was imported");
    }
    String admdvs = h.value(c, Column.ADMDVS);
    if (!regions.known(admdvs)) {
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          "UNKNOWN_REGION",
          "line " + line + ": admdvs",
          "line "
              + line
              + ": admdvs is not a region this gateway knows (a hospital's or a"
              + " policy's region, or one inside a policy's city or province); nothing was"
              + " imported");
    }
    if (!Regions.covers(agency, admdvs)) {
      String f = "line " + line + ": admdvs";
      throw new Refusal(
          Refusal.Kind.FORBIDDEN,
          "NOT_AGENCY_REGION",
          f,
          f
              + " is another agency's region; an agency imports its own region's enrolments only;"
              + " nothing was imported");
    }
    Scheme scheme = Scheme.parse(h.value(c, Column.SCHEME));
    if (scheme == null) {
      throw refused(line, "scheme", "must be RESIDENT or EMPLOYEE (城乡居民 or 职工, 390 or 310)");
    }
    LocalDate from = date(line, "valid_from", h.value(c, Column.VALID_FROM), false);
    LocalDate to = date(line, "valid_to", h.value(c, Column.VALID_TO), true);
    if (to != null && to.isBefore(from)) {
      throw refused(line, "valid_to", "is before valid_from");
    }
    String year = h.value(c, Column.CONTRIBUTION_YEAR);
    if (!YEAR.matcher(year).matches()) {
      throw refused(line, "contribution_year", "must be a year like 2018");
    }
    ContributionStatus status = ContributionStatus.parse(h.value(c, Column.CONTRIBUTION_STATUS));
    if (status == null) {
      throw refused(
          line,
          "contribution_status",
          "must be one of PAID, SUBSIDISED, UNPAID, SUSPENDED, ENDED or 已缴费, 资助参保, 未缴费, 暂停,"
              + " 终止");
    }
    String card =
        optional(line, "card_no", h.value(c, Column.CARD_NO), CARD, "6-32 letters or digits");
    String cardSn =
        optional(line, "card_sn", h.value(c, Column.CARD_SN), CARD, "6-32 letters or digits");
    String name =
        optional(
            line,
            "person_name",
            h.value(c, Column.PERSON_NAME),
            TEXT,
            "at most 64 printable characters");
    String employer =
        optional(
            line,
            "employer_name",
            h.value(c, Column.EMPLOYER_NAME),
            LONG_TEXT,
            "at most 128 printable characters");
    String sex = sex(line, h.value(c, Column.SEX));
    LocalDate birth = date(line, "birth_date", h.value(c, Column.BIRTH_DATE), true);
    IdNumber id = new IdNumber(idNo);
    if (sex != null && !sex.equals(Integer.toString(id.gender()))) {
      throw refused(line, "sex", "disagrees with the ID number");
    }
    if (birth != null && !birth.equals(id.birthDate())) {
      throw refused(line, "birth_date", "disagrees with the ID number");
    }
    return new EnrolmentDraft(
            idNo,
            admdvs,
            scheme,
            from,
            to,
            Integer.parseInt(year),
            status,
            card,
            cardSn,
            name,
            sex,
            birth,
            employer)
        .completed();
  }

  private static String optional(long line, String field, String text, Pattern p, String what) {
    if (text.isEmpty()) {
      return null;
    }
    if (!p.matcher(text).matches()) {
      throw refused(line, field, "must be " + what);
    }
    return text;
  }

  private static String sex(long line, String text) {
    switch (text) {
      case "":
        return null;
      case "1":
      case "男":
      case "M":
      case "m":
        return "1";
      case "2":
      case "女":
      case "F":
      case "f":
        return "2";
      default:
        throw refused(line, "sex", "must be 1 or 2 (男 or 女)");
    }
  }

  /** A date as the floor's one lenient reader takes it ({@link SheetDate}); empty is optional. */
  static LocalDate date(long line, String field, String text, boolean optional) {
    if (text.isEmpty()) {
      if (optional) {
        return null;
      }
      throw refused(line, field, "is required");
    }
    try {
      return SheetDate.parse(text);
    } catch (SheetDate.NotADate e) {
      throw refused(line, field, e.getMessage());
    }
  }

  static Refusal refused(long line, String field, String why) {
    return XlsxSheet.refused("line " + line, field, why);
  }
}
