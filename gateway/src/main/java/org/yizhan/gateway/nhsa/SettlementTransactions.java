package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.inpatient.Admissions;
import org.yizhan.gateway.inpatient.Admissions.Admission;
import org.yizhan.gateway.inpatient.Admissions.Fee;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.inpatient.SetlIds;
import org.yizhan.gateway.settlement.ClaimInput;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.settlement.SettlementView;

/**
 * 2303 住院预结算 (preview), 2304 住院结算 (settle) and 2305 住院结算撤销 (reverse), through the same {@link
 * SettlementService} as the JSON API: one engine, one store, one ledger.
 *
 * <p>The claim is built from the admission and its live fee details ({@link Claims}); the request's
 * medfee_sumamt must equal their total, as the national platform checks. 2304 settles with the
 * idempotency key {@code nhsa:<msgid>}, which lets a 2601 find the settlement of a 2304 whose
 * answer (and log entry) never came. A settlement is computed from the admission as read at one
 * version; if another message changed the admission before the log entry commits, the new
 * settlement is reversed at once and the message refused, so no settlement ever disagrees with the
 * fee details it was made from.
 */
final class SettlementTransactions {
  static final Pattern SETL_ID = Pattern.compile("[0-9A-Za-z-]{26,36}");

  private final SettlementService service;
  private final Pool pool;
  private final DbGuard guard;
  private final ZoneId zone;
  private final Clock clock;

  /** The longest stay settled, days from begntime's date to endtime's. */
  private final int maxStayDays;

  SettlementTransactions(
      SettlementService service,
      Pool pool,
      DbGuard guard,
      Clock clock,
      ZoneId zone,
      int maxStayDays) {
    this.service = service;
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
    this.maxStayDays = maxStayDays;
  }

  /** An admission ready to settle: the claim and how its lines are named in messages. */
  private record Settling(Admission admission, Claim claim, List<String> paths) {
    ClaimInput parsed() {
      return ClaimInput.of(claim, admission.name());
    }
  }

  /**
   * 2303: input.data → output.setlinfo and setldetail; nothing is written. Before discharge (2402)
   * it is a trial during the stay (中途试算): the stay is taken to end today (the gateway's date), so
   * the running bill is priced and split as if the patient left today.
   */
  Future<Outcome> preview(Call call) {
    return settling(call, true)
        .compose(
            s ->
                service
                    .preview(s.parsed())
                    .recover(e -> Future.failedFuture(Claims.national(e, s.paths())))
                    .map(
                        r ->
                            Outcome.of(
                                    g ->
                                        SetlInfo.write(
                                            g, r, s.admission(), call.msgid(), null, 1, zone))
                                .touching(s.admission().mdtrtId(), null)));
  }

  /** 2304: input.data → output.setlinfo (with setl_id) and setldetail. */
  Future<Outcome> settle(Call call) {
    return settling(call, false)
        .compose(
            s ->
                service
                    .settle(call.who(), s.parsed(), "nhsa:" + call.msgid())
                    .recover(e -> Future.failedFuture(settleRefusal(e, s.paths())))
                    .map(done -> settled(call, s, done)));
  }

  private Outcome settled(Call call, Settling s, SettlementService.Settled done) {
    SettlementView r = done.settlement();
    if (SettlementView.REVERSED.equals(r.status())) {
      throw new NhsaError(
          "msgid "
              + call.msgid()
              + " settled "
              + SetlIds.encode(r.id())
              + ", which is reversed since; send a new message");
    }
    Admission a = s.admission();
    String setlId = SetlIds.encode(r.id());
    Outcome o =
        Outcome.of(g -> SetlInfo.write(g, r, a, call.msgid(), setlId, 1, zone))
            .touching(a.mdtrtId(), r.id());
    if (done.replayed()) {
      return o;
    }
    return o.writing(
            conn ->
                Admissions.lock(conn, call.hospitalCode(), a.mdtrtId(), "input.data.mdtrt_id")
                    .map(
                        now -> {
                          if (now.version() != a.version()) {
                            throw new NhsaError(
                                "mdtrt_id "
                                    + a.mdtrtId()
                                    + " changed while it was being settled; nothing is settled,"
                                    + " send 2304 again");
                          }
                          return null;
                        }))
        .compensatedBy(
            () ->
                service
                    .reverse(call.who(), r.id(), "NHSA " + call.msgid() + " refused after all")
                    .mapEmpty());
  }

  /** 2305: input.data {mdtrt_id, setl_id, psn_no} → the reversal, amounts negated. */
  Future<Outcome> reverse(Call call) {
    Input in = call.data("data");
    String mdtrtId = in.text("mdtrt_id", AdmissionTransactions.MDTRT_ID, "an mdtrt_id", true);
    String setlIdText = in.text("setl_id", SETL_ID, "a setl_id from 2304", true);
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    UUID id = SetlIds.decode(setlIdText);
    if (id == null) {
      throw NhsaError.invalid(in.path("setl_id"), "is not a setl_id");
    }
    return Guarded.call(
            guard, () -> Admissions.find(pool, call.hospitalCode(), mdtrtId, in.path("mdtrt_id")))
        .compose(
            a -> {
              Admissions.checkPerson(a, psnNo, in.path("psn_no"));
              return service
                  .find(call.who(), id)
                  .compose(
                      before -> {
                        if (!before.claimNo().equals(mdtrtId)) {
                          throw NhsaError.invalid(
                              in.path("setl_id"),
                              "is not a settlement of the admission (mdtrt_id)");
                        }
                        return service.reverse(call.who(), id, "NHSA 2305 " + call.msgid());
                      })
                  .map(r -> reversed(call, a, r));
            })
        .recover(e -> Future.failedFuture(notFound(e, in.path("setl_id"))));
  }

  private Outcome reversed(Call call, Admission a, SettlementView r) {
    String reversalId = SetlIds.encode(r.reversal().id());
    Outcome o =
        Outcome.of(g -> SetlInfo.write(g, r, a, call.msgid(), reversalId, -1, zone))
            .touching(a.mdtrtId(), r.id());
    String reason = r.reversal().reason();
    boolean earlier = reason == null || !reason.endsWith(call.msgid());
    return earlier ? o.warn("the settlement was reversed before; this is that reversal") : o;
  }

  /**
   * Reads the admission (its version first, then its fees) and builds the claim; {@code trial}
   * (2303) may end the stay today when it is not discharged yet.
   */
  private Future<Settling> settling(Call call, boolean trial) {
    Input in = call.data("data");
    String mdtrtId = in.text("mdtrt_id", AdmissionTransactions.MDTRT_ID, "an mdtrt_id", true);
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    AdmissionTransactions.insutype(in);
    long medfee = in.decimal("medfee_sumamt", 2, Input.MAX_AMOUNT, true);
    if ("1".equals(in.text("mid_setl_flag", Pattern.compile("[01]"), "0 or 1", false))) {
      throw NhsaError.invalid(in.path("mid_setl_flag"), "1 (中途结算) is not supported");
    }
    String field = in.path("mdtrt_id");
    return Guarded.call(
        guard,
        () ->
            Admissions.find(pool, call.hospitalCode(), mdtrtId, field)
                .compose(
                    a ->
                        Admissions.liveFees(pool, mdtrtId)
                            .map(
                                fees ->
                                    settling(call, in, a, psnNo, medfee, fees, end(a, trial)))));
  }

  /** The day the stay ends: the discharge's, or for a trial before discharge today. */
  private LocalDate end(Admission a, boolean trial) {
    if (a.endtime() != null || !trial) {
      return a.endtime() == null ? null : a.endtime().toLocalDate();
    }
    LocalDate today = LocalDate.now(clock.withZone(zone));
    LocalDate begin = a.begntime().toLocalDate();
    return today.isBefore(begin) ? begin : today;
  }

  private Settling settling(
      Call call, Input in, Admission a, String psnNo, long medfee, List<Fee> live, LocalDate end) {
    if (a.cancelled()) {
      throw NhsaError.invalid(in.path("mdtrt_id"), "names an admission that was cancelled (2404)");
    }
    Admissions.checkPerson(a, psnNo, in.path("psn_no"));
    if (end == null) {
      throw NhsaError.invalid(
          in.path("mdtrt_id"), "names an admission not discharged yet; send 2402 first");
    }
    // 2402 checked it too, but a discharge recorded before that check (or under a larger bound)
    // must not settle a century-long stay
    Claims.checkStay(
        a.begntime().toLocalDate(),
        end,
        maxStayDays,
        a.endtime() == null ? "today (no 2402 yet)" : "endtime (2402)");
    List<Fee> fees = Claims.net(live);
    long total = 0;
    List<String> paths = new ArrayList<>(fees.size());
    for (Fee f : fees) {
      total += f.amountFen();
      paths.add("feedetail(feedetl_sn=" + f.sn() + ")");
    }
    if (total != medfee) {
      throw NhsaError.invalid(
          in.path("medfee_sumamt"),
          Fen.format(medfee)
              + " is not the total of the uploaded fee details, "
              + Fen.format(total)
              + " in "
              + fees.size()
              + " lines");
    }
    Claim claim = Claims.of(a, fees, call.hospital(), end);
    return new Settling(a, claim, paths);
  }

  private static Throwable settleRefusal(Throwable e, List<String> paths) {
    if (e instanceof Refusal
        && SettlementService.IDEMPOTENCY_KEY_REUSED.equals(((Refusal) e).code())) {
      return NhsaError.invalid("msgid", "was used before to settle other fee details");
    }
    if (e instanceof Refusal && ((Refusal) e).kind() == Refusal.Kind.CONFLICT) {
      return new NhsaError(
          "mdtrt_id is settled already with other fee details; reverse it with 2305 first");
    }
    return Claims.national(e, paths);
  }

  private static Throwable notFound(Throwable e, String field) {
    if (e instanceof Refusal && ((Refusal) e).kind() == Refusal.Kind.NOT_FOUND) {
      return NhsaError.invalid(field, "names no settlement of this institution");
    }
    return e;
  }
}
