package org.yizhan.core.model;

import java.util.Objects;

/**
 * One line of a hospital bill (费用明细), as the hospital sent it. The record only holds shape; the
 * business checks (quantity positive, amount = round(quantity × unit price), …) are the engine's,
 * so that a bad line becomes a {@link Rejection} that names it rather than an exception.
 *
 * @param lineNo the hospital's line number (feedetl_sn), unique within the claim
 * @param itemCode the item's code in the insurance catalogue (med_list_codg)
 * @param itemName the hospital's name for the item, for people; never used to price
 * @param quantityE4 quantity in 1/10,000 units (cnt has four decimals)
 * @param unitPriceE6 unit price in 1/1,000,000 yuan (pric has six decimals)
 * @param amountFen the line amount the hospital charged, in fen (det_item_fee_sumamt)
 */
public record ClaimLine(
    String lineNo,
    String itemCode,
    String itemName,
    long quantityE4,
    long unitPriceE6,
    long amountFen) {

  /** Quantities are counted in 1/QUANTITY_SCALE units. */
  public static final int QUANTITY_DECIMALS = 4;

  /** Unit prices are counted in 1/1,000,000 yuan. */
  public static final int PRICE_DECIMALS = 6;

  public ClaimLine {
    Objects.requireNonNull(lineNo, "lineNo");
    Objects.requireNonNull(itemCode, "itemCode");
    Objects.requireNonNull(itemName, "itemName");
  }
}
