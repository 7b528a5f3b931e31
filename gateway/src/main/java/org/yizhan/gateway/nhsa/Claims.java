package org.yizhan.gateway.nhsa;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * The lines a settlement is computed from: the live fee details in upload order, each 退单 line
   * (refund) netted into the line it takes back (quantity and amount added, both negative); a line
   * taken back whole is left out. A refund whose line is gone (undone with 2302 since) refuses the
   * settlement, naming the refund: it would otherwise count against nothing.
   */
  static List<Fee> net(List<Fee> fees) {
    Map<String, Fee> back = new LinkedHashMap<>();
    for (Fee f : fees) {
      if (f.refund()) {
        Fee b = back.get(f.initSn());
        back.put(
            f.initSn(),
            b == null
                ? f
                : new Fee(
                    b.sn(),
                    b.codg(),
                    b.medinsCodg(),
                    b.cntE4() + f.cntE4(),
                    b.pricE6(),
                    b.amountFen() + f.amountFen(),
                    b.at(),
                    b.initSn()));
      }
    }
    List<Fee> out = new ArrayList<>(fees.size());
    for (Fee f : fees) {
      if (f.refund()) {
        continue;
      }
      Fee b = back.remove(f.sn());
      if (b == null) {
        out.add(f);
        continue;
      }
      long cnt = f.cntE4() + b.cntE4();
      long amount = f.amountFen() + b.amountFen();
      if (cnt == 0 && amount == 0) {
        continue;
      }
      if (cnt <= 0 || amount < 0) {
        throw new NhsaError(
            "["
                + FeeTransactions.REFUND_UNMATCHED
                + "] feedetail(feedetl_sn="
                + b.sn()
                + ") takes back more of line "
                + f.sn()
                + " than was uploaded; undo it with 2302");
      }
      out.add(new Fee(f.sn(), f.codg(), f.medinsCodg(), cnt, f.pricE6(), amount, f.at(), null));
    }
    if (!back.isEmpty()) {
      Fee orphan = back.values().iterator().next();
      throw new NhsaError(
          "["
              + FeeTransactions.REFUND_UNMATCHED
              + "] feedetail(feedetl_sn="
              + orphan.sn()
              + ").init_feedetl_sn names a line that is not uploaded (undone since?); undo the"
              + " refund line with 2302");
    }
    return out;
  }

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
