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

  /** The lowest office code in scope. */
  String low() {
    return kind.equals("office") ? code : Regions.low(code);
  }

  /** The highest office code in scope. */
  String high() {
    return kind.equals("office") ? code : Regions.high(code);
  }
}
