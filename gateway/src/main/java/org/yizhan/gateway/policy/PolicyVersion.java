package org.yizhan.gateway.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One version of a policy line (a region and a scheme) as stored: what it claims and who stands
 * behind it. The document itself (the YAML) is read separately ({@link PolicyService#document}).
 *
 * @param id the version's number, unique across lines
 * @param region the 6-digit region code the policy governs
 * @param scheme the insurance scheme, e.g. RESIDENT
 * @param year the policy year
 * @param validFrom the first discharge day it governs
 * @param validTo the last discharge day it may govern (a later approved version ends it earlier)
 * @param state DRAFT, APPROVED, REJECTED or WITHDRAWN
 * @param documentNo the document it implements (文号), e.g. 揭市医保〔2019〕12号
 * @param reason why the version is made
 * @param author who drafted it ({@code manager:<username>}, or {@code config:<file>} for a seed)
 * @param draftedAt when it was drafted or last revised
 * @param reviewer who approved or rejected it, or {@code null}
 * @param reviewedAt when, or {@code null}
 * @param reviewNote the reviewer's note, or {@code null}
 * @param documentSha256 the fingerprint of the document text (lower-case hex)
 */
public record PolicyVersion(
    long id,
    String region,
    String scheme,
    int year,
    LocalDate validFrom,
    LocalDate validTo,
    State state,
    String documentNo,
    String reason,
    String author,
    Instant draftedAt,
    String reviewer,
    Instant reviewedAt,
    String reviewNote,
    String documentSha256) {

  /** Where a version is in its life: see docs/policies.md. */
  public enum State {
    DRAFT,
    APPROVED,
    REJECTED,
    WITHDRAWN
  }

  public PolicyVersion {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(validTo, "validTo");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(author, "author");
    if ((state == State.APPROVED || state == State.REJECTED) != (reviewer != null)) {
      throw new IllegalArgumentException(
          "version " + id + " is " + state + ", reviewer " + reviewer);
    }
  }

  /** The line the version belongs to: region and scheme. */
  public String line() {
    return region + "/" + scheme;
  }
}
