package org.yizhan.core.model;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One identity a person holds, as civil affairs recorded it.
 *
 * <p>Which identities count (rules §0): only one civil affairs has {@code confirmed} and whose
 * validity covers the discharge date ({@link #countsOn}), for every layer; an unconfirmed identity
 * changes nothing. A 建档立卡 identity lifted out of poverty on or before discharge keeps its basic and
 * critical-illness tilts but draws no assistance ({@link #grantsAssistanceOn}).
 *
 * @param category which identity
 * @param validFrom first day it holds
 * @param validTo last day it holds (inclusive), or {@code null} while open-ended
 * @param confirmed whether civil affairs has confirmed it (身份确认)
 * @param liftedOutDate for {@link IdentityCategory#REGISTERED_POOR}: the day it was marked lifted
 *     out of poverty (标注脱贫), or {@code null}
 */
public record Identity(
    IdentityCategory category,
    LocalDate validFrom,
    LocalDate validTo,
    boolean confirmed,
    LocalDate liftedOutDate) {

  public Identity {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(validFrom, "validFrom");
    if (validTo != null && validTo.isBefore(validFrom)) {
      throw new IllegalArgumentException(
          "validTo " + validTo + " is before validFrom " + validFrom);
    }
    if (liftedOutDate != null && category != IdentityCategory.REGISTERED_POOR) {
      throw new IllegalArgumentException("only REGISTERED_POOR can be lifted out, not " + category);
    }
  }

  /** A confirmed identity valid from {@code from}, open-ended, not lifted out. */
  public static Identity confirmed(IdentityCategory category, LocalDate from) {
    return new Identity(category, from, null, true, null);
  }

  /** Whether its validity covers {@code date}. */
  public boolean inForceOn(LocalDate date) {
    return !date.isBefore(validFrom) && (validTo == null || !date.isAfter(validTo));
  }

  /** Whether it counts on {@code date} at all: confirmed and in force (rules §0). */
  public boolean countsOn(LocalDate date) {
    return confirmed && inForceOn(date);
  }

  /** Whether it entitles the person to medical assistance on {@code date} (rules §5). */
  public boolean grantsAssistanceOn(LocalDate date) {
    return countsOn(date) && (liftedOutDate == null || liftedOutDate.isAfter(date));
  }
}
