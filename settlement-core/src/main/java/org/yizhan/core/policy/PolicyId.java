package org.yizhan.core.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names a policy version: the insurance area it governs, the scheme and the year.
 *
 * @param region a 6-digit administrative division code (e.g. 445200, 揭阳市)
 * @param scheme the insurance scheme, e.g. {@code RESIDENT} (城乡居民)
 * @param year the policy year
 */
public record PolicyId(String region, String scheme, int year) {
  private static final Pattern REGION = Pattern.compile("\\d{6}");
  private static final Pattern SCHEME = Pattern.compile("[A-Z][A-Z_]{1,31}");

  public PolicyId {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(scheme, "scheme");
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region must be 6 digits: " + region);
    }
    if (!SCHEME.matcher(scheme).matches()) {
      throw new IllegalArgumentException("scheme must be upper-case letters: " + scheme);
    }
    if (year < 2000 || year > 2100) {
      throw new IllegalArgumentException("year out of range: " + year);
    }
  }

  @Override
  public String toString() {
    return region + "/" + scheme + "/" + year;
  }
}
