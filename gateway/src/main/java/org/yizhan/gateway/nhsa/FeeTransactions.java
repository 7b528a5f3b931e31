package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.Admissions;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.inpatient.Admissions.Fee;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.settlement.ClaimInput;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.settlement.SettlementView;
import org.yizhan.gateway.settlement.SettlementView.LineRecord;

/**
 * 2301 费用明细上传 (upload fee details) and 2302 its undo.
 *
 * <p>2301 answers each line's classification (chrgitm_lv, selfpay_prop, pric_uplmt_amt) and split
 * (fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt) computed by the engine itself: a
 * preview of a claim made of the uploaded lines, so the rules live in one place. A line is priced
 * on its own, so its split is the one the settlement will use, as long as the catalogue entry in
 * force on the discharge date (or, before discharge, on the latest fee's date) stays the same. A
 * line the engine refuses (amount ≠ round(cnt × pric), …) refuses the whole message.
 */
final class FeeTransactions {
  static final Pattern SN = Pattern.compile("[0-9A-Za-z._-]{1,30}");
  static final Pattern LIST_CODE = Pattern.compile("[0-9A-Za-z._-]{1,64}");
  static final Pattern MEDINS_CODE = Pattern.compile("[^\\p{Cntrl}]{1,150}");
  static final String ALL = "0000";

  /** The refusal code of a refund line (退单) that takes back no line, or more than is left. */
  static final String REFUND_UNMATCHED = "REFUND_UNMATCHED";

  /**
   * 2301's pric_uplmt_amt of an item without a price cap: the national platform answers 999999
   * (seen in its 2301 and 2204 answers), and HIS systems compare with it rather than with null. In
   * 1/1000000 yuan.
   */
  static final long NO_PRICE_CAP_E6 = 999_999_000_000L;

  /**
   * 2301's {@code memo} on a line whose med_list_codg is not in the catalogue (paid as self-pay,
   * chrgitm_lv 03): the code first, so a HIS can match it, then a sentence for people.
   */
  static final String UNKNOWN_ITEM_MEMO =
      "UNKNOWN_ITEM: med_list_codg is not in the insurance catalogue; priced as self-pay (03)";

  private final SettlementService service;
  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;

  FeeTransactions(SettlementService service, Pool pool, DbGuard guard, Clock clock) {
    this.service = service;
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
  }

  /** 2301: input.feedetail[] → output.result[], one per line. */
  Future<Outcome> upload(Call call) {
    List<Input> items =
        Input.of(call.input(), "input").objects("feedetail", SettlementEngine.MAX_LINES);
    List<Fee> fees = new ArrayList<>(items.size());
    List<String> paths = new ArrayList<>(items.size());
    String mdtrtId = null;
    String psnNo = null;
    for (Input in : items) {
      String m = in.text("mdtrt_id", AdmissionTransactions.MDTRT_ID, "an mdtrt_id", true);
      String p = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
      if (mdtrtId != null && (!mdtrtId.equals(m) || !psnNo.equals(p))) {
        throw NhsaError.invalid(in.path("mdtrt_id"), "must be the same in every line of a message");
      }
      mdtrtId = m;
      psnNo = p;
      fees.add(fee(in));
      paths.add(in.where());
    }
    String mdtrt = mdtrtId;
    String psn = psnNo;
    String field = items.get(0).path("mdtrt_id");
    return Guarded.call(guard, () -> Admissions.find(pool, call.hospitalCode(), mdtrt, field))
        .compose(
            a -> {
              if (a.cancelled()) {
                throw NhsaError.invalid(field, "names an admission that was cancelled (2404)");
              }
              Admissions.checkPerson(a, psn, items.get(0).path("psn_no"));
              List<Fee> pricing = new ArrayList<>(fees.size());
              fees.forEach(f -> pricing.add(priced(f)));
              var claim = Claims.of(a, pricing, call.hospital(), priceDate(a, fees));
              return service
                  .preview(ClaimInput.of(claim, a.name()))
                  .recover(e -> Future.failedFuture(Claims.national(e, paths)));
            })
        .map(
            priced ->
                Outcome.of(g -> result(g, priced, fees))
                    .touching(mdtrt, null)
                    .writing(conn -> store(conn, call, mdtrt, psn, field, fees)));
  }

  /**
   * One line of 2301. A 退单 line (refund) has a negative cnt and det_item_fee_sumamt and names the
   * line it takes back in init_feedetl_sn; {@link #checkRefunds} matches it when it is stored.
   * init_feedetl_sn on an ordinary line is ignored (some systems fill it with the line's own sn).
   */
  private static Fee fee(Input in) {
    long cnt = in.decimal("cnt", ClaimLine.QUANTITY_DECIMALS, Input.MAX_QUANTITY, true);
    long amount = in.decimal("det_item_fee_sumamt", 2, Input.MAX_AMOUNT, true);
    long pric = in.decimal("pric", ClaimLine.PRICE_DECIMALS, Input.MAX_PRICE, true);
    String initSn = null;
    if (cnt == 0) {
      throw NhsaError.invalid(in.path("cnt"), "must not be 0");
    }
    if (cnt < 0) {
      initSn = in.text("init_feedetl_sn", SN, "the feedetl_sn of the line taken back", false);
      if (initSn == null) {
        throw NhsaError.invalid(
            in.path("cnt"),
            "is negative: a refund line (退单) must name the line it takes back in"
                + " init_feedetl_sn; or undo the line with 2302");
      }
      if (amount > 0) {
        throw NhsaError.invalid(
            in.path("det_item_fee_sumamt"), "must not be positive on a refund line (negative cnt)");
      }
    } else if (amount < 0) {
      throw NhsaError.invalid(
          in.path("det_item_fee_sumamt"),
          "is negative on a line of positive cnt; a refund line (退单) has both negative");
    }
    return new Fee(
        in.text("feedetl_sn", SN, "1–30 letters, digits, '.', '_' or '-'", true),
        in.text("med_list_codg", LIST_CODE, "a catalogue code of 1–64 characters", true),
        in.text("medins_list_codg", MEDINS_CODE, "1–150 printable characters", true),
        cnt,
        // a refund line's price is its line's; some systems negate it with the quantity
        cnt < 0 ? Math.abs(pric) : pric,
        amount,
        in.time("fee_ocur_time", true),
        initSn);
  }

  /**
   * The line as the engine prices it: a refund line as the part of its line it takes back
   * (positive), whose split 2301 answers negated.
   */
  private static Fee priced(Fee f) {
    return f.refund()
        ? new Fee(
            f.sn(), f.codg(), f.medinsCodg(), -f.cntE4(), f.pricE6(), -f.amountFen(), f.at(), null)
        : f;
  }

  /**
   * Matches every refund line of a 2301 with the line it takes back: a live line of the admission
   * (or an earlier line of the same message) with the same item (med_list_codg) and price, of which
   * at least the quantity and amount taken back are left (earlier refunds counted). Otherwise the
   * message is refused, naming the line: a refund must cancel something.
   */
  static void checkRefunds(List<Fee> live, List<Fee> fees) {
    Map<String, Fee> left = new HashMap<>();
    for (Fee f : live) {
      if (!f.refund()) { // taken back whole: nothing left of it
        left.put(f.sn(), new Fee(f.sn(), f.codg(), f.medinsCodg(), 0, f.pricE6(), 0, f.at(), null));
      }
    }
    for (Fee f : Claims.net(live)) {
      left.put(f.sn(), f);
    }
    for (int i = 0; i < fees.size(); i++) {
      Fee f = fees.get(i);
      String at = "input.feedetail[" + i + "]";
      if (!f.refund()) {
        left.put(f.sn(), f);
        continue;
      }
      Fee o = left.get(f.initSn());
      if (o == null) {
        throw new NhsaError(
            "["
                + REFUND_UNMATCHED
                + "] "
                + at
                + ".init_feedetl_sn (line "
                + f.sn()
                + ") names no uploaded line of this admission: a refund line (退单) must take"
                + " back a line uploaded before");
      }
      if (!o.codg().equals(f.codg()) || o.pricE6() != f.pricE6()) {
        throw new NhsaError(
            "["
                + REFUND_UNMATCHED
                + "] "
                + at
                + ".med_list_codg / pric (line "
                + f.sn()
                + ") are not those of line "
                + o.sn()
                + " it takes back (init_feedetl_sn)");
      }
      long cnt = o.cntE4() + f.cntE4();
      long amount = o.amountFen() + f.amountFen();
      if (cnt < 0 || amount < 0) {
        throw new NhsaError(
            "["
                + REFUND_UNMATCHED
                + "] "
                + at
                + ".cnt (line "
                + f.sn()
                + ") takes back more than is left of line "
                + o.sn()
                + " (init_feedetl_sn)");
      }
      left.put(
          o.sn(), new Fee(o.sn(), o.codg(), o.medinsCodg(), cnt, o.pricE6(), amount, o.at(), null));
    }
  }

  /** The discharge date, or before discharge the latest of the admission and fee dates. */
  private static LocalDate priceDate(Admission a, List<Fee> fees) {
    if (a.endtime() != null) {
      return a.endtime().toLocalDate();
    }
    LocalDate d = a.begntime().toLocalDate();
    for (Fee f : fees) {
      if (f.at().toLocalDate().isAfter(d)) {
        d = f.at().toLocalDate();
      }
    }
    return d;
  }

  private Future<Void> store(
      SqlConnection conn, Call call, String mdtrtId, String psnNo, String field, List<Fee> fees) {
    Instant now = clock.instant();
    return Admissions.lockForChange(conn, call.hospitalCode(), mdtrtId, psnNo, field)
        .compose(a -> Admissions.liveFees(conn, mdtrtId))
        .compose(
            live -> {
              Set<String> sns = new HashSet<>();
              live.forEach(f -> sns.add(f.sn()));
              for (int i = 0; i < fees.size(); i++) {
                if (sns.contains(fees.get(i).sn())) {
                  throw NhsaError.invalid(
                      "input.feedetail[" + i + "].feedetl_sn",
                      "is uploaded already; undo it with 2302 first");
                }
              }
              checkRefunds(live, fees);
              if (live.size() + fees.size() > SettlementEngine.MAX_LINES) {
                throw NhsaError.invalid(
                    "input.feedetail",
                    "would make "
                        + (live.size() + fees.size())
                        + " lines; at most "
                        + SettlementEngine.MAX_LINES
                        + " per admission");
              }
              return Admissions.insertFees(conn, mdtrtId, fees, call.msgid(), now);
            })
        .compose(v -> Admissions.bumpVersion(conn, mdtrtId));
  }

  /**
   * result[]: per line, the engine's split; a refund line's negated (what it takes back). The
   * catalogue knows no item kind or drug flags, so med_chrgitm_type comes from the national code's
   * family ({@link #chargeItemType}) and the flags are 0 (the gateway pays none of them apart).
   * X…/Z… with a letter second are drugs, T…/C… with a digit second are herbs and consumables.
   */
  private static void result(JsonGenerator g, SettlementView priced, List<Fee> fees)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("result");
    for (int i = 0; i < fees.size(); i++) {
      LineRecord l = priced.lines().get(i);
      int sign = fees.get(i).refund() ? -1 : 1;
      g.writeStartObject();
      g.writeStringField("feedetl_sn", l.lineNo());
      Formats.money(g, "det_item_fee_sumamt", sign * l.amountFen());
      Formats.scaled(g, "cnt", sign * l.quantityE4(), ClaimLine.QUANTITY_DECIMALS);
      Formats.scaled(g, "pric", l.unitPriceE6(), ClaimLine.PRICE_DECIMALS);
      Formats.scaled(
          g,
          "pric_uplmt_amt",
          l.priceCapE6() == null ? NO_PRICE_CAP_E6 : l.priceCapE6(),
          ClaimLine.PRICE_DECIMALS);
      Formats.scaled(g, "selfpay_prop", l.selfPayRatioE4(), 4);
      Formats.money(g, "fulamt_ownpay_amt", sign * l.fullOwnPayFen());
      Formats.money(g, "overlmt_amt", sign * l.overLimitFen());
      Formats.money(g, "preselfpay_amt", sign * l.preSelfPayFen());
      Formats.money(g, "inscp_scp_amt", sign * l.inScopeFen());
      g.writeStringField("chrgitm_lv", Category.valueOf(l.category()).chrgitmLv());
      g.writeStringField("med_chrgitm_type", chargeItemType(l.itemCode()));
      g.writeStringField("bas_medn_flag", "0");
      g.writeStringField("hi_nego_drug_flag", "0");
      g.writeStringField("chld_medc_flag", "0");
      g.writeStringField("list_sp_item_flag", "0");
      g.writeStringField("lmt_used_flag", "0");
      g.writeStringField("drt_reim_flag", "0");
      g.writeStringField("memo", Boolean.TRUE.equals(l.unknownItem()) ? UNKNOWN_ITEM_MEMO : null);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * med_chrgitm_type (医疗收费项目类别) from the family of a national list code: X… 西药 (09), Z… 中成药 (11),
   * T… 中药饮片 (10), C… 医用耗材 (08); anything else 14 (其他), since the catalogue does not say whether a
   * service item is an examination, a test or a treatment.
   */
  static String chargeItemType(String code) {
    if (code.length() < 2) {
      return "14";
    }
    char family = code.charAt(0);
    boolean letter = Character.isLetter(code.charAt(1));
    boolean digit = Character.isDigit(code.charAt(1));
    if (family == 'X' && letter) {
      return "09";
    }
    if (family == 'Z' && letter) {
      return "11";
    }
    if (family == 'T' && digit) {
      return "10";
    }
    if (family == 'C' && digit) {
      return "08";
    }
    return "14";
  }

  /** 2302: input.data (one object or a list) of {feedetl_sn, mdtrt_id, psn_no}; "0000" = all. */
  Future<Outcome> undo(Call call) {
    List<Input> items = Input.of(call.input(), "input").objects("data", SettlementEngine.MAX_LINES);
    Set<String> sns = new LinkedHashSet<>();
    String mdtrtId = null;
    String psnNo = null;
    for (Input in : items) {
      String m = in.text("mdtrt_id", AdmissionTransactions.MDTRT_ID, "an mdtrt_id", true);
      String p = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
      if (mdtrtId != null && (!mdtrtId.equals(m) || !psnNo.equals(p))) {
        throw NhsaError.invalid(in.path("mdtrt_id"), "must be the same in every item of a message");
      }
      mdtrtId = m;
      psnNo = p;
      sns.add(in.text("feedetl_sn", SN, "a feedetl_sn, or 0000 for all", true));
    }
    String mdtrt = mdtrtId;
    String psn = psnNo;
    String field = items.get(0).path("mdtrt_id");
    return Future.succeededFuture(
        Outcome.of(Outcome.EMPTY)
            .touching(mdtrt, null)
            .writing(
                conn ->
                    Admissions.lockForChange(conn, call.hospitalCode(), mdtrt, psn, field)
                        .compose(
                            a ->
                                sns.contains(ALL)
                                    ? Admissions.undoLive(
                                        conn, Admissions.Kind.FEE, mdtrt, call.msgid())
                                    : Admissions.undoFees(
                                        conn, mdtrt, call.msgid(), sns.toArray(new String[0])))
                        .compose(
                            undone -> {
                              for (String sn : sns) {
                                if (!ALL.equals(sn) && !undone.contains(sn)) {
                                  throw NhsaError.invalid(
                                      "input.data.feedetl_sn", "names a line that is not uploaded");
                                }
                              }
                              return Admissions.bumpVersion(conn, mdtrt);
                            })));
  }
}
