package org.yizhan.gateway.insured;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What a settlement needs of a current enrolment ({@link Coverage}): its region, scheme, period and
 * the year's contribution; the register's row without the person's name, card and bookkeeping. It
 * is what {@link EnrolmentCache} keeps, a few dozen bytes a person instead of the whole row.
 *
 * @param validTo the last day covered (inclusive), or {@code null} while open
 */
public record Enrolled(
    String admdvs,
    Scheme scheme,
    LocalDate validFrom,
    LocalDate validTo,
    int contributionYear,
    ContributionStatus status) {

  public Enrolled {
    Objects.requireNonNull(admdvs, "admdvs");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(status, "status");
  }

  /** Whether the enrolment's period holds {@code day}. */
  public boolean spans(LocalDate day) {
    return !day.isBefore(validFrom) && (validTo == null || !day.isAfter(validTo));
  }
}
