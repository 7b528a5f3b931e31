package org.yizhan.gateway.coverage;

/**
 * Whose poor people a manager looks at: one civil-affairs office's, or a whole insurance region's
 * (the offices it covers, {@link Regions}).
 *
 * @param kind {@code office} or {@code region}
 * @param code the office's or the region's six-digit code
 */
public record Scope(String kind, String code) {
  public Scope {
    if (!kind.equals("office") && !kind.equals("region")) {
      throw new IllegalArgumentException("scope kind must be office or region: " + kind);
    }
    if (!Regions.CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("not a division code: " + code);
    }
  }

  public static Scope office(String code) {
    return new Scope("office", code);
  }

  public static Scope region(String code) {
    return new Scope("region", code);
  }

  /**
   * The first ID number in scope: a person's office is their ID number's first six digits, so the
   * people of an office or a region are one range of ID numbers, from this one ...
   */
  public String idFrom() {
    return low();
  }

  /**
   * ... to before this one: the highest office code followed by a letter after every digit and
   * {@code X} (in the C collation and in the usual language ones, digits sort before letters).
   */
  public String idBefore() {
    return high() + "Z";
  }

  /** The lowest office code in scope. */
  String low() {
    return kind.equals("office") ? code : Regions.low(code);
  }

  /** The highest office code in scope. */
  String high() {
    return kind.equals("office") ? code : Regions.high(code);
  }
}
