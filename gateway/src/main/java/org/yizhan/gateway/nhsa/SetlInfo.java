package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.StringJoiner;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Fund;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.settlement.SettlementRecord;
import org.yizhan.gateway.settlement.SettlementRecord.FundRecord;
import org.yizhan.gateway.settlement.SettlementRecord.LineRecord;

/**
 * Writes a settlement as the national {@code setlinfo} and {@code setldetail} of 2303, 2304 and
 * 2305 (where every amount is negated, as a reversal's record is).
 *
 * <p>Mapping: medfee_sumamt = total; fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt and
 * inscp_scp_amt = the four parts of the bill (rules §1); act_pay_dedc = the deductible borne;
 * hifp_pay = basic insurance (390100), hifmi_pay = critical illness (390200), maf_pay = medical
 * assistance (610100); fund_pay_sumamt = their sum; psn_part_amt = psn_cash_pay = what the patient
 * pays (residents have no personal account, so acct_pay and balc are 0.00); pool_prop_selfpay =
 * hifp_pay / inscp_scp_amt to 4 decimals HALF_UP, the basic fund's effective ratio. clr_optins =
 * the office code, clr_way 1 (按项目), clr_type 21 (住院). setldetail has one row per fund, also where
 * it paid nothing, with the fund's trace as setl_proc_info. memo flags the lines priced as self-pay
 * because their item code was not in the catalogue on the discharge date ({@link
 * #unknownItemsMemo}).
 */
final class SetlInfo {
  static final String CLR_WAY = "1";
  static final String CLR_TYPE = "21";

  private SetlInfo() {}

  /**
   * @param setlId the national setl_id, or {@code null} for a preview
   * @param sign 1, or -1 for a reversal
   */
  static void write(
      JsonGenerator g,
      SettlementRecord s,
      Admission a,
      String medinsSetlId,
      String setlId,
      int sign,
      ZoneId zone)
      throws IOException {
    Instant at = sign < 0 && s.reversal() != null ? s.reversal().reversedAt() : s.settledAt();
    g.writeStartObject();
    g.writeObjectFieldStart("setlinfo");
    g.writeStringField("mdtrt_id", a.mdtrtId());
    g.writeStringField("setl_id", setlId);
    g.writeStringField("psn_no", a.psnNo());
    g.writeStringField("psn_name", a.name());
    g.writeStringField("psn_cert_type", "01");
    g.writeStringField("insutype", a.insutype());
    g.writeStringField("cvlserv_flag", "0");
    g.writeStringField("setl_time", Formats.time(at, zone));
    g.writeStringField("med_type", a.medType());
    Formats.money(g, "medfee_sumamt", sign * s.totalFen());
    Formats.money(g, "fulamt_ownpay_amt", sign * s.fullOwnPayFen());
    Formats.money(g, "overlmt_selfpay", sign * s.overLimitFen());
    Formats.money(g, "preselfpay_amt", sign * s.preSelfPayFen());
    Formats.money(g, "inscp_scp_amt", sign * s.inScopeFen());
    Formats.money(g, "act_pay_dedc", sign * s.actDeductibleFen());
    Formats.money(g, "hifp_pay", sign * s.basicPayFen());
    Formats.scaled(g, "pool_prop_selfpay", ratioE4(s.basicPayFen(), s.inScopeFen()), 4);
    Formats.money(g, "cvlserv_pay", 0);
    Formats.money(g, "hifes_pay", 0);
    Formats.money(g, "hifmi_pay", sign * s.ciPayFen());
    Formats.money(g, "hifob_pay", 0);
    Formats.money(g, "maf_pay", sign * s.maPayFen());
    Formats.money(g, "hosp_part_amt", 0);
    Formats.money(g, "oth_pay", 0);
    Formats.money(g, "fund_pay_sumamt", sign * s.fundPayFen());
    Formats.money(g, "psn_part_amt", sign * s.personalPayFen());
    Formats.money(g, "acct_pay", 0);
    Formats.money(g, "psn_cash_pay", sign * s.personalPayFen());
    Formats.money(g, "balc", 0);
    Formats.money(g, "acct_mulaid_pay", 0);
    g.writeStringField("medins_setl_id", medinsSetlId);
    g.writeStringField("clr_optins", s.officeCode());
    g.writeStringField("clr_way", CLR_WAY);
    g.writeStringField("clr_type", CLR_TYPE);
    g.writeStringField("memo", unknownItemsMemo(s));
    g.writeEndObject();
    g.writeArrayFieldStart("setldetail");
    for (FundRecord f : s.funds()) {
      g.writeStartObject();
      g.writeStringField("fund_pay_type", f.fundCode());
      Formats.money(g, "inscp_scp_amt", sign * f.baseFen());
      Formats.money(g, "crt_payb_lmt_amt", sign < 0 ? null : f.remainingRoomFen());
      Formats.money(g, "fund_payamt", sign * f.paidFen());
      g.writeStringField("fund_pay_type_name", Fund.valueOf(f.fund()).chineseName());
      g.writeStringField("setl_proc_info", f.trace());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * {@code UNKNOWN_ITEM: feedetl_sn=a,b} naming the lines whose item code was not in the catalogue
   * on the discharge date (priced as self-pay), or {@code null} when there is none. A code listed
   * when 2301 priced the line may be gone by the discharge date, so 2301's memo alone does not
   * tell. Only the line numbers: the codes the hospital sent are not repeated.
   */
  static String unknownItemsMemo(SettlementRecord s) {
    StringJoiner sns = new StringJoiner(",", "UNKNOWN_ITEM: feedetl_sn=", "");
    sns.setEmptyValue("");
    for (LineRecord l : s.lines()) {
      if (Boolean.TRUE.equals(l.unknownItem())) {
        sns.add(l.lineNo());
      }
    }
    return sns.length() == 0 ? null : sns.toString();
  }

  /** {@code part / whole} in 1/10000, HALF_UP; 0 when the whole is 0. */
  static long ratioE4(long partFen, long wholeFen) {
    return wholeFen == 0 ? 0 : Fen.divideHalfUp(Math.multiplyExact(partFen, 10_000L), wholeFen);
  }
}
