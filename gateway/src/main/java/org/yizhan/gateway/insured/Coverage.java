package org.yizhan.gateway.insured;

import java.time.LocalDate;
import java.util.List;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Whether the register covers a person for a scheme on a day (the admission date of a claim): a
 * current enrolment of the scheme whose period holds the day and whose contribution is paid or
 * subsidised. Otherwise it says what is missing, so that the hospital's desk can tell the patient
 * what to fix at the agency, never echoing the ID number.
 *
 * <p>Enrolment periods of one person and scheme never overlap (the register refuses it), so at most
 * one enrolment holds the day, wherever its region: the person is insured in one region at a time.
 */
public sealed interface Coverage {
  /** The refusal of a claim whose person is not covered. */
  String NOT_INSURED = "NOT_INSURED";

  /** Covered by this enrolment: its region's policy governs the claim. */
  record Covered(Enrolled enrolment) implements Coverage {}

  /** Not covered, and why. */
  record NotCovered(Reason reason, String message) implements Coverage {
    /** 422 {@code NOT_INSURED} naming the person's field and what is missing. */
    public Refusal refusal(String field) {
      return new Refusal(Refusal.Kind.UNPROCESSABLE, NOT_INSURED, field, field + ": " + message);
    }
  }

  /** What is missing. */
  enum Reason {
    NO_ENROLMENT,
    NOT_YET_STARTED,
    ENDED_BEFORE,
    SUSPENDED,
    UNPAID,
    ENDED
  }

  /** The coverage on {@code day} given the person's current enrolments (any scheme). */
  static Coverage of(List<Enrolled> current, Scheme scheme, LocalDate day) {
    Enrolled startsLater = null;
    Enrolled endedBefore = null;
    boolean any = false;
    for (Enrolled e : current) {
      if (e.scheme() != scheme) {
        continue;
      }
      any = true;
      if (e.spans(day)) {
        return holding(e, day);
      }
      if (e.validFrom().isAfter(day)) {
        startsLater =
            startsLater == null || e.validFrom().isBefore(startsLater.validFrom())
                ? e
                : startsLater;
      } else if (endedBefore == null || e.validTo().isAfter(endedBefore.validTo())) {
        endedBefore = e;
      }
    }
    String what = "the person's " + scheme + " (" + scheme.chinese() + ") enrolment";
    if (!any) {
      return new NotCovered(
          Reason.NO_ENROLMENT,
          "the person is not enrolled in "
              + scheme
              + " ("
              + scheme.chinese()
              + ") insurance in"
              + " the register (参保登记); the insurance agency of their region enrols them");
    }
    if (endedBefore != null) {
      return new NotCovered(
          Reason.ENDED_BEFORE,
          what
              + " in region "
              + endedBefore.admdvs()
              + " ended on "
              + endedBefore.validTo()
              + ", before the admission date "
              + day);
    }
    return new NotCovered(
        Reason.NOT_YET_STARTED,
        what
            + " in region "
            + startsLater.admdvs()
            + " begins on "
            + startsLater.validFrom()
            + ", after the admission date "
            + day);
  }

  private static Coverage holding(Enrolled e, LocalDate day) {
    if (e.status().covers()) {
      return new Covered(e);
    }
    String what =
        "the person's "
            + e.scheme()
            + " enrolment in region "
            + e.admdvs()
            + " for "
            + e.contributionYear()
            + " is ";
    switch (e.status()) {
      case SUSPENDED:
        return new NotCovered(
            Reason.SUSPENDED, what + "suspended (暂停) on the admission date " + day);
      case UNPAID:
        return new NotCovered(
            Reason.UNPAID, what + "unpaid (未缴费): no benefits before the contribution is paid");
      default:
        return new NotCovered(Reason.ENDED, what + "ended (终止) on the admission date " + day);
    }
  }
}
