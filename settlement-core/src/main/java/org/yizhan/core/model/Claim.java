package org.yizhan.core.model;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A discharge claim: one inpatient admission and its bill, as the hospital submits it for
 * settlement.
 *
 * @param claimNo the hospital's number for this admission (unique per hospital)
 * @param personIdNo the patient's resident ID number (身份证号)
 * @param scheme the insurance scheme, e.g. {@code RESIDENT} (城乡居民)
 * @param officeCode the 6-digit civil-affairs office (and insurance area) the person belongs to
 * @param hospitalCode the designated hospital's code
 * @param hospitalLevel the hospital's level (1, 2 or 3), which chooses deductible and ratios
 * @param admissionDate first day of the stay
 * @param dischargeDate last day of the stay: it chooses the policy, catalogue and identities
 * @param lines the bill
 */
public record Claim(
    String claimNo,
    String personIdNo,
    String scheme,
    String officeCode,
    String hospitalCode,
    int hospitalLevel,
    LocalDate admissionDate,
    LocalDate dischargeDate,
    List<ClaimLine> lines) {

  public Claim {
    Objects.requireNonNull(claimNo, "claimNo");
    Objects.requireNonNull(personIdNo, "personIdNo");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(officeCode, "officeCode");
    Objects.requireNonNull(hospitalCode, "hospitalCode");
    Objects.requireNonNull(admissionDate, "admissionDate");
    Objects.requireNonNull(dischargeDate, "dischargeDate");
    lines = List.copyOf(lines);
  }

  /** The settlement year: the calendar year of the discharge date. */
  public int year() {
    return dischargeDate.getYear();
  }
}
