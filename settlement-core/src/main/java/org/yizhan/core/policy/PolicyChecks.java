package org.yizhan.core.policy;

import java.util.regex.Pattern;

/** Field checks shared by the policy records; messages start with the field's name. */
final class PolicyChecks {
  private static final Pattern FUND_CODE = Pattern.compile("\\d{6}");

  private PolicyChecks() {}

  static void fundCode(String code, String field) {
    if (code == null || !FUND_CODE.matcher(code).matches()) {
      throw new IllegalArgumentException(field + ": a 6-digit fund code is needed, got " + code);
    }
  }

  static void level(Integer level, String field) {
    if (level == null || level < 1 || level > 3) {
      throw new IllegalArgumentException(field + ": hospital level must be 1, 2 or 3: " + level);
    }
  }

  static void nonNegative(Long fen, String field) {
    if (fen == null || fen < 0) {
      throw new IllegalArgumentException(field + ": must be a non-negative amount, got " + fen);
    }
  }
}
