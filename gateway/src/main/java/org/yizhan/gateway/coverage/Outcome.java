package org.yizhan.gateway.coverage;

/**
 * Where a poor person in force stands against the insured register today (应保尽保 matching). Order of
 * precedence when a person has several enrolments: the first that applies.
 */
public enum Outcome {
  /** Enrolled in a region covering their office, the contribution subsidised (已参保·已资助). */
  SUBSIDISED("已参保已资助"),
  /** Enrolled there, paid by themselves or unpaid: a subsidy is owed (已参保·未资助). */
  NOT_SUBSIDISED("已参保未资助"),
  /** Enrolled only in a region that does not cover their office (异地参保). */
  ELSEWHERE("异地参保"),
  /** Not enrolled anywhere on the date: the outreach list (未参保). */
  NOT_ENROLLED("未参保");

  private final String chineseName;

  Outcome(String chineseName) {
    this.chineseName = chineseName;
  }

  public String chineseName() {
    return chineseName;
  }
}
