package org.yizhan.gateway.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One version of the insurance catalogue as stored: the days it claims and who stands behind it.
 * Its entries and its CSV are read separately ({@link CatalogueService#document}, {@link
 * CatalogueService#diff}). The same life as a {@link PolicyVersion}: see docs/policies.md.
 *
 * @param id the version's number
 * @param scope the region whose catalogue it is (440000: the province)
 * @param validFrom the first discharge day it prices
 * @param validTo the last discharge day it may price, or {@code null} until succeeded
 * @param state DRAFT, APPROVED, REJECTED or WITHDRAWN
 * @param entryCount how many entries (item periods) it holds
 * @param documentNo the document it implements (文号)
 * @param reason why the version is made
 * @param author who drafted it ({@code manager:<username>}, or {@code config:<file>} for the seed)
 * @param draftedAt when it was drafted
 * @param reviewer who approved or rejected it, or {@code null}
 * @param reviewedAt when, or {@code null}
 * @param reviewNote the reviewer's note, or {@code null}
 * @param documentSha256 the fingerprint of the CSV text as stored (UTF-8, lower-case hex)
 */
public record CatalogueVersion(
    long id,
    String scope,
    LocalDate validFrom,
    LocalDate validTo,
    PolicyVersion.State state,
    int entryCount,
    String documentNo,
    String reason,
    String author,
    Instant draftedAt,
    String reviewer,
    Instant reviewedAt,
    String reviewNote,
    String documentSha256) {

  public CatalogueVersion {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(author, "author");
  }
}
