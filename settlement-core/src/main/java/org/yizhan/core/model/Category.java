package org.yizhan.core.model;

/** The insurance catalogue's payment category of an item (医保目录 甲/乙/丙类). */
public enum Category {
  /** 甲类: fully in scope. */
  A("01"),
  /** 乙类: in scope after the patient's pre-self-pay share. */
  B("02"),
  /** 丙类, or not in the catalogue: the patient pays in full. */
  C("03");

  private final String chrgitmLv;

  Category(String chrgitmLv) {
    this.chrgitmLv = chrgitmLv;
  }

  /** The national platform's charge item level (chrgitm_lv): 01, 02 or 03. */
  public String chrgitmLv() {
    return chrgitmLv;
  }
}
