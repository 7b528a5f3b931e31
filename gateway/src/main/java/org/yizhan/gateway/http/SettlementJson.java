package org.yizhan.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Fund;
import org.yizhan.gateway.store.SettlementView;
import org.yizhan.gateway.store.SettlementView.FundRecord;
import org.yizhan.gateway.store.SettlementView.LineRecord;
import org.yizhan.gateway.store.SettlementView.ReversalRecord;

/**
 * Writes settlements as JSON. Amounts are JSON numbers with exactly two decimals ({@code 6109.25},
 * {@code 0.00}), ratios four; they are written from exact integers, never through a double, and
 * clients should read them as decimals. Streaming (Jackson's generator) keeps a 2,000-line
 * settlement cheap to render.
 */
public final class SettlementJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private SettlementJson() {}

  /** A piece of JSON written to a generator. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  /** One item of a listing written to a generator. */
  @FunctionalInterface
  public interface ItemWriter<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }

  /** A page of a listing, as every listing answers it: {page, size, total, items}. */
  public static <T> Buffer page(int page, int size, long total, List<T> items, ItemWriter<T> item) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeNumberField("page", page);
          g.writeNumberField("size", size);
          g.writeNumberField("total", total);
          g.writeArrayFieldStart("items");
          for (T t : items) {
            item.write(g, t);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  public static Buffer render(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  public static Buffer settlement(SettlementView s, ZoneId zone) {
    return render(g -> write(g, s, zone));
  }

  public static void write(JsonGenerator g, SettlementView s, ZoneId zone) throws IOException {
    g.writeStartObject();
    g.writeStringField("settlementId", s.id() == null ? null : s.id().toString());
    g.writeStringField("status", s.status());
    g.writeStringField("hospitalCode", s.hospitalCode());
    g.writeStringField("claimNo", s.claimNo());
    g.writeStringField("personIdNo", s.personIdNo());
    g.writeStringField("officeCode", s.officeCode());
    g.writeStringField("policyId", s.policyId());
    g.writeNumberField("year", s.year());
    g.writeNumberField("hospitalLevel", s.hospitalLevel());
    g.writeStringField("admissionDate", s.admissionDate().toString());
    g.writeStringField("dischargeDate", s.dischargeDate().toString());
    g.writeStringField("settledAt", time(s.settledAt(), zone));
    g.writeStringField("settledOn", s.settledOn().toString());
    money(g, "total", s.totalFen());
    money(g, "fullOwnPay", s.fullOwnPayFen());
    money(g, "overLimit", s.overLimitFen());
    money(g, "preSelfPay", s.preSelfPayFen());
    money(g, "inScope", s.inScopeFen());
    money(g, "actDeductible", s.actDeductibleFen());
    money(g, "fundPay", s.fundPayFen());
    money(g, "personalPay", s.personalPayFen());
    g.writeArrayFieldStart("funds");
    for (FundRecord f : s.funds()) {
      fund(g, f);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("assistance");
    g.writeStringField("identity", s.maIdentity());
    g.writeStringField("note", s.maNote());
    money(g, "prepaymentDrawn", s.prepaymentDrawnFen());
    money(g, "hospitalAdvance", s.hospitalAdvanceFen());
    g.writeEndObject();
    if (!s.lines().isEmpty()) {
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

  private static void fund(JsonGenerator g, FundRecord f) throws IOException {
    g.writeStartObject();
    g.writeStringField("fund", f.fund());
    g.writeStringField("fundCode", f.fundCode());
    g.writeStringField("name", Fund.valueOf(f.fund()).chineseName());
    money(g, "base", f.baseFen());
    money(g, "paid", f.paidFen());
    if (f.remainingRoomFen() == null) {
      g.writeNullField("remainingRoom");
    } else {
      money(g, "remainingRoom", f.remainingRoomFen());
    }
    g.writeStringField("trace", f.trace());
    g.writeEndObject();
  }

  private static void line(JsonGenerator g, LineRecord l) throws IOException {
    g.writeStartObject();
    g.writeStringField("lineNo", l.lineNo());
    g.writeStringField("itemCode", l.itemCode());
    g.writeStringField("itemName", l.itemName());
    decimal(g, "quantity", l.quantityE4(), 4);
    decimal(g, "unitPrice", l.unitPriceE6(), 6);
    money(g, "amount", l.amountFen());
    g.writeStringField("category", l.category());
    g.writeFieldName("selfPayRatio");
    g.writeNumber(BigDecimal.valueOf(l.selfPayRatioE4(), 4).toPlainString());
    if (l.priceCapE6() == null) {
      g.writeNullField("priceCap");
    } else {
      decimal(g, "priceCap", l.priceCapE6(), 6);
    }
    money(g, "fullOwnPay", l.fullOwnPayFen());
    money(g, "overLimit", l.overLimitFen());
    money(g, "preSelfPay", l.preSelfPayFen());
    money(g, "inScope", l.inScopeFen());
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
    g.writeStringField("reversedAt", time(r.reversedAt(), zone));
    g.writeStringField("reversedOn", r.reversedOn().toString());
    money(g, "total", r.totalFen());
    money(g, "basicPay", r.basicPayFen());
    money(g, "criticalIllnessPay", r.ciPayFen());
    money(g, "assistancePay", r.maPayFen());
    money(g, "fundPay", r.fundPayFen());
    money(g, "personalPay", r.personalPayFen());
    money(g, "prepaymentCredited", r.prepaymentCreditedFen());
    money(g, "advanceCancelled", r.advanceCancelledFen());
    g.writeStringField("reason", r.reason());
    g.writeEndObject();
  }

  /** An amount in fen written as a JSON number with exactly two decimals. */
  public static void money(JsonGenerator g, String field, long fen) throws IOException {
    g.writeFieldName(field);
    g.writeNumber(Fen.format(fen));
  }

  /** A scaled integer written as a plain JSON number without trailing zeros. */
  static void decimal(JsonGenerator g, String field, long unscaled, int scale) throws IOException {
    g.writeFieldName(field);
    BigDecimal d = BigDecimal.valueOf(unscaled, scale).stripTrailingZeros();
    g.writeNumber((d.scale() < 0 ? d.setScale(0) : d).toPlainString());
  }

  static String time(Instant t, ZoneId zone) {
    return t == null ? null : t.atZone(zone).toOffsetDateTime().toString();
  }
}
