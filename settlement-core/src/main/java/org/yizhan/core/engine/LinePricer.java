package org.yizhan.core.engine;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.RejectionCode;
import org.yizhan.core.policy.UnknownItems;

/**
 * Checks each line and classifies it against the catalogue in one pass (rules §1). A line that
 * fails a check stops the pass with a {@link Rejection} naming it as {@code lines[i].field}; so
 * does a line whose item code is not in the catalogue when unknown items are refused.
 */
final class LinePricer {
  private LinePricer() {}

  static PricedClaim price(Claim claim, Catalogue catalogue, UnknownItems unknownItems) {
    List<ClaimLine> lines = claim.lines();
    LocalDate date = claim.dischargeDate();
    List<LinePricing> priced = new ArrayList<>(lines.size());
    Set<String> seen = lines.size() > SMALL_CLAIM ? new HashSet<>(lines.size() * 2) : null;
    long total = 0;
    long fullOwnPay = 0;
    long overLimit = 0;
    long preSelfPay = 0;
    long inScope = 0;
    for (int i = 0; i < lines.size(); i++) {
      ClaimLine line = lines.get(i);
      Rejection bad = check(line, i, lines, seen);
      if (bad != null) {
        return new PricedClaim.Refused(bad);
      }
      CatalogueEntry entry = catalogue.lookup(line.itemCode(), date);
      if (entry == null && unknownItems == UnknownItems.REFUSE) {
        return new PricedClaim.Refused(unknown(line, i, date));
      }
      LinePricing p = classify(line, entry);
      priced.add(p);
      total += p.amountFen();
      if (total > Fen.MAX) {
        return new PricedClaim.Refused(
            new Rejection(
                RejectionCode.TOTAL_TOO_LARGE,
                "lines",
                "lines: the bill exceeds " + Fen.format(Fen.MAX) + " yuan at lines[" + i + "]"));
      }
      fullOwnPay += p.fullOwnPayFen();
      overLimit += p.overLimitFen();
      preSelfPay += p.preSelfPayFen();
      inScope += p.inScopeFen();
    }
    return new PricedClaim.Priced(priced, total, fullOwnPay, overLimit, preSelfPay, inScope);
  }

  /**
   * Claims of at most this many lines look for duplicate line numbers by comparing pairs, which for
   * a short bill is cheaper than hashing into a set.
   */
  static final int SMALL_CLAIM = 32;

  private static Rejection check(ClaimLine line, int i, List<ClaimLine> lines, Set<String> seen) {
    String at = "lines[" + i + "]";
    if (line.quantityE4() <= 0) {
      return new Rejection(
          RejectionCode.INVALID_QUANTITY,
          at + ".quantity",
          at + ".quantity must be greater than 0, got " + decimal(line.quantityE4(), 4));
    }
    if (line.unitPriceE6() < 0) {
      return new Rejection(
          RejectionCode.INVALID_PRICE,
          at + ".unitPrice",
          at + ".unitPrice must not be negative, got " + decimal(line.unitPriceE6(), 6));
    }
    if (line.amountFen() < 0 || line.amountFen() > Fen.MAX) {
      return new Rejection(
          RejectionCode.INVALID_AMOUNT,
          at + ".amount",
          at
              + ".amount must be between 0 and "
              + Fen.format(Fen.MAX)
              + ", got "
              + Fen.format(line.amountFen()));
    }
    long expected = Fen.quantityTimesPrice(line.quantityE4(), line.unitPriceE6());
    if (expected != line.amountFen()) {
      return new Rejection(
          RejectionCode.AMOUNT_MISMATCH,
          at + ".amount",
          at
              + ".amount "
              + Fen.format(line.amountFen())
              + " is not round(quantity "
              + decimal(line.quantityE4(), 4)
              + " × unitPrice "
              + decimal(line.unitPriceE6(), 6)
              + ") = "
              + Fen.format(expected));
    }
    if (seen != null ? !seen.add(line.lineNo()) : repeats(lines, i)) {
      return new Rejection(
          RejectionCode.DUPLICATE_LINE,
          at + ".lineNo",
          at + ".lineNo " + line.lineNo() + " appears more than once");
    }
    return null;
  }

  private static Rejection unknown(ClaimLine line, int i, LocalDate date) {
    String at = "lines[" + i + "]";
    return new Rejection(
        RejectionCode.UNKNOWN_ITEM,
        at + ".itemCode",
        at
            + ".itemCode (line "
            + line.lineNo()
            + ") is not in the insurance catalogue on "
            + date
            + "; correct the code (unknown items are refused, not paid as self-pay)");
  }

  /** Whether line {@code i}'s number appears on an earlier line. */
  private static boolean repeats(List<ClaimLine> lines, int i) {
    String no = lines.get(i).lineNo();
    for (int j = 0; j < i; j++) {
      if (no.equals(lines.get(j).lineNo())) {
        return true;
      }
    }
    return false;
  }

  static LinePricing classify(ClaimLine line, CatalogueEntry entry) {
    long amount = line.amountFen();
    if (entry == null || entry.category() == Category.C) {
      return new LinePricing(
          line.lineNo(),
          line.itemCode(),
          entry != null,
          Category.C,
          Ratio.ZERO,
          entry == null ? null : entry.priceCapE6(),
          amount,
          amount,
          0,
          0,
          0);
    }
    long over = 0;
    Long cap = entry.priceCapE6();
    if (cap != null && line.unitPriceE6() > cap) {
      over = Math.min(amount, Fen.quantityTimesPrice(line.quantityE4(), line.unitPriceE6() - cap));
    }
    long within = amount - over;
    long pre = entry.category() == Category.B ? Fen.times(within, entry.selfPayRatio()) : 0;
    return new LinePricing(
        line.lineNo(),
        line.itemCode(),
        true,
        entry.category(),
        entry.selfPayRatio(),
        cap,
        amount,
        0,
        over,
        pre,
        within - pre);
  }

  /** A scaled integer as a plain decimal, e.g. (25000, 4) → "2.5". */
  static String decimal(long unscaled, int scale) {
    return BigDecimal.valueOf(unscaled, scale).stripTrailingZeros().toPlainString();
  }
}
