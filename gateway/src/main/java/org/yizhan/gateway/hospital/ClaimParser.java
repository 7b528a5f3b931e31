package org.yizhan.gateway.hospital;

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
import org.yizhan.gateway.infra.json.JsonStream;
import org.yizhan.gateway.infra.json.Shape;
import org.yizhan.gateway.infra.json.StreamedObject;
import org.yizhan.gateway.infra.json.TextShape;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.settlement.ClaimInput;

/**
 * Turns the JSON body of a preview or settle request into a {@link Claim}. Shape errors (missing or
 * unknown fields, wrong types, too many decimals) are 400 with the field's path; the business
 * checks (amount = round(quantity × unit price), dates in order, …) are the engine's, answered 422.
 * The hospital's code and level come from its key, never from the body.
 *
 * <p>The body is read by streaming into the claim's {@link Shape} (no JSON tree), with every check
 * and answer of the tree reader it replaced ({@link JsonStream}). The claim's fingerprint is the
 * body's SHA-256, the hash the request signature already covers: one hash per settlement, and a
 * retry is the same bytes (a retry re-signs the same body; a body rewritten with other spacing or
 * key order is another request, answered as a conflict if its claim number is settled).
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

  // The texts' shapes, checked by a loop each (TextShape: the regular expressions' matching was
  // 2.5% of the gateway's CPU per settlement); each equals the pattern in its comment.
  /** {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}} */
  static final TextShape CLAIM_NO_SHAPE = TextShape.ascii("A-Za-z0-9", "A-Za-z0-9._-", 1, 64);

  static final Pattern CLAIM_NO = CLAIM_NO_SHAPE.pattern();

  /** {@code [^\\p{Cntrl}]{1,64}}, as {@link ClaimInput#PERSON_NAME} */
  static final TextShape NAME = TextShape.printable(1, 64);

  /** {@code [A-Z][A-Z_]{1,31}} */
  static final TextShape SCHEME = TextShape.ascii("A-Z", "A-Z_", 2, 32);

  /** {@code [0-9]{6}} */
  static final TextShape OFFICE = TextShape.ascii("0-9", 6, 6);

  /** {@code [A-Za-z0-9._-]{1,64}} */
  static final TextShape LINE_NO = TextShape.ascii("A-Za-z0-9._-", 1, 64);

  /** {@code [A-Za-z0-9._-]{1,64}} */
  static final TextShape ITEM_CODE = LINE_NO;

  /** {@code [^\\p{Cntrl}]{0,200}} */
  static final TextShape ITEM_NAME = TextShape.printable(0, 200);

  static final BigDecimal MAX_QUANTITY = new BigDecimal("100000000");
  static final BigDecimal MAX_PRICE = new BigDecimal("10000000000");
  static final BigDecimal MAX_AMOUNT = Fen.toYuan(Fen.MAX);

  /** The claim's shape: its fields, and its lines (the first MAX_LINES kept, all counted). */
  static final Shape CLAIM =
      Shape.of(CLAIM_FIELDS.toArray(String[]::new))
          .withArray(
              "lines", Shape.of(LINE_FIELDS.toArray(String[]::new)), SettlementEngine.MAX_LINES);

  private ClaimParser() {}

  /**
   * The claim of a request body, read by streaming ({@link JsonStream}).
   *
   * @param bodySha256 the body's lower-case hex SHA-256 (the hash the request signature covers):
   *     the claim's fingerprint, so a replay is the same bytes again
   * @param maxStayDays the longest stay accepted, days from admission date to discharge date
   */
  public static ClaimInput parse(
      byte[] body, String bodySha256, Hospital hospital, int maxStayDays, Clock clock) {
    StreamedObject f = JsonStream.read(body, CLAIM).known();
    String claimNo =
        f.text("claimNo", CLAIM_NO_SHAPE, "1–64 letters, digits, '.', '_' or '-'", true);
    String idNo = f.idNumber("personIdNo", clock).value();
    String name = f.text("personName", NAME, "1–64 printable characters", false);
    String scheme = f.text("scheme", SCHEME, "an upper-case scheme name, e.g. RESIDENT", false);
    String office = f.text("officeCode", OFFICE, "a 6-digit civil-affairs office code", true);
    var admission = f.date("admissionDate");
    var discharge = f.date("dischargeDate");
    ClaimInput.checkStay(admission, discharge, maxStayDays, "dischargeDate", "admissionDate");
    StreamedObject.Items items = f.items("lines");
    if (items.count() > SettlementEngine.MAX_LINES) {
      throw Refusal.unprocessable(
          "TOO_MANY_LINES",
          "lines",
          "lines: at most "
              + SettlementEngine.MAX_LINES
              + " lines per claim, got "
              + items.count());
    }
    List<ClaimLine> lines = new ArrayList<>(items.count());
    for (int i = 0; i < items.count(); i++) {
      lines.add(line(f.element("lines", items, i), i));
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
    return new ClaimInput(claim, name, bodySha256);
  }

  private static ClaimLine line(StreamedObject f, int i) {
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
