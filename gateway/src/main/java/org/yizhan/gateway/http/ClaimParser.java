package org.yizhan.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.infra.Digests;

/**
 * Turns the JSON body of a preview or settle request into a {@link Claim}. Shape errors (missing or
 * unknown fields, wrong types, too many decimals) are 400 with the field's path; the business
 * checks (amount = round(quantity × unit price), dates in order, …) are the engine's, answered 422.
 * The hospital's code and level come from its key, never from the body.
 */
public final class ClaimParser {
  static final Set<String> CLAIM_FIELDS =
      Set.of(
          "claimNo",
          "personIdNo",
          "personName",
          "scheme",
          "officeCode",
          "admissionDate",
          "dischargeDate",
          "lines");
  static final Set<String> LINE_FIELDS =
      Set.of("lineNo", "itemCode", "itemName", "quantity", "unitPrice", "amount");

  static final Pattern CLAIM_NO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,64}");
  static final Pattern SCHEME = Pattern.compile("[A-Z][A-Z_]{1,31}");
  static final Pattern OFFICE = Pattern.compile("[0-9]{6}");
  static final Pattern LINE_NO = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern ITEM_CODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern ITEM_NAME = Pattern.compile("[^\\p{Cntrl}]{0,200}");

  static final BigDecimal MAX_QUANTITY = new BigDecimal("100000000");
  static final BigDecimal MAX_PRICE = new BigDecimal("10000000000");
  static final BigDecimal MAX_AMOUNT = Fen.toYuan(Fen.MAX);

  /** The default scheme: residents' basic medical insurance (城乡居民). */
  public static final String DEFAULT_SCHEME = "RESIDENT";

  /**
   * A parsed claim and its fingerprint.
   *
   * @param contentSha256 hex SHA-256 of the claim's canonical content: equal exactly when every
   *     field of the claim is equal, whatever the JSON's spacing, key order or number spelling
   */
  public record Parsed(Claim claim, String personName, String contentSha256) {}

  private ClaimParser() {}

  /**
   * The claim of a request body.
   *
   * @param maxStayDays the longest stay accepted, days from admission date to discharge date
   */
  public static Parsed parse(byte[] body, Hospital hospital, int maxStayDays, Clock clock) {
    return parse(Json.parse(body), hospital, maxStayDays, clock);
  }

  public static Parsed parse(JsonNode json, Hospital hospital, int maxStayDays, Clock clock) {
    Fields f = Fields.of(json, "", CLAIM_FIELDS);
    String claimNo = f.text("claimNo", CLAIM_NO, "1–64 letters, digits, '.', '_' or '-'", true);
    String idNo = f.idNumber("personIdNo", clock).value();
    String name = f.text("personName", NAME, "1–64 printable characters", false);
    String scheme = f.text("scheme", SCHEME, "an upper-case scheme name, e.g. RESIDENT", false);
    String office = f.text("officeCode", OFFICE, "a 6-digit civil-affairs office code", true);
    var admission = f.date("admissionDate");
    var discharge = f.date("dischargeDate");
    checkStay(admission, discharge, maxStayDays, "dischargeDate", "admissionDate");
    JsonNode linesNode = f.raw("lines");
    if (linesNode == null) {
      throw ApiError.missing("lines");
    }
    if (!linesNode.isArray()) {
      throw ApiError.invalid("lines", "must be an array");
    }
    if (linesNode.size() > SettlementEngine.MAX_LINES) {
      throw new ApiError(
          422,
          "TOO_MANY_LINES",
          "lines",
          "lines: at most "
              + SettlementEngine.MAX_LINES
              + " lines per claim, got "
              + linesNode.size());
    }
    List<ClaimLine> lines = new ArrayList<>(linesNode.size());
    for (int i = 0; i < linesNode.size(); i++) {
      lines.add(line(linesNode.get(i), i));
    }
    Claim claim =
        new Claim(
            claimNo,
            idNo,
            scheme == null ? DEFAULT_SCHEME : scheme,
            office,
            hospital.code(),
            hospital.level(),
            admission,
            discharge,
            lines);
    return new Parsed(claim, name, fingerprint(claim, name));
  }

  /**
   * Refuses a stay longer than {@code maxDays} ({@code STAY_TOO_LONG}, 422): a typing slip in a
   * year (1900 for 2018) would otherwise settle a century-long stay. A discharge before the
   * admission is the engine's to refuse ({@code DATES_OUT_OF_ORDER}). The one check of the bound:
   * the JSON API's claims, and the national 2402, 2303 and 2304 (which name their own fields).
   *
   * @param dischargeField the field named as the culprit
   * @param admissionField the field the message measures from
   */
  public static void checkStay(
      LocalDate admission,
      LocalDate discharge,
      int maxDays,
      String dischargeField,
      String admissionField) {
    // DAYS.between, not plusDays: a date near LocalDate.MAX must not overflow into a 500.
    if (ChronoUnit.DAYS.between(admission, discharge) > maxDays) {
      throw new ApiError(
          422,
          "STAY_TOO_LONG",
          dischargeField,
          dischargeField
              + " is more than "
              + maxDays
              + " days after "
              + admissionField
              + "; a longer stay is settled in parts");
    }
  }

  private static ClaimLine line(JsonNode node, int i) {
    String at = "lines[" + i + "]";
    Fields f = Fields.of(node, at, LINE_FIELDS);
    String lineNo = f.text("lineNo", LINE_NO, "1–64 letters, digits, '.', '_' or '-'", false);
    String code = f.text("itemCode", ITEM_CODE, "1–64 letters, digits, '.', '_' or '-'", true);
    String name = f.text("itemName", ITEM_NAME, "at most 200 printable characters", false);
    long quantity = f.decimal("quantity", ClaimLine.QUANTITY_DECIMALS, MAX_QUANTITY);
    long price = f.decimal("unitPrice", ClaimLine.PRICE_DECIMALS, MAX_PRICE);
    long amount = f.decimal("amount", 2, MAX_AMOUNT);
    return new ClaimLine(
        lineNo == null ? String.valueOf(i + 1) : lineNo,
        code,
        name == null ? "" : name,
        quantity,
        price,
        amount);
  }

  /** A claim built by another front door (e.g. the national interface), fingerprinted alike. */
  public static Parsed parsed(Claim claim, String personName) {
    return new Parsed(claim, personName, fingerprint(claim, personName));
  }

  /** Hex SHA-256 of the claim's canonical text (fields in a fixed order, numbers unscaled). */
  static String fingerprint(Claim c, String personName) {
    StringBuilder s = new StringBuilder(64 + c.lines().size() * 64);
    s.append(c.claimNo()).append('\u001f').append(c.personIdNo()).append('\u001f');
    s.append(personName == null ? "" : personName).append('\u001f').append(c.scheme());
    s.append('\u001f').append(c.officeCode()).append('\u001f').append(c.hospitalCode());
    s.append('\u001f').append(c.admissionDate()).append('\u001f').append(c.dischargeDate());
    for (ClaimLine l : c.lines()) {
      s.append('\u001e').append(l.lineNo()).append('\u001f').append(l.itemCode());
      s.append('\u001f').append(l.itemName()).append('\u001f').append(l.quantityE4());
      s.append('\u001f').append(l.unitPriceE6()).append('\u001f').append(l.amountFen());
    }
    return Digests.sha256Hex(s.toString());
  }
}
