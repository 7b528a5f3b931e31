package org.yizhan.gateway.insured;

import io.vertx.sqlclient.Row;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One version of an enrolment (参保登记) as the register holds it: a person's enrolment in a scheme in
 * an insurance region (参保地, admdvs) for a period, with the year's contribution status.
 *
 * @param rowId the version's row
 * @param validTo the last day covered (inclusive), or {@code null} while open
 * @param sex GB/T 2261.1 code: '1' male, '2' female
 */
public record Enrolment(
    long rowId,
    UUID enrolmentId,
    int version,
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
    String employerName,
    OffsetDateTime recordedAt,
    String recordedBy) {

  public Enrolment {
    Objects.requireNonNull(enrolmentId, "enrolmentId");
    Objects.requireNonNull(personIdNo, "personIdNo");
    Objects.requireNonNull(admdvs, "admdvs");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(status, "status");
  }

  /** Whether the enrolment's period holds {@code day}. */
  public boolean spans(LocalDate day) {
    return !day.isBefore(validFrom) && (validTo == null || !day.isAfter(validTo));
  }

  /** What this version records, without its identity and bookkeeping: for a change. */
  public EnrolmentDraft draft() {
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
        sex,
        birthDate,
        employerName);
  }

  static Enrolment of(Row r) {
    return new Enrolment(
        r.getLong("id"),
        r.getUUID("enrolment_id"),
        r.getInteger("version"),
        r.getString("person_id_no"),
        r.getString("admdvs"),
        Scheme.valueOf(r.getString("scheme")),
        r.getLocalDate("valid_from"),
        r.getLocalDate("valid_to"),
        r.getInteger("contribution_year"),
        ContributionStatus.valueOf(r.getString("contribution_status")),
        r.getString("card_no"),
        r.getString("card_sn"),
        r.getString("person_name"),
        r.getString("sex"),
        r.getLocalDate("birth_date"),
        r.getString("employer_name"),
        r.getOffsetDateTime("recorded_at"),
        r.getString("recorded_by"));
  }
}
