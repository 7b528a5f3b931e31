package org.yizhan.gateway.insured;

import java.util.Locale;

/**
 * An insurance scheme (险种) a person is enrolled in, with its national insurance-type code (insutype
 * of the national interface): residents' basic medical insurance (城乡居民基本医疗保险, 390) and employees'
 * (职工基本医疗保险, 310).
 */
public enum Scheme {
  RESIDENT("390", "城乡居民"),
  EMPLOYEE("310", "职工");

  private final String insutype;
  private final String chinese;

  Scheme(String insutype, String chinese) {
    this.insutype = insutype;
    this.chinese = chinese;
  }

  /** The national insurance-type code (390, 310). */
  public String insutype() {
    return insutype;
  }

  public String chinese() {
    return chinese;
  }

  /**
   * The scheme of a file's or request's text: its code, Chinese name (short or with 医保/医疗保险) or
   * insutype; {@code null} when none.
   */
  public static Scheme parse(String text) {
    String t = text.trim();
    for (Scheme s : values()) {
      if (s.name().equals(t.toUpperCase(Locale.ROOT))
          || s.insutype.equals(t)
          || t.equals(s.chinese)
          || t.equals(s.chinese + "医保")
          || t.equals(s.chinese + "基本医疗保险")
          || t.equals(s.chinese + "医疗保险")) {
        return s;
      }
    }
    return null;
  }
}
