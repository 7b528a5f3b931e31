package org.yizhan.gateway.coverage;

import java.util.regex.Pattern;

/**
 * Which administrative divisions (GB/T 2260 codes, six digits) a region covers. Resident insurance
 * in Guangdong is pooled at the prefecture (市级统筹: 445200), civil affairs works per district or
 * county (445202, 445281), and a province's code ends in 0000 (440000). A region covers itself, a
 * prefecture covers the divisions whose code starts with its first four digits, a province those
 * starting with its first two. So a person of office 445202 enrolled in 445200 is insured "here",
 * and the insurance agency of 445200 sees the offices 4452xx.
 *
 * <p>The same rule is written once more in SQL ({@link CoverageStore#HERE}), where the matching
 * needs it per enrolment; CoverageTest checks both on the same cases.
 */
public final class Regions {
  /** An administrative division code: six ASCII digits. */
  public static final Pattern CODE = Pattern.compile("[0-9]{6}");

  private Regions() {}

  /** Whether {@code region} covers the division {@code code} (itself, or one below it). */
  public static boolean covers(String region, String code) {
    check(region);
    check(code);
    return code.startsWith(prefix(region));
  }

  /**
   * The digits a division below {@code region} starts with: all six of a district, four of a
   * prefecture (xxxx00), two of a province (xx0000).
   */
  static String prefix(String region) {
    check(region);
    if (region.endsWith("0000")) {
      return region.substring(0, 2);
    }
    if (region.endsWith("00")) {
      return region.substring(0, 4);
    }
    return region;
  }

  /** The lowest division code {@code region} covers (for an index range). */
  static String low(String region) {
    return (prefix(region) + "000000").substring(0, 6);
  }

  /** The highest division code {@code region} covers (for an index range). */
  static String high(String region) {
    return (prefix(region) + "999999").substring(0, 6);
  }

  private static void check(String code) {
    if (code == null || !CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("not a division code: " + code);
    }
  }
}
