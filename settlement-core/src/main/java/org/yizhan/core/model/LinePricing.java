package org.yizhan.core.model;

/**
 * How one line was classified against the catalogue (rules §1, the 2301 answer per line). {@code
 * amountFen = fullOwnPayFen + overLimitFen + preSelfPayFen + inScopeFen}.
 *
 * @param lineNo the hospital's line number
 * @param itemCode the item code
 * @param inCatalogue whether the code had a catalogue entry on the discharge date
 * @param category A, B or C (C when not in the catalogue)
 * @param selfPayRatio the B share (selfpay_prop), zero otherwise
 * @param priceCapE6 the price cap in 1/1,000,000 yuan (pric_uplmt_amt), or {@code null}
 * @param amountFen the line amount
 * @param fullOwnPayFen paid in full by the patient (fulamt_ownpay_amt)
 * @param overLimitFen above the price cap (overlmt_amt)
 * @param preSelfPayFen the B share (preselfpay_amt)
 * @param inScopeFen within the funds' scope (inscp_scp_amt)
 */
public record LinePricing(
    String lineNo,
    String itemCode,
    boolean inCatalogue,
    Category category,
    Ratio selfPayRatio,
    Long priceCapE6,
    long amountFen,
    long fullOwnPayFen,
    long overLimitFen,
    long preSelfPayFen,
    long inScopeFen) {

  public LinePricing {
    if (fullOwnPayFen + overLimitFen + preSelfPayFen + inScopeFen != amountFen) {
      throw new IllegalArgumentException(
          "line " + lineNo + ": parts do not add up to " + amountFen);
    }
    if (fullOwnPayFen < 0 || overLimitFen < 0 || preSelfPayFen < 0 || inScopeFen < 0) {
      throw new IllegalArgumentException("line " + lineNo + ": a part is negative");
    }
  }
}
