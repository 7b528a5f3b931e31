package org.yizhan.gateway.infra.json;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Amounts as people type them on the managers' page: {@code 5000}, {@code 5000.00}, {@code
 * 5,000.00}, full-width {@code ５０００} or {@code ５，０００．００} (a Chinese input method's digits and
 * punctuation). One reading only: full-width digits, comma and point become their ASCII forms, a
 * thousands separator must group the integer digits by three, and there is no sign, exponent or
 * currency mark. The result is exact ({@link BigDecimal}); the caller bounds its scale and size.
 */
public final class TypedAmount {
  private TypedAmount() {}

  static final Pattern PLAIN = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  static final Pattern GROUPED = Pattern.compile("[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?");

  public static BigDecimal parse(String field, String text) {
    String t = text.strip();
    if (t.length() > Json.MAX_NUMBER_LENGTH) {
      throw refused(field);
    }
    StringBuilder s = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '\uFF10' && c <= '\uFF19') {
        s.append((char) (c - '\uFF10' + '0'));
      } else if (c == '\uFF0C') {
        s.append(',');
      } else if (c == '\uFF0E') {
        s.append('.');
      } else {
        s.append(c);
      }
    }
    String ascii = s.toString();
    if (!PLAIN.matcher(ascii).matches() && !GROUPED.matcher(ascii).matches()) {
      throw refused(field);
    }
    return new BigDecimal(ascii.replace(",", ""));
  }

  private static Refusal refused(String field) {
    return Refusal.invalid(field, "must be an amount like 5000, 5,000.00 or ５０００");
  }
}
