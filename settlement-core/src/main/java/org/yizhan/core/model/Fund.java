package org.yizhan.core.model;

/** The three payers of a one-stop settlement, in the order they pay. */
public enum Fund {
  /** 基本医疗保险统筹基金 (hifp_pay). */
  BASIC("基本医疗保险统筹基金"),
  /** 大病保险 (hifmi_pay). */
  CRITICAL_ILLNESS("大病保险资金"),
  /** 民政医疗救助 (maf_pay). */
  ASSISTANCE("医疗救助基金");

  private final String chineseName;

  Fund(String chineseName) {
    this.chineseName = chineseName;
  }

  public String chineseName() {
    return chineseName;
  }
}
