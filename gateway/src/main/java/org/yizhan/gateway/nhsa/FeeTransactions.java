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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.yizhan.gateway.settlement.SettlementRecord;
import org.yizhan.gateway.settlement.SettlementRecord.LineRecord;
import org.yizhan.gateway.settlement.SettlementService;

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
              var claim = Claims.of(a, fees, call.hospital(), priceDate(a, fees));
              return service
                  .preview(ClaimInput.of(claim, a.name()))
                  .recover(e -> Future.failedFuture(Claims.national(e, paths)));
            })
        .map(
            priced ->
                Outcome.of(g -> result(g, priced))
                    .touching(mdtrt, null)
                    .writing(conn -> store(conn, call, mdtrt, psn, field, fees)));
  }

  private static Fee fee(Input in) {
    long cnt = in.decimal("cnt", ClaimLine.QUANTITY_DECIMALS, Input.MAX_QUANTITY, true);
    if (cnt <= 0) {
      throw NhsaError.invalid(
          in.path("cnt"), "must be greater than 0; to take a line back (退单), undo it with 2302");
    }
    return new Fee(
        in.text("feedetl_sn", SN, "1–30 letters, digits, '.', '_' or '-'", true),
        in.text("med_list_codg", LIST_CODE, "a catalogue code of 1–64 characters", true),
        in.text("medins_list_codg", MEDINS_CODE, "1–150 printable characters", true),
        cnt,
        in.decimal("pric", ClaimLine.PRICE_DECIMALS, Input.MAX_PRICE, true),
        in.decimal("det_item_fee_sumamt", 2, Input.MAX_AMOUNT, true),
        in.time("fee_ocur_time", true));
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

  private static void result(JsonGenerator g, SettlementRecord priced) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("result");
    for (LineRecord l : priced.lines()) {
      g.writeStartObject();
      g.writeStringField("feedetl_sn", l.lineNo());
      Formats.money(g, "det_item_fee_sumamt", l.amountFen());
      Formats.scaled(g, "cnt", l.quantityE4(), ClaimLine.QUANTITY_DECIMALS);
      Formats.scaled(g, "pric", l.unitPriceE6(), ClaimLine.PRICE_DECIMALS);
      if (l.priceCapE6() == null) {
        g.writeNullField("pric_uplmt_amt");
      } else {
        Formats.scaled(g, "pric_uplmt_amt", l.priceCapE6(), ClaimLine.PRICE_DECIMALS);
      }
      Formats.scaled(g, "selfpay_prop", l.selfPayRatioE4(), 4);
      Formats.money(g, "fulamt_ownpay_amt", l.fullOwnPayFen());
      Formats.money(g, "overlmt_amt", l.overLimitFen());
      Formats.money(g, "preselfpay_amt", l.preSelfPayFen());
      Formats.money(g, "inscp_scp_amt", l.inScopeFen());
      g.writeStringField("chrgitm_lv", Category.valueOf(l.category()).chrgitmLv());
      g.writeStringField("lmt_used_flag", "0");
      g.writeStringField("memo", Boolean.TRUE.equals(l.unknownItem()) ? UNKNOWN_ITEM_MEMO : null);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
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
