package org.yizhan.core.model;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One identity a person holds, as civil affairs recorded it.
 *
 * <p>Which layers it affects (rules §3–§5): the basic and critical-illness adjustments use every
 * identity whose validity covers the discharge date; medical assistance additionally requires it to
 * be {@code confirmed} and, for 建档立卡, not lifted out of poverty on or before discharge.
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

  /** Whether it entitles the person to medical assistance on {@code date} (rules §5). */
  public boolean grantsAssistanceOn(LocalDate date) {
    return confirmed && inForceOn(date) && (liftedOutDate == null || liftedOutDate.isAfter(date));
  }
}
