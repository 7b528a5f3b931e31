package org.yizhan.gateway.settlement;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.model.AccumulatorDelta;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.FundPayment;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Settlement;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.security.Masking;

/**
 * The parameters of a settlement's writes ({@link SettlementStore}): the claim, its lines as
 * parallel arrays (one row of {@code claim_lines}), the settlement, its funds, the change to the
 * person's year figures, and the audit entry's details (ID number masked). Amounts go out as yuan
 * at scale 2, exact.
 */
final class SettlementTuples {
  private SettlementTuples() {}

  static JsonObject auditDetails(Claim claim, Settlement s, Drawdown plan) {
    return new JsonObject()
        .put("claimNo", claim.claimNo())
        .put("person", Masking.idNo(claim.personIdNo()))
        .put("policy", s.policyId())
        .put("total", Fen.format(s.totalFen()))
        .put("basic", Fen.format(s.basic().paidFen()))
        .put("criticalIllness", Fen.format(s.criticalIllness().paidFen()))
        .put("assistance", Fen.format(s.assistance().paidFen()))
        .put("prepaymentDrawn", Fen.format(plan.drawnFen()))
        .put("hospitalAdvance", Fen.format(plan.advanceFen()));
  }

  static Tuple claimTuple(UUID claimId, SettleCommand cmd, Settlement s, OffsetDateTime at) {
    Claim c = cmd.claim();
    return Tuple.tuple()
        .addUUID(claimId)
        .addString(c.hospitalCode())
        .addString(c.claimNo())
        .addString(cmd.contentSha256())
        .addString(c.personIdNo())
        .addString(cmd.personName())
        .addString(c.scheme())
        .addString(c.officeCode())
        .addShort((short) c.hospitalLevel())
        .addLocalDate(c.admissionDate())
        .addLocalDate(c.dischargeDate())
        .addInteger(c.lines().size())
        .addValue(yuan(s.totalFen()))
        .addOffsetDateTime(at);
  }

  static Tuple linesTuple(UUID claimId, Claim claim, Settlement s) {
    int n = claim.lines().size();
    String[] lineNo = new String[n];
    String[] code = new String[n];
    String[] name = new String[n];
    BigDecimal[] quantity = new BigDecimal[n];
    BigDecimal[] price = new BigDecimal[n];
    BigDecimal[] amount = new BigDecimal[n];
    String[] category = new String[n];
    BigDecimal[] ratio = new BigDecimal[n];
    String[] cap = new String[n];
    BigDecimal[] ownPay = new BigDecimal[n];
    BigDecimal[] overLimit = new BigDecimal[n];
    BigDecimal[] preSelfPay = new BigDecimal[n];
    Boolean[] unknownItem = new Boolean[n];
    for (int i = 0; i < n; i++) {
      ClaimLine line = claim.lines().get(i);
      LinePricing p = s.lines().get(i);
      lineNo[i] = line.lineNo();
      code[i] = line.itemCode();
      name[i] = line.itemName();
      quantity[i] = BigDecimal.valueOf(line.quantityE4(), ClaimLine.QUANTITY_DECIMALS);
      price[i] = BigDecimal.valueOf(line.unitPriceE6(), ClaimLine.PRICE_DECIMALS);
      amount[i] = yuan(p.amountFen());
      category[i] = p.category().name();
      ratio[i] = p.selfPayRatio().toBigDecimal();
      cap[i] =
          p.priceCapE6() == null
              ? null
              : BigDecimal.valueOf(p.priceCapE6(), ClaimLine.PRICE_DECIMALS).toPlainString();
      ownPay[i] = yuan(p.fullOwnPayFen());
      overLimit[i] = yuan(p.overLimitFen());
      preSelfPay[i] = yuan(p.preSelfPayFen());
      unknownItem[i] = !p.inCatalogue();
    }
    return Tuple.tuple()
        .addUUID(claimId)
        .addArrayOfString(lineNo)
        .addArrayOfString(code)
        .addArrayOfString(name)
        .addArrayOfBigDecimal(quantity)
        .addArrayOfBigDecimal(price)
        .addArrayOfBigDecimal(amount)
        .addArrayOfString(category)
        .addArrayOfBigDecimal(ratio)
        .addArrayOfString(cap)
        .addArrayOfBigDecimal(ownPay)
        .addArrayOfBigDecimal(overLimit)
        .addArrayOfBigDecimal(preSelfPay)
        .addArrayOfBoolean(unknownItem);
  }

  static Tuple settlementTuple(
      UUID id,
      UUID claimId,
      SettleCommand cmd,
      Settlement s,
      Account account,
      Drawdown plan,
      OffsetDateTime at,
      LocalDate day) {
    Claim c = cmd.claim();
    AccumulatorDelta d = s.delta();
    return Tuple.tuple()
        .addUUID(id)
        .addUUID(claimId)
        .addString(c.hospitalCode())
        .addString(c.claimNo())
        .addString(c.personIdNo())
        .addString(c.officeCode())
        .addString(SettlementView.SETTLED)
        .addString(s.policyId())
        .addShort((short) s.year())
        .addShort((short) s.hospitalLevel())
        .addValue(yuan(s.totalFen()))
        .addValue(yuan(s.fullOwnPayFen()))
        .addValue(yuan(s.overLimitFen()))
        .addValue(yuan(s.preSelfPayFen()))
        .addValue(yuan(s.inScopeFen()))
        .addValue(yuan(s.actDeductibleFen()))
        .addValue(yuan(s.basic().paidFen()))
        .addValue(yuan(s.criticalIllness().paidFen()))
        .addValue(yuan(s.assistance().paidFen()))
        .addValue(yuan(s.fundPayFen()))
        .addValue(yuan(s.personalPayFen()))
        .addString(s.assistanceIdentity() == null ? null : s.assistanceIdentity().name())
        .addString(s.assistanceNote())
        .addString(cmd.identitiesJson())
        .addValue(yuan(d.basicPaidFen()))
        .addValue(yuan(d.deductiblePaidFen()))
        .addValue(yuan(d.ciBaseFen()))
        .addValue(yuan(d.ciPaidFen()))
        .addValue(yuan(d.maBaseFen()))
        .addValue(yuan(d.maPaidFen()))
        .addLong(account == null ? null : account.id())
        .addValue(yuan(plan.drawnFen()))
        .addValue(yuan(plan.advanceFen()))
        .addString(cmd.idempotencyKey())
        .addOffsetDateTime(at)
        .addLocalDate(day)
        .addLong(cmd.policyVersion())
        .addLong(cmd.catalogueVersion());
  }

  static Tuple fundsTuple(UUID settlementId, Settlement s) {
    List<FundPayment> funds = s.funds();
    String[] fund = new String[3];
    String[] code = new String[3];
    BigDecimal[] base = new BigDecimal[3];
    BigDecimal[] paid = new BigDecimal[3];
    String[] room = new String[3];
    String[] trace = new String[3];
    for (int i = 0; i < 3; i++) {
      FundPayment f = funds.get(i);
      fund[i] = f.fund().name();
      code[i] = f.fundCode();
      base[i] = yuan(f.baseFen());
      paid[i] = yuan(f.paidFen());
      room[i] = f.remainingRoomFen() == null ? null : Fen.format(f.remainingRoomFen());
      trace[i] = f.trace();
    }
    return Tuple.tuple()
        .addUUID(settlementId)
        .addArrayOfString(fund)
        .addArrayOfString(code)
        .addArrayOfBigDecimal(base)
        .addArrayOfBigDecimal(paid)
        .addArrayOfString(room)
        .addArrayOfString(trace);
  }

  /** A settlement's three fund rows, each in the order of {@code FUND_COLUMNS}. */
  static void fundRows(UUID settlementId, Settlement s, List<Tuple> into) {
    for (FundPayment f : s.funds()) {
      into.add(
          Tuple.tuple()
              .addUUID(settlementId)
              .addString(f.fund().name())
              .addString(f.fundCode())
              .addValue(yuan(f.baseFen()))
              .addValue(yuan(f.paidFen()))
              .addString(f.remainingRoomFen() == null ? null : Fen.format(f.remainingRoomFen()))
              .addString(f.trace()));
    }
  }

  static Tuple deltaTuple(Claim claim, AccumulatorDelta d, OffsetDateTime at) {
    return deltaTuple(claim.personIdNo(), d, at);
  }

  static Tuple deltaTuple(String personIdNo, AccumulatorDelta d, OffsetDateTime at) {
    return Tuple.tuple()
        .addString(personIdNo)
        .addShort((short) d.year())
        .addValue(yuan(d.basicPaidFen()))
        .addValue(yuan(d.deductiblePaidFen()))
        .addInteger(d.hospitalLevel() == 1 ? d.admissions() : 0)
        .addInteger(d.hospitalLevel() == 2 ? d.admissions() : 0)
        .addInteger(d.hospitalLevel() == 3 ? d.admissions() : 0)
        .addValue(yuan(d.ciBaseFen()))
        .addValue(yuan(d.ciPaidFen()))
        .addValue(yuan(d.maBaseFen()))
        .addValue(yuan(d.maPaidFen()))
        .addOffsetDateTime(at);
  }

  static BigDecimal yuan(long fen) {
    return Fen.toYuan(fen);
  }
}
