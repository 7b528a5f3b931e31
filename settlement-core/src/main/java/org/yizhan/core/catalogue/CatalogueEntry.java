package org.yizhan.core.catalogue;

import java.time.LocalDate;
import java.util.Objects;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Ratio;

/**
 * One item of the insurance catalogue for one period.
 *
 * @param code the item code (med_list_codg)
 * @param name the catalogue's name for it
 * @param category A, B or C
 * @param selfPayRatio the patient's share of a B item (selfpay_prop); zero for A and C
 * @param priceCapE6 the highest unit price the funds recognise, in 1/1,000,000 yuan
 *     (pric_uplmt_amt), or {@code null} for none
 * @param validFrom first day the entry holds
 * @param validTo last day it holds (inclusive), or {@code null} while open-ended
 */
public record CatalogueEntry(
    String code,
    String name,
    Category category,
    Ratio selfPayRatio,
    Long priceCapE6,
    LocalDate validFrom,
    LocalDate validTo) {

  public CatalogueEntry {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(selfPayRatio, "selfPayRatio");
    Objects.requireNonNull(validFrom, "validFrom");
    if (code.isBlank()) {
      throw new IllegalArgumentException("code must not be blank");
    }
    if (!selfPayRatio.isAtMostOne()) {
      throw new IllegalArgumentException("self_pay_ratio must be at most 1: " + selfPayRatio);
    }
    if (category != Category.B && selfPayRatio.perTenThousand() != 0) {
      throw new IllegalArgumentException(
          "self_pay_ratio applies to B items only, " + code + " is " + category);
    }
    if (priceCapE6 != null && priceCapE6 < 0) {
      throw new IllegalArgumentException("price_cap must not be negative: " + priceCapE6);
    }
    if (validTo != null && validTo.isBefore(validFrom)) {
      throw new IllegalArgumentException("valid_to " + validTo + " before valid_from " + validFrom);
    }
  }

  public boolean validOn(LocalDate date) {
    return !date.isBefore(validFrom) && (validTo == null || !date.isAfter(validTo));
  }
}
