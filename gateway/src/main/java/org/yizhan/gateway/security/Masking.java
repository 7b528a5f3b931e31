package org.yizhan.gateway.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data for logs, audit details and anything else a person may read who need not know
 * who the patient is: an ID number keeps its first character and its last two (PIPL art. 28 counts
 * medical and financial data as sensitive).
 */
public final class Masking {
  /**
   * Anything shaped like a resident ID number inside a longer text: 18 characters (17 digits and a
   * digit or X) or the old 15 digits, not part of a longer run of digits.
   */
  static final Pattern ID_IN_TEXT =
      Pattern.compile("(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])");

  private Masking() {}

  /**
   * {@code text} with every ID-number-shaped run masked: the last line of defence for log lines
   * (the logback converters {@link MaskedMessage} and {@link MaskedThrowable}), which also catches
   * what a library or a database error message might carry.
   */
  public static String text(String text) {
    if (text == null || text.length() < 15) {
      return text;
    }
    Matcher m = ID_IN_TEXT.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      m.appendReplacement(out, idNo(m.group()));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }

  /** "445202199001011234" → "4***************34". */
  public static String idNo(String idNo) {
    if (idNo == null) {
      return null;
    }
    int n = idNo.length();
    if (n <= 3) {
      return "*".repeat(n);
    }
    return idNo.charAt(0) + "*".repeat(n - 3) + idNo.substring(n - 2);
  }
}
