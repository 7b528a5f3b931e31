package org.yizhan.gateway.settlement;

import static org.yizhan.gateway.infra.db.Sql.fen;
import static org.yizhan.gateway.infra.db.Sql.fenOrNull;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.settlement.SettlementView.FundRecord;
import org.yizhan.gateway.settlement.SettlementView.LineRecord;
import org.yizhan.gateway.settlement.SettlementView.ReversalRecord;

/** Rows of the store mapped to records. */
final class Rows {
  private Rows() {}

  /**
   * The one settlement row of {@code rows} if it belongs to {@code hospitalCode}, else {@code
   * null}: another hospital's settlement is as unknown to a hospital as a missing one.
   */
  static Row ofHospital(RowSet<Row> rows, String hospitalCode) {
    if (rows.size() == 0) {
      return null;
    }
    Row r = rows.iterator().next();
    return hospitalCode.equals(r.getString("hospital_code")) ? r : null;
  }

  static Accumulators accumulators(Row r) {
    return new Accumulators(
        r.getInteger("year"),
        fen(r, "basic_paid"),
        fen(r, "deductible_paid"),
        r.getInteger("admissions_level1"),
        r.getInteger("admissions_level2"),
        r.getInteger("admissions_level3"),
        fen(r, "ci_base"),
        fen(r, "ci_paid"),
        fen(r, "ma_base"),
        fen(r, "ma_paid"));
  }

  /** A settlement row (with or without its lines, funds and reversal attached later). */
  static SettlementView settlement(
      Row r, Row claim, List<FundRecord> funds, List<LineRecord> lines, ReversalRecord reversal) {
    return new SettlementView(
        r.getUUID("id"),
        r.getString("status"),
        r.getString("hospital_code"),
        r.getString("claim_no"),
        r.getString("person_id_no"),
        r.getString("office_code"),
        r.getString("policy_id"),
        r.getLong("policy_version"),
        r.getLong("catalogue_version"),
        r.getInteger("year"),
        r.getInteger("hospital_level"),
        claim.getLocalDate("admission_date"),
        claim.getLocalDate("discharge_date"),
        fen(r, "total"),
        fen(r, "full_own_pay"),
        fen(r, "over_limit"),
        fen(r, "pre_self_pay"),
        fen(r, "in_scope"),
        fen(r, "act_deductible"),
        fen(r, "basic_pay"),
        fen(r, "ci_pay"),
        fen(r, "ma_pay"),
        r.getString("ma_identity"),
        r.getString("ma_note"),
        fen(r, "prepayment_drawn"),
        fen(r, "hospital_advance"),
        funds,
        lines,
        instant(r, "settled_at"),
        r.getLocalDate("settled_on"),
        reversal);
  }

  static List<FundRecord> funds(RowSet<Row> rows) {
    List<FundRecord> out = new ArrayList<>(3);
    for (Row r : rows) {
      out.add(
          new FundRecord(
              r.getString("fund"),
              r.getString("fund_code"),
              fen(r, "base"),
              fen(r, "paid"),
              fenOrNull(r, "remaining_room"),
              r.getString("trace")));
    }
    return out;
  }

  static List<LineRecord> lines(RowSet<Row> rows) {
    List<LineRecord> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Numeric cap = r.getNumeric("price_cap");
      out.add(
          new LineRecord(
              r.getString("line_no"),
              r.getString("item_code"),
              r.getString("item_name"),
              scaled(r.getNumeric("quantity"), ClaimLine.QUANTITY_DECIMALS),
              scaled(r.getNumeric("unit_price"), ClaimLine.PRICE_DECIMALS),
              fen(r, "amount"),
              r.getString("category").trim(),
              (int) scaled(r.getNumeric("self_pay_ratio"), 4),
              cap == null ? null : scaled(cap, ClaimLine.PRICE_DECIMALS),
              fen(r, "full_own_pay"),
              fen(r, "over_limit"),
              fen(r, "pre_self_pay"),
              fen(r, "in_scope"),
              r.getBoolean("unknown_item")));
    }
    return out;
  }

  static ReversalRecord reversal(RowSet<Row> rows) {
    return rows.size() == 0 ? null : reversal(rows.iterator().next());
  }

  static ReversalRecord reversal(Row r) {
    return new ReversalRecord(
        r.getUUID("id"),
        fen(r, "total"),
        fen(r, "basic_pay"),
        fen(r, "ci_pay"),
        fen(r, "ma_pay"),
        fen(r, "prepayment_credited"),
        fen(r, "advance_cancelled"),
        r.getString("reason"),
        instant(r, "reversed_at"),
        r.getLocalDate("reversed_on"));
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /** A NUMERIC of at most {@code scale} decimals as an unscaled long. */
  static long scaled(Numeric n, int scale) {
    BigDecimal d = n.bigDecimalValue();
    return d.setScale(scale).unscaledValue().longValueExact();
  }

  static BigDecimal decimal(long unscaled, int scale) {
    return BigDecimal.valueOf(unscaled, scale);
  }

  static long fenOf(BigDecimal yuan) {
    return Fen.fromYuan(yuan);
  }
}
