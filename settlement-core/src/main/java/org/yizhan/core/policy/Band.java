package org.yizhan.core.policy;

import java.util.Objects;
import org.yizhan.core.model.Ratio;

/**
 * One band of a {@link Schedule}: the ratio paid on the part of an amount up to {@code upToFen}
 * (from the previous band's end).
 *
 * @param upToFen the band's end in fen (inclusive), or {@code null} for the last, open band
 * @param ratio the share paid within the band
 */
public record Band(Long upToFen, Ratio ratio) {
  public Band {
    Objects.requireNonNull(ratio, "ratio");
    if (!ratio.isAtMostOne()) {
      throw new IllegalArgumentException("ratio must be at most 1: " + ratio);
    }
    if (upToFen != null && upToFen <= 0) {
      throw new IllegalArgumentException("upTo must be positive: " + upToFen);
    }
  }

  public boolean isOpen() {
    return upToFen == null;
  }
}
