package org.yizhan.gateway.insured;

import java.time.LocalDate;
import java.util.Objects;
import org.yizhan.core.model.IdNumber;

/**
 * What an agency asks the register to record: a new enrolment, or the new state of one. Sex and
 * birth date left out are taken from the ID number ({@link #completed}).
 */
public record EnrolmentDraft(
    String personIdNo,
    String admdvs,
    Scheme scheme,
    LocalDate validFrom,
    LocalDate validTo,
    int contributionYear,
    ContributionStatus status,
    String cardNo,
    String cardSn,
    String personName,
    String sex,
    LocalDate birthDate,
    String employerName) {

  public EnrolmentDraft {
    Objects.requireNonNull(personIdNo, "personIdNo");
    Objects.requireNonNull(admdvs, "admdvs");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(status, "status");
  }

  /** This draft with sex and birth date from the ID number where they are missing. */
  public EnrolmentDraft completed() {
    IdNumber id = new IdNumber(personIdNo);
    return new EnrolmentDraft(
        personIdNo,
        admdvs,
        scheme,
        validFrom,
        validTo,
        contributionYear,
        status,
        cardNo,
        cardSn,
        personName,
        sex != null ? sex : Integer.toString(id.gender()),
        birthDate != null ? birthDate : id.birthDate(),
        employerName);
  }

  /** Whether the two periods share a day. */
  boolean overlaps(LocalDate from, LocalDate to) {
    return (to == null || !to.isBefore(validFrom)) && (validTo == null || !validTo.isBefore(from));
  }
}
