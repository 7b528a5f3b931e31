package org.yizhan.gateway.insured;

import java.util.Locale;

/**
 * How the year's contribution of an enrolment stands (缴费状态). Paid and subsidised (资助参保: the
 * government paid the individual share) enrolments cover their period; the others do not.
 */
public enum ContributionStatus {
  PAID("已缴费"),
  SUBSIDISED("资助参保"),
  UNPAID("未缴费"),
  SUSPENDED("暂停"),
  ENDED("终止");

  private final String chinese;

  ContributionStatus(String chinese) {
    this.chinese = chinese;
  }

  public String chinese() {
    return chinese;
  }

  /** Whether an enrolment in this state pays benefits for the days it covers. */
  public boolean covers() {
    return this == PAID || this == SUBSIDISED;
  }

  /** The status of a text: code or Chinese name (暂停参保, 终止参保 too); {@code null} when none. */
  static ContributionStatus parse(String text) {
    String t = text.trim();
    for (ContributionStatus s : values()) {
      if (s.name().equals(t.toUpperCase(Locale.ROOT))
          || t.equals(s.chinese)
          || t.equals(s.chinese + "参保")) {
        return s;
      }
    }
    if (t.equals("已缴")) {
      return PAID;
    }
    if (t.equals("资助") || t.equals("资助缴费")) {
      return SUBSIDISED;
    }
    return null;
  }
}
