package org.yizhan.gateway.infra.json;

import java.util.regex.Pattern;

/**
 * The shape of a text field that is a run of characters of one class (the first one maybe of
 * another), between a least and a most number of characters: {@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,63}} or {@code [^\p{Cntrl}]{0,200}}. Checked by one loop over the
 * text instead of a regular expression.
 *
 * <p>Why: a claim of 54 lines has some 170 such texts (each line's number, item code and item
 * name), and the regular expressions' matching was 2.5% of the gateway's CPU per settlement
 * (docs/performance.md, "The gateway's CPU, cut again"); a loop over a table of 128 flags is a few
 * nanoseconds a character. Each shape keeps the regular expression it equals ({@link #pattern()}):
 * documentation, the readers that still take a pattern, and {@code TextShapeTest}, which checks
 * that both agree on every character of the Basic Multilingual Plane and beyond, and at each length
 * bound. Lengths count code points, as the pattern's repetition does.
 */
public final class TextShape {
  private final Pattern pattern;

  /** ASCII characters a first character may be (index: the character); null: any but controls. */
  private final boolean[] first;

  /** ASCII characters the others may be; null: any character but a control ({@code \p{Cntrl}}). */
  private final boolean[] rest;

  /** Least and most code points, inclusive. */
  private final int min;

  private final int max;

  private TextShape(Pattern pattern, boolean[] first, boolean[] rest, int min, int max) {
    if (min < 0 || max < min || max < 1) {
      throw new IllegalArgumentException("bad bounds " + min + ".." + max);
    }
    this.pattern = pattern;
    this.first = first;
    this.rest = rest;
    this.min = min;
    this.max = max;
  }

  /**
   * ASCII characters of {@code chars}, {@code min} to {@code max} of them: the shape of {@code
   * [chars]{min,max}}, where {@code chars} lists ranges ({@code A-Z}) and single characters.
   */
  public static TextShape ascii(String chars, int min, int max) {
    boolean[] set = set(chars);
    return new TextShape(
        Pattern.compile("[" + chars + "]{" + min + "," + max + "}"), set, set, min, max);
  }

  /**
   * A first ASCII character of {@code firstChars}, then ASCII characters of {@code restChars}: the
   * shape of {@code [firstChars][restChars]{min-1,max-1}}, {@code min} at least 1.
   */
  public static TextShape ascii(String firstChars, String restChars, int min, int max) {
    if (min < 1) {
      throw new IllegalArgumentException("a first character needs min >= 1: " + min);
    }
    return new TextShape(
        Pattern.compile(
            "[" + firstChars + "][" + restChars + "]{" + (min - 1) + "," + (max - 1) + "}"),
        set(firstChars),
        set(restChars),
        min,
        max);
  }

  /** Any characters but controls ({@code \p{Cntrl}}: U+0000–U+001F and U+007F), as many. */
  public static TextShape printable(int min, int max) {
    return new TextShape(
        Pattern.compile("[^\\p{Cntrl}]{" + min + "," + max + "}"), null, null, min, max);
  }

  /** The regular expression this shape equals. */
  public Pattern pattern() {
    return pattern;
  }

  /** Whether all of {@code s} has this shape. */
  public boolean matches(String s) {
    int n = s.length();
    if (n < min || (rest != null && n > max)) {
      // an ASCII shape's characters are one char each; a printable text of more chars than the
      // most code points may still be within it (pairs of surrogates), so it is counted below
      return false;
    }
    int points = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean[] allowed = points == 0 ? first : rest;
      if (allowed == null) {
        if (c < 0x20 || c == 0x7F) {
          return false;
        }
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        }
      } else if (c >= 128 || !allowed[c]) {
        return false;
      }
      points++;
      if (points > max) {
        return false;
      }
    }
    return points >= min;
  }

  /** The ASCII characters of a class's body: ranges {@code a-z} and single characters. */
  private static boolean[] set(String chars) {
    boolean[] set = new boolean[128];
    for (int i = 0; i < chars.length(); i++) {
      char from = chars.charAt(i);
      char to = from;
      if (i + 2 < chars.length() && chars.charAt(i + 1) == '-') {
        to = chars.charAt(i + 2);
        i += 2;
      }
      if (from >= 128 || to >= 128 || to < from || from == '\\' || from == '^' || from == '[') {
        throw new IllegalArgumentException("not a plain ASCII class: " + chars);
      }
      for (char c = from; c <= to; c++) {
        set[c] = true;
      }
    }
    return set;
  }
}
