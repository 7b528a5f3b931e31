package org.yizhan.gateway.hospital;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.settlement.ClaimInput;

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
  static final Pattern NAME = ClaimInput.PERSON_NAME;
  static final Pattern SCHEME = Pattern.compile("[A-Z][A-Z_]{1,31}");
  static final Pattern OFFICE = Pattern.compile("[0-9]{6}");
  static final Pattern LINE_NO = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern ITEM_CODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern ITEM_NAME = Pattern.compile("[^\\p{Cntrl}]{0,200}");

  static final BigDecimal MAX_QUANTITY = new BigDecimal("100000000");
  static final BigDecimal MAX_PRICE = new BigDecimal("10000000000");
  static final BigDecimal MAX_AMOUNT = Fen.toYuan(Fen.MAX);

  private ClaimParser() {}

  /**
   * The claim of a request body.
   *
   * @param maxStayDays the longest stay accepted, days from admission date to discharge date
   */
  public static ClaimInput parse(byte[] body, Hospital hospital, int maxStayDays, Clock clock) {
    return parse(Json.parse(body), hospital, maxStayDays, clock);
  }

  public static ClaimInput parse(JsonNode json, Hospital hospital, int maxStayDays, Clock clock) {
    Fields f = Fields.of(json, "", CLAIM_FIELDS);
    String claimNo = f.text("claimNo", CLAIM_NO, "1–64 letters, digits, '.', '_' or '-'", true);
    String idNo = f.idNumber("personIdNo", clock).value();
    String name = f.text("personName", NAME, "1–64 printable characters", false);
    String scheme = f.text("scheme", SCHEME, "an upper-case scheme name, e.g. RESIDENT", false);
    String office = f.text("officeCode", OFFICE, "a 6-digit civil-affairs office code", true);
    var admission = f.date("admissionDate");
    var discharge = f.date("dischargeDate");
    ClaimInput.checkStay(admission, discharge, maxStayDays, "dischargeDate", "admissionDate");
    JsonNode linesNode = f.raw("lines");
    if (linesNode == null) {
      throw Refusal.missing("lines");
    }
    if (!linesNode.isArray()) {
      throw Refusal.invalid("lines", "must be an array");
    }
    if (linesNode.size() > SettlementEngine.MAX_LINES) {
      throw Refusal.unprocessable(
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
            scheme == null ? ClaimInput.DEFAULT_SCHEME : scheme,
            office,
            hospital.code(),
            hospital.level(),
            admission,
            discharge,
            lines);
    return ClaimInput.of(claim, name);
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
}
