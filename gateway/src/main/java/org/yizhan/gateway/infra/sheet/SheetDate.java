package org.yizhan.gateway.infra.sheet;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one lenient reader of a date typed into a file by an office or an agency (the identity
 * roster, the insured register): every way such files write a date, as long as it is unambiguous.
 *
 * <ul>
 *   <li>Year first only: {@code 2018-01-01} (or {@code 2018-1-1}), {@code 2018/1/1}, {@code
 *       2018年1月1日}, {@code 20180101} (registers export this). Never day and month first: {@code
 *       01/02/2018} is January or February depending on who typed it.
 *   <li>An Excel serial day number (days since 1899-12-30, which is what a date cell holds and what
 *       a date column pasted as numbers shows) from {@value #FIRST_SERIAL} (1900-03-01, after
 *       Excel's phantom 1900-02-29) to {@value #LAST_SERIAL} (9999-12-31). One to seven digits:
 *       eight are {@code yyyyMMdd}, so the two never collide.
 * </ul>
 *
 * <p>The reader says why a text is not a date ({@link NotADate}, never quoting it: the value may be
 * personal data); each caller wraps that in its own refusal naming the line and field.
 */
public final class SheetDate {
  private SheetDate() {}

  /** The first Excel serial day accepted: 1900-03-01. */
  public static final long FIRST_SERIAL = 61;

  /** The last Excel serial day accepted: 9999-12-31. */
  public static final long LAST_SERIAL = 2_958_465;

  /** Day 0 of Excel's serial days (the 1900 date system, the usual one). */
  public static final LocalDate EXCEL_EPOCH = LocalDate.of(1899, 12, 30);

  /** What the refusal says a date should look like. */
  public static final String EXPECTED =
      "a date like 2018-01-01, 2018/1/1, 2018年1月1日, 20180101 or an Excel serial date number";

  private static final Pattern DASH = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})");
  private static final Pattern SLASH = Pattern.compile("(\\d{4})/(\\d{1,2})/(\\d{1,2})");
  private static final Pattern HAN = Pattern.compile("(\\d{4})年(\\d{1,2})月(\\d{1,2})日");
  private static final Pattern BASIC = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
  private static final List<Pattern> YEAR_FIRST = List.of(DASH, SLASH, HAN, BASIC);
  private static final Pattern SERIAL = Pattern.compile("\\d{1,7}");

  /** Why a text is not a date; the message is the reason, never the text. */
  public static final class NotADate extends Exception {
    private static final long serialVersionUID = 1L;

    NotADate(String why) {
      super(why, null, false, false);
    }
  }

  /** The date {@code text} writes (trimmed, non-empty), or why it writes none. */
  public static LocalDate parse(String text) throws NotADate {
    String t = text.strip();
    for (Pattern p : YEAR_FIRST) {
      Matcher m = p.matcher(t);
      if (m.matches()) {
        try {
          return LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
          throw new NotADate("is not a date of the calendar");
        }
      }
    }
    if (SERIAL.matcher(t).matches()) {
      long n = Long.parseLong(t);
      if (n >= FIRST_SERIAL && n <= LAST_SERIAL) {
        return EXCEL_EPOCH.plusDays(n);
      }
      throw new NotADate(
          "as an Excel serial date must be from "
              + FIRST_SERIAL
              + " (1900-03-01) to "
              + LAST_SERIAL
              + " (9999-12-31)");
    }
    throw new NotADate("must be " + EXPECTED);
  }
}
