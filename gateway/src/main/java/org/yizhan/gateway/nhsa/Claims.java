package org.yizhan.gateway.nhsa;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.inpatient.Admissions.Fee;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.settlement.ClaimInput;

/**
 * The claim the engine settles, built from national messages: the admission (2401: person, insutype
 * → scheme, insuplc_admdvs → office, begntime → admission date), its live fee details (2301:
 * feedetl_sn → line number, med_list_codg → item code, medins_list_codg → item name, cnt, pric,
 * det_item_fee_sumamt) and the discharge (2402: endtime → discharge date). The claim number is the
 * mdtrt_id; the hospital's code and level are the authenticated hospital's.
 *
 * <p>The engine names what it refuses in the claim's terms ({@code lines[2].amount}); {@link
 * #national} renames them in the message's terms ({@code input.feedetail[2].det_item_fee_sumamt}).
 */
final class Claims {
  private static final Pattern LINE_FIELD = Pattern.compile("lines\\[(\\d+)\\]\\.(\\w+)");

  private Claims() {}

  static Claim of(Admission a, List<Fee> fees, Hospital h, LocalDate discharge) {
    List<ClaimLine> lines = new ArrayList<>(fees.size());
    for (Fee f : fees) {
      lines.add(
          new ClaimLine(f.sn(), f.codg(), f.medinsCodg(), f.cntE4(), f.pricE6(), f.amountFen()));
    }
    return new Claim(
        a.mdtrtId(),
        a.idNo(),
        ClaimInput.DEFAULT_SCHEME,
        a.officeCode(),
        h.code(),
        h.level(),
        a.begntime().toLocalDate(),
        discharge,
        lines);
  }

  /**
   * The engine's refusal (422) in national terms; {@code linePaths} names each claim line as the
   * message knows it. Anything else passes unchanged.
   */
  /**
   * {@link ClaimInput#checkStay}, refusing in the national envelope's words: a stay from begntime
   * (2401) to {@code endtimeField} longer than {@code maxDays}.
   */
  static void checkStay(LocalDate begin, LocalDate end, int maxDays, String endtimeField) {
    try {
      ClaimInput.checkStay(begin, end, maxDays, endtimeField, "begntime");
    } catch (Refusal e) {
      throw new NhsaError("[" + e.code() + "] " + e.getMessage());
    }
  }

  static Throwable national(Throwable e, List<String> linePaths) {
    if (!(e instanceof Refusal) || ((Refusal) e).kind() != Refusal.Kind.UNPROCESSABLE) {
      return e;
    }
    Refusal a = (Refusal) e;
    String message = a.getMessage();
    Matcher m = LINE_FIELD.matcher(a.field() == null ? "" : a.field());
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      String field = linePaths.get(i) + "." + lineField(m.group(2));
      message = field + message.substring(Math.min(message.length(), a.field().length()));
    } else if ("dischargeDate".equals(a.field())) {
      message = "insuplc_admdvs / endtime" + message.substring("dischargeDate".length());
    } else if ("officeCode".equals(a.field())) {
      message = "insuplc_admdvs" + message.substring("officeCode".length());
    } else if ("lines".equals(a.field())) {
      message = "feedetail" + message.substring("lines".length());
    }
    return new NhsaError("[" + a.code() + "] " + message);
  }

  private static String lineField(String claimField) {
    switch (claimField) {
      case "lineNo":
        return "feedetl_sn";
      case "quantity":
        return "cnt";
      case "unitPrice":
        return "pric";
      case "amount":
        return "det_item_fee_sumamt";
      case "itemCode":
        return "med_list_codg";
      default:
        return claimField;
    }
  }
}
