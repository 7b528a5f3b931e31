package org.yizhan.gateway.identity;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;

/**
 * One version of an identity as civil affairs recorded it. Versions of one identity share its
 * {@code identityId}; the current one has no {@code supersededAt}.
 */
public record IdentityVersion(
    long rowId,
    UUID identityId,
    int version,
    String personIdNo,
    String personName,
    String officeCode,
    IdentityCategory category,
    LocalDate validFrom,
    LocalDate validTo,
    boolean confirmed,
    LocalDate liftedOutDate,
    Instant recordedAt,
    String recordedBy,
    Instant supersededAt) {

  /** The identity as the engine sees it. */
  public Identity identity() {
    return new Identity(category, validFrom, validTo, confirmed, liftedOutDate);
  }
}
