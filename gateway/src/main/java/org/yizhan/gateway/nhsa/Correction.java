package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.Admissions;
import org.yizhan.gateway.inpatient.Admissions.Kind;
import org.yizhan.gateway.inpatient.MessageLog;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.settlement.SettlementQueries;
import org.yizhan.gateway.settlement.SettlementService;

/**
 * 2601 冲正: undo whatever message {@code omsgid} did, once, or nothing if it never arrived.
 *
 * <p>A hospital sends 2601 when it does not know what became of a message (its answer was lost). In
 * one transaction the original's log entry is locked, or, if the message never arrived, a VOIDED
 * entry is written in its place, so that it is refused should it arrive late. A message found DONE
 * is undone by the rows it made or undid (2401, 2404, 2301, 2302, 2402, 2405; see V7) and marked
 * voided; queries have nothing to undo. A 2304 is undone by reversing its settlement, found through
 * the log or, when the settlement committed but its log entry did not, through the settlement's
 * idempotency key {@code nhsa:<msgid>}; that lookup comes after the VOIDED entry is committed, so a
 * 2304 still in flight either is found or finds the VOIDED entry and reverses its own settlement
 * (see {@link Dispatcher}). A second 2601 of the same message changes nothing.
 */
final class Correction {
  static final Set<String> IRREVERSIBLE = Set.of("2305", "2601");

  private final SettlementService service;
  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;
  private final Predicate<String> offered;

  Correction(
      SettlementService service, Pool pool, DbGuard guard, Clock clock, Predicate<String> offered) {
    this.service = service;
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.offered = offered;
  }

  /** What the 2601 found: the message had arrived, had been voided before, its settlement. */
  private record Found(boolean arrived, String voidedBefore, UUID settlementId) {}

  Future<Outcome> reverse(Call call) {
    Input in = call.data("data");
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no", true);
    String omsgid = in.text("omsgid", Envelope.MSGID, "the msgid of the message to undo", true);
    String oinfno = in.text("oinfno", Envelope.INFNO, "the infno of that message", true);
    if (!offered.test(oinfno) || IRREVERSIBLE.contains(oinfno)) {
      throw NhsaError.invalid(
          in.path("oinfno"),
          oinfno
              + " cannot be reversed (冲正)"
              + ("2305".equals(oinfno) ? "; settle again with 2304" : ""));
    }
    if (omsgid.equals(call.msgid())) {
      throw NhsaError.invalid(in.path("omsgid"), "must name another message");
    }
    return Guarded.call(
            guard, () -> pool.withTransaction(conn -> voidIn(conn, call, omsgid, oinfno, psnNo)))
        .compose(f -> "2304".equals(oinfno) ? reverseSettlement(call, omsgid, f) : ok(f))
        .map(f -> Outcome.of(Outcome.EMPTY).warn(warning(omsgid, f)));
  }

  private Future<Found> voidIn(
      SqlConnection conn, Call call, String omsgid, String oinfno, String psnNo) {
    String hospital = call.hospitalCode();
    return MessageLog.insertVoided(conn, hospital, omsgid, oinfno, call.msgid(), clock.instant())
        .compose(
            inserted ->
                inserted
                    ? ok(new Found(false, null, null))
                    : MessageLog.lock(conn, hospital, omsgid)
                        .compose(e -> undoEntry(conn, call, omsgid, oinfno, psnNo, e)));
  }

  private Future<Found> undoEntry(
      SqlConnection conn,
      Call call,
      String omsgid,
      String oinfno,
      String psnNo,
      MessageLog.Entry e) {
    if (!e.infno().equals(oinfno)) {
      throw NhsaError.invalid(
          "input.data.oinfno", "must be " + e.infno() + ", the infno of message " + omsgid);
    }
    if (e.voidedBy() != null) {
      return ok(new Found(MessageLog.DONE.equals(e.state()), e.voidedBy(), e.settlementId()));
    }
    Found found = new Found(true, null, e.settlementId());
    return undo(conn, call, omsgid, psnNo, e)
        .compose(v -> MessageLog.markVoided(conn, call.hospitalCode(), omsgid, call.msgid()))
        .map(v -> found);
  }

  /** Undoes the rows message {@code omsgid} made, or makes live again the rows it undid. */
  private static Future<Void> undo(
      SqlConnection conn, Call call, String omsgid, String psnNo, MessageLog.Entry e) {
    Kind kind;
    boolean made;
    switch (e.infno()) {
      case "2401":
      case "2404":
        kind = Kind.ADMISSION;
        made = "2401".equals(e.infno());
        break;
      case "2301":
      case "2302":
        kind = Kind.FEE;
        made = "2301".equals(e.infno());
        break;
      case "2402":
      case "2405":
        kind = Kind.DISCHARGE;
        made = "2402".equals(e.infno());
        break;
      default:
        return Future.succeededFuture();
    }
    String mdtrt = e.mdtrtId();
    return Admissions.lock(conn, call.hospitalCode(), mdtrt, "input.data.omsgid")
        .compose(
            a -> {
              Admissions.checkPerson(a, psnNo, "input.data.psn_no");
              return Admissions.requireUnsettled(conn, call.hospitalCode(), mdtrt);
            })
        .compose(
            v ->
                made
                    ? Admissions.undoOfMessage(conn, kind, mdtrt, omsgid, call.msgid())
                    : Admissions.restore(conn, kind, mdtrt, omsgid))
        .compose(v -> Admissions.bumpVersion(conn, mdtrt));
  }

  /** Reverses the settlement a 2304 made, found by its log entry or its idempotency key. */
  private Future<Found> reverseSettlement(Call call, String omsgid, Found f) {
    Future<UUID> id =
        f.settlementId() != null
            ? Future.succeededFuture(f.settlementId())
            : Guarded.call(
                guard,
                () ->
                    SettlementQueries.settlementOfKey(pool, call.hospitalCode(), "nhsa:" + omsgid));
    return id.compose(
        s ->
            s == null
                ? ok(f)
                : service
                    .reverse(call.who(), s, "NHSA 2601 " + call.msgid() + " of " + omsgid)
                    .map(r -> new Found(true, f.voidedBefore(), s)));
  }

  private static String warning(String omsgid, Found f) {
    if (f.voidedBefore() != null) {
      return omsgid + " was reversed before by " + f.voidedBefore() + "; nothing changed";
    }
    if (!f.arrived()) {
      return omsgid + " never arrived; nothing to undo, and it is refused if it comes";
    }
    return null;
  }

  private static <T> Future<T> ok(T value) {
    return Future.succeededFuture(value);
  }
}
