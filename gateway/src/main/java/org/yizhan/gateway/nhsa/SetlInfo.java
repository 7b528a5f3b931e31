package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.StringJoiner;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Fund;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.settlement.SettlementView;
import org.yizhan.gateway.settlement.SettlementView.FundRecord;
import org.yizhan.gateway.settlement.SettlementView.LineRecord;

/**
 * Writes a settlement as the national {@code setlinfo} and {@code setldetail} of 2303, 2304 and
 * 2305 (where every amount is negated, as a reversal's record is).
 *
 * <p>Every field the spec lists for setlinfo is written on every path (2303, 2304, its replay,
 * 2305), never left out: HIS systems bind the answer to a class and some die on a missing field
 * after their 2304 committed. The person's fields come from the ID number (gend, brdy, age) and the
 * admission (certno, psn_name, mdtrt_cert_type); naty and psn_type are constants the gateway cannot
 * know better than the national dictionary allows ({@link NationalCodes}); funds it does not settle
 * (cvlserv, hifes, hifob, hifdm, hosp_part, oth, acct, acct_mulaid, balc) are 0.00. Only setl_id is
 * null, on 2303, as the platform answers a preview.
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

  /** crt_payb_lmt_amt of a fund without an annual cap, fen (999999.00 yuan). */
  static final long NO_LIMIT_FEN = 99_999_900L;

  private SetlInfo() {}

  /**
   * @param setlId the national setl_id, or {@code null} for a preview
   * @param sign 1, or -1 for a reversal
   */
  static void write(
      JsonGenerator g,
      SettlementView s,
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
    g.writeStringField("psn_name", a.name() == null ? "" : a.name());
    g.writeStringField("psn_cert_type", "01");
    // read leniently (not through IdNumber's checks): an answer written after a settlement
    // committed must not fail on a stored number, whatever its age
    LocalDate birth = birthDate(a.idNo());
    g.writeStringField("certno", a.idNo());
    g.writeStringField("gend", gender(a.idNo()));
    g.writeStringField("naty", NationalCodes.NATY_UNKNOWN);
    g.writeStringField("brdy", birth == null ? "" : Formats.date(birth));
    long ageE1 = birth == null ? 0 : ageE1(birth, at.atZone(zone).toLocalDate());
    Formats.scaled(g, "age", ageE1, 1);
    g.writeStringField("insutype", a.insutype());
    g.writeStringField(
        "psn_type", NationalCodes.psnType(a.insutype(), birth == null ? -1 : (int) (ageE1 / 10)));
    g.writeStringField("cvlserv_flag", "0");
    g.writeStringField("setl_time", Formats.time(at, zone));
    g.writeStringField("mdtrt_cert_type", a.certType());
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
    Formats.money(g, "hifdm_pay", 0);
    g.writeStringField("medins_setl_id", medinsSetlId);
    g.writeStringField("clr_optins", s.officeCode());
    g.writeStringField("clr_way", CLR_WAY);
    g.writeStringField("clr_type", CLR_TYPE);
    g.writeStringField("memo", unknownItemsMemo(s));
    g.writeEndObject();
    g.writeArrayFieldStart("setldetail");
    for (FundRecord f : s.funds()) {
      g.writeStartObject();
      // Guangdong's setldetail also names the stay and the settlement (the Foshan client binds
      // them: IBORN Models/Setldetail.cs); the national clients ignore fields they do not know
      g.writeStringField("mdtrt_id", a.mdtrtId());
      g.writeStringField("setl_id", setlId);
      g.writeStringField("fund_pay_type", f.fundCode());
      Formats.money(g, "inscp_scp_amt", sign * f.baseFen());
      Formats.money(g, "crt_payb_lmt_amt", room(f, sign));
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
  static String unknownItemsMemo(SettlementView s) {
    StringJoiner sns = new StringJoiner(",", "UNKNOWN_ITEM: feedetl_sn=", "");
    sns.setEmptyValue("");
    for (LineRecord l : s.lines()) {
      if (Boolean.TRUE.equals(l.unknownItem())) {
        sns.add(l.lineNo());
      }
    }
    return sns.length() == 0 ? null : sns.toString();
  }

  /**
   * crt_payb_lmt_amt (本次可支付限额金额), never null: what the fund may still pay this year after the
   * settlement; for a reversal, the room it gives back added (the room before the settlement). A
   * fund without an annual cap answers {@link #NO_LIMIT_FEN}, as the platform answers 999999 for an
   * uncapped price (2301 pric_uplmt_amt).
   */
  static long room(FundRecord f, int sign) {
    if (f.remainingRoomFen() == null) {
      return NO_LIMIT_FEN;
    }
    return sign < 0 ? f.remainingRoomFen() + f.paidFen() : f.remainingRoomFen();
  }

  /**
   * age (数值型 4,1): whole years on the settlement's date (setl_time's, the reversal's for 2305),
   * written with one decimal ("73.0") as the platform's settlement answers give it. A preview
   * (2303) uses the day it is computed.
   */
  static long ageE1(LocalDate birth, LocalDate on) {
    int years = on.isBefore(birth) ? 0 : Period.between(birth, on).getYears();
    return years * 10L;
  }

  /** The birth date an 18- (or 15-) digit ID number holds, or {@code null} if it holds none. */
  static LocalDate birthDate(String idNo) {
    String digits =
        idNo.length() == 18
            ? idNo.substring(6, 14)
            : idNo.length() == 15 ? "19" + idNo.substring(6, 12) : "";
    try {
      return LocalDate.parse(digits, DateTimeFormatter.BASIC_ISO_DATE);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** GB/T 2261.1 sex: 1 male, 2 female, the parity of the sequence's last digit (GB 11643). */
  static String gender(String idNo) {
    char c = idNo.charAt(idNo.length() == 15 ? 14 : Math.min(16, idNo.length() - 1));
    return Character.isDigit(c) && (c - '0') % 2 == 1 ? "1" : "2";
  }

  /** {@code part / whole} in 1/10000, HALF_UP; 0 when the whole is 0. */
  static long ratioE4(long partFen, long wholeFen) {
    return wholeFen == 0 ? 0 : Fen.divideHalfUp(Math.multiplyExact(partFen, 10_000L), wholeFen);
  }
}
