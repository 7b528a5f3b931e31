package org.yizhan.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * A payment schedule (rules §2): bands with increasing ends, the last one open. Band {@code i}
 * covers {@code (upTo[i-1], upTo[i]]}, the first starting at 0.
 */
public record Schedule(List<Band> bands) {
  public Schedule {
    Objects.requireNonNull(bands, "bands");
    bands = List.copyOf(bands);
    if (bands.isEmpty()) {
      throw new IllegalArgumentException("a schedule needs at least one band");
    }
    long previous = 0;
    for (int i = 0; i < bands.size(); i++) {
      Band b = bands.get(i);
      boolean last = i == bands.size() - 1;
      if (last != b.isOpen()) {
        throw new IllegalArgumentException(
            last
                ? "the last band must be open (no upTo)"
                : "band " + (i + 1) + " needs an upTo: only the last band is open");
      }
      if (!last) {
        if (b.upToFen() <= previous) {
          throw new IllegalArgumentException(
              "band " + (i + 1) + ": upTo must increase, " + b.upToFen() + " ≤ " + previous);
        }
        previous = b.upToFen();
      }
    }
  }

  /** A schedule of one open band. */
  public static Schedule flat(org.yizhan.core.model.Ratio ratio) {
    return new Schedule(List.of(new Band(null, ratio)));
  }
}
