package org.yizhan.gateway.hospital;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.ZoneId;
import org.yizhan.core.model.Fund;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.settlement.SettlementView;
import org.yizhan.gateway.settlement.SettlementView.FundRecord;
import org.yizhan.gateway.settlement.SettlementView.LineRecord;
import org.yizhan.gateway.settlement.SettlementView.ReversalRecord;

/**
 * Writes settlements as JSON. Amounts are JSON numbers with exactly two decimals ({@code 6109.25},
 * {@code 0.00}), ratios four; they are written from exact integers, never through a double, and
 * clients should read them as decimals. Streaming (Jackson's generator) keeps a 2,000-line
 * settlement cheap to render.
 *
 * <p>Two shapes: the lean answer (every field of the settlement, its totals, funds, assistance and
 * reversal) by default, and with {@link Detail#LINES} also {@code lines}, each line's
 * classification (category, ratio, cap and the four amounts it splits into). The lines are most of
 * the answer (about 90% of the bytes of a 54-line claim) and most of the cost of writing it, and a
 * hospital system books the totals and funds; it asks for the lines when it shows them.
 */
public final class SettlementJson {
  private SettlementJson() {}

  /** Which shape to write. */
  public enum Detail {
    /** Without the per-line classification. */
    LEAN,
    /** With {@code lines}: the full shape. */
    LINES
  }

  public static Buffer settlement(SettlementView s, ZoneId zone, Detail detail) {
    return JsonWriter.render(g -> write(g, s, zone, detail));
  }

  public static void write(JsonGenerator g, SettlementView s, ZoneId zone, Detail detail)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("settlementId", s.id() == null ? null : s.id().toString());
    g.writeStringField("status", s.status());
    g.writeStringField("hospitalCode", s.hospitalCode());
    g.writeStringField("claimNo", s.claimNo());
    g.writeStringField("personIdNo", s.personIdNo());
    g.writeStringField("officeCode", s.officeCode());
    g.writeStringField("policyId", s.policyId());
    number(g, "policyVersion", s.policyVersion());
    number(g, "catalogueVersion", s.catalogueVersion());
    g.writeNumberField("year", s.year());
    g.writeNumberField("hospitalLevel", s.hospitalLevel());
    g.writeStringField("admissionDate", s.admissionDate().toString());
    g.writeStringField("dischargeDate", s.dischargeDate().toString());
    g.writeStringField("settledAt", JsonWriter.time(s.settledAt(), zone));
    g.writeStringField("settledOn", s.settledOn().toString());
    JsonWriter.money(g, "total", s.totalFen());
    JsonWriter.money(g, "fullOwnPay", s.fullOwnPayFen());
    JsonWriter.money(g, "overLimit", s.overLimitFen());
    JsonWriter.money(g, "preSelfPay", s.preSelfPayFen());
    JsonWriter.money(g, "inScope", s.inScopeFen());
    JsonWriter.money(g, "actDeductible", s.actDeductibleFen());
    JsonWriter.money(g, "fundPay", s.fundPayFen());
    JsonWriter.money(g, "personalPay", s.personalPayFen());
    g.writeArrayFieldStart("funds");
    for (FundRecord f : s.funds()) {
      fund(g, f);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("assistance");
    g.writeStringField("identity", s.maIdentity());
    g.writeStringField("note", s.maNote());
    JsonWriter.money(g, "prepaymentDrawn", s.prepaymentDrawnFen());
    JsonWriter.money(g, "hospitalAdvance", s.hospitalAdvanceFen());
    g.writeEndObject();
    if (detail == Detail.LINES && !s.lines().isEmpty()) {
      g.writeArrayFieldStart("lines");
      for (LineRecord l : s.lines()) {
        line(g, l);
      }
      g.writeEndArray();
    }
    if (s.reversal() != null) {
      reversal(g, s.reversal(), zone);
    } else {
      g.writeNullField("reversal");
    }
    g.writeEndObject();
  }

  /** A version number, or null when the settlement predates versions. */
  private static void number(JsonGenerator g, String name, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value.longValue());
    }
  }

  private static void fund(JsonGenerator g, FundRecord f) throws IOException {
    g.writeStartObject();
    g.writeStringField("fund", f.fund());
    g.writeStringField("fundCode", f.fundCode());
    g.writeStringField("name", Fund.valueOf(f.fund()).chineseName());
    JsonWriter.money(g, "base", f.baseFen());
    JsonWriter.money(g, "paid", f.paidFen());
    if (f.remainingRoomFen() == null) {
      g.writeNullField("remainingRoom");
    } else {
      JsonWriter.money(g, "remainingRoom", f.remainingRoomFen());
    }
    g.writeStringField("trace", f.trace());
    g.writeEndObject();
  }

  private static void line(JsonGenerator g, LineRecord l) throws IOException {
    g.writeStartObject();
    g.writeStringField("lineNo", l.lineNo());
    g.writeStringField("itemCode", l.itemCode());
    g.writeStringField("itemName", l.itemName());
    JsonWriter.decimal(g, "quantity", l.quantityE4(), 4);
    JsonWriter.decimal(g, "unitPrice", l.unitPriceE6(), 6);
    JsonWriter.money(g, "amount", l.amountFen());
    g.writeStringField("category", l.category());
    g.writeFieldName("selfPayRatio");
    g.writeNumber(BigDecimal.valueOf(l.selfPayRatioE4(), 4).toPlainString());
    if (l.priceCapE6() == null) {
      g.writeNullField("priceCap");
    } else {
      JsonWriter.decimal(g, "priceCap", l.priceCapE6(), 6);
    }
    JsonWriter.money(g, "fullOwnPay", l.fullOwnPayFen());
    JsonWriter.money(g, "overLimit", l.overLimitFen());
    JsonWriter.money(g, "preSelfPay", l.preSelfPayFen());
    JsonWriter.money(g, "inScope", l.inScopeFen());
    if (l.unknownItem() == null) {
      g.writeNullField("unknownItem");
    } else {
      g.writeBooleanField("unknownItem", l.unknownItem());
    }
    g.writeEndObject();
  }

  private static void reversal(JsonGenerator g, ReversalRecord r, ZoneId zone) throws IOException {
    g.writeObjectFieldStart("reversal");
    g.writeStringField("reversalId", r.id().toString());
    g.writeStringField("reversedAt", JsonWriter.time(r.reversedAt(), zone));
    g.writeStringField("reversedOn", r.reversedOn().toString());
    JsonWriter.money(g, "total", r.totalFen());
    JsonWriter.money(g, "basicPay", r.basicPayFen());
    JsonWriter.money(g, "criticalIllnessPay", r.ciPayFen());
    JsonWriter.money(g, "assistancePay", r.maPayFen());
    JsonWriter.money(g, "fundPay", r.fundPayFen());
    JsonWriter.money(g, "personalPay", r.personalPayFen());
    JsonWriter.money(g, "prepaymentCredited", r.prepaymentCreditedFen());
    JsonWriter.money(g, "advanceCancelled", r.advanceCancelledFen());
    g.writeStringField("reason", r.reason());
    g.writeEndObject();
  }
}
