package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.identity.ManagingOffice;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.db.Ids;
import org.yizhan.gateway.inpatient.Admissions;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.inpatient.SetlIds;
import org.yizhan.gateway.settlement.SettlementService;

/**
 * 2401 入院办理 (admit), 2404 its undo (cancel the admission), 2402 出院办理 (discharge) and 2405 its undo.
 * An admission records who (psn_no), under which insurance (insutype 390 → the RESIDENT scheme) and
 * area (the envelope's insuplc_admdvs → the civil-affairs office code), and when; the discharge
 * adds when the stay ended. Both dates go into the claim that 2303/2304 settle.
 */
final class AdmissionTransactions {
  static final Pattern MDTRT_ID = Pattern.compile("[0-9A-Za-z]{1,30}");
  static final Pattern CODE = Pattern.compile("[0-9A-Za-z]{1,6}");
  static final Pattern IPT_NO = Pattern.compile("[0-9A-Za-z._-]{1,30}");

  /** The only insurance type with a policy: 城乡居民基本医疗保险. */
  static final String RESIDENT_INSUTYPE = "390";

  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;

  /** The longest stay discharged, days from begntime's date to endtime's date. */
  private final int maxStayDays;

  AdmissionTransactions(Pool pool, DbGuard guard, Clock clock, int maxStayDays) {
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.maxStayDays = maxStayDays;
  }

  /**
   * The hospital's inpatient number: {@code ipt_no} (住院号, the spec's 2401 input table, openhis and
   * YbRefund's {@code T2401}), or {@code ipt_otp_no} (住院/门诊号, the name of 2201 and 2403, which
   * hsa-his's {@code InptRegisterReqUtil} also sends to 2401); both with different values are
   * refused rather than one chosen.
   */
  static String iptNo(Input in) {
    String ipt = in.text("ipt_no", IPT_NO, "the hospital's inpatient number", false);
    String iptOtp = in.text("ipt_otp_no", IPT_NO, "the hospital's inpatient number", false);
    if (ipt != null && iptOtp != null && !ipt.equals(iptOtp)) {
      throw NhsaError.invalid(in.path("ipt_otp_no"), "is not ipt_no: send one inpatient number");
    }
    if (ipt == null && iptOtp == null) {
      throw NhsaError.missing(in.path("ipt_no"));
    }
    return ipt != null ? ipt : iptOtp;
  }

  /** 2401: input.mdtrtinfo → output.result.mdtrt_id. */
  Future<Outcome> admit(Call call) {
    Input in = call.data("mdtrtinfo");
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no from 1101", true);
    String insutype = insutype(in);
    LocalDateTime begntime = in.time("begntime", true);
    String medType = in.text("med_type", CODE, "a medical type code, e.g. 21", true);
    String iptNo = iptNo(in);
    // The certificate is optional here (psn_no names the person); given as an ID number (02), it
    // must be one, and the person's.
    String certType = in.text("mdtrt_cert_type", CODE, "a certificate type, e.g. 02", false);
    IdNumber cert = "02".equals(certType) ? in.idNumber("mdtrt_cert_no", false, clock) : null;
    String office = call.envelope().insuplcAdmdvs();
    if (office == null) {
      throw NhsaError.missing("insuplc_admdvs");
    }
    Instant now = clock.instant();
    String mdtrtId = SetlIds.encode(Ids.next(now));
    return Guarded.call(guard, () -> Persons.ofPsnNo(pool, psnNo, in.path("psn_no")))
        .map(
            p -> {
              if (cert != null && !cert.value().equals(p.idNo())) {
                throw NhsaError.invalid(in.path("mdtrt_cert_no"), "is not the ID number of psn_no");
              }
              if (!ManagingOffice.manages(office, p.idNo())) {
                // the same rule as a settlement's (SettlementService.checkOffice), refused early
                throw new NhsaError(
                    "["
                        + SettlementService.OFFICE_MISMATCH
                        + "] insuplc_admdvs must be the office that manages the person (the"
                        + " region of their household registration)");
              }
              Admission a =
                  new Admission(
                      mdtrtId, p.id(), p.psnNo(), p.idNo(), p.name(), insutype, office, medType,
                      iptNo, begntime, 0, false, null, certType);
              return Outcome.of(
                      g -> {
                        g.writeStartObject();
                        g.writeObjectFieldStart("result");
                        g.writeStringField("mdtrt_id", mdtrtId);
                        g.writeStringField("psn_no", psnNo);
                        // the spec's output table names it ipt_otp_no (住院/门诊号); clients built
                        // on the input table's name read ipt_no: both, the same value
                        g.writeStringField("ipt_otp_no", iptNo);
                        g.writeStringField("ipt_no", iptNo);
                        g.writeEndObject();
                        g.writeEndObject();
                      })
                  .touching(mdtrtId, null)
                  .writing(
                      conn ->
                          Admissions.insertAdmission(
                              conn, call.hospitalCode(), a, call.msgid(), now));
            });
  }

  /** 2404: input.data {mdtrt_id, psn_no} cancels an admission that is not settled. */
  Future<Outcome> cancel(Call call) {
    Input in = call.data("data");
    String mdtrtId = in.text("mdtrt_id", MDTRT_ID, "an mdtrt_id from 2401", true);
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    return Future.succeededFuture(
        Outcome.of(Outcome.EMPTY)
            .touching(mdtrtId, null)
            .writing(
                conn ->
                    Admissions.lockForChange(
                            conn, call.hospitalCode(), mdtrtId, psnNo, in.path("mdtrt_id"))
                        .compose(
                            a ->
                                Admissions.undoLive(
                                    conn, Admissions.Kind.ADMISSION, mdtrtId, call.msgid()))
                        .compose(undone -> Admissions.bumpVersion(conn, mdtrtId))));
  }

  /** 2402: input.dscginfo {mdtrt_id, psn_no, insutype, endtime}. */
  Future<Outcome> discharge(Call call) {
    Input in = call.data("dscginfo");
    String mdtrtId = in.text("mdtrt_id", MDTRT_ID, "an mdtrt_id from 2401", true);
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    String insutype = insutype(in);
    LocalDateTime endtime = in.time("endtime", true);
    Instant now = clock.instant();
    return Future.succeededFuture(
        Outcome.of(Outcome.EMPTY)
            .touching(mdtrtId, null)
            .writing(
                conn ->
                    Admissions.lockForChange(
                            conn, call.hospitalCode(), mdtrtId, psnNo, in.path("mdtrt_id"))
                        .compose(
                            a -> {
                              if (!a.insutype().equals(insutype)) {
                                throw NhsaError.invalid(
                                    in.path("insutype"), "must be the admission's " + a.insutype());
                              }
                              if (endtime.isBefore(a.begntime())) {
                                throw NhsaError.invalid(
                                    in.path("endtime"),
                                    "must not be before begntime " + Formats.time(a.begntime()));
                              }
                              Claims.checkStay(
                                  a.begntime().toLocalDate(),
                                  endtime.toLocalDate(),
                                  maxStayDays,
                                  in.path("endtime"));
                              return Admissions.insertDischarge(
                                  conn, mdtrtId, endtime, call.msgid(), now);
                            })
                        .compose(v -> Admissions.bumpVersion(conn, mdtrtId))));
  }

  /** 2405: input.data {mdtrt_id, psn_no} undoes the discharge of an unsettled admission. */
  Future<Outcome> undischarge(Call call) {
    Input in = call.data("data");
    String mdtrtId = in.text("mdtrt_id", MDTRT_ID, "an mdtrt_id from 2401", true);
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    return Future.succeededFuture(
        Outcome.of(Outcome.EMPTY)
            .touching(mdtrtId, null)
            .writing(
                conn ->
                    Admissions.lockForChange(
                            conn, call.hospitalCode(), mdtrtId, psnNo, in.path("mdtrt_id"))
                        .compose(
                            a ->
                                Admissions.undoLive(
                                    conn, Admissions.Kind.DISCHARGE, mdtrtId, call.msgid()))
                        .compose(
                            undone -> {
                              if (undone.isEmpty()) {
                                throw NhsaError.invalid(
                                    in.path("mdtrt_id"),
                                    "names an admission that is not discharged");
                              }
                              return Admissions.bumpVersion(conn, mdtrtId);
                            })));
  }

  static String insutype(Input in) {
    String insutype = in.text("insutype", CODE, "an insurance type code, e.g. 390", true);
    if (!RESIDENT_INSUTYPE.equals(insutype)) {
      throw NhsaError.invalid(
          in.path("insutype"), "must be 390 (城乡居民基本医疗保险), the only type settled here");
    }
    return insutype;
  }
}
