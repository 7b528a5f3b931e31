package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.SignIns;
import org.yizhan.gateway.inpatient.SignIns.SignIn;

/**
 * 9001 签到 and 9002 签退, and the check of a business message's {@code sign_no}.
 *
 * <p>Every hospital system studied signs in before its first business message and aborts without
 * {@code output.signinoutb.sign_no}; it then sends that sign_no in every envelope (Foshan keeps it
 * in a file across restarts for 24 hours, YbRefund for the day), so sign-ins are kept in the
 * database ({@link SignIns}, table nhsa_sign_in), not in memory. A second 9001 of the same operator
 * on the same day answers the open sign-in again, as the national platform does, so a system that
 * signs in before every message does not fill the table.
 *
 * <p>Whether business messages need a valid sign_no is each hospital's setting ({@code nhsa:
 * signInRequired} in config/hospitals.yaml, off by default): the national platform requires it, but
 * hsa-his never sends sign_no, and a hospital already settling here must not be cut off by an
 * upgrade. A sign-in is open until 9002 or for {@link #OPEN_HOURS} hours.
 */
final class SignInTransactions {
  /** How long a sign-in stays open without a 9002, hours. */
  static final int OPEN_HOURS = 24;

  static final Pattern OPTER = Pattern.compile("[^\\p{Cntrl}]{1,30}");
  static final Pattern DEVICE = Pattern.compile("[^\\p{Cntrl}]{1,64}");

  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;

  SignInTransactions(Pool pool, DbGuard guard, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
  }

  /** 9001: {@code input.signIn} {opter_no, mac, ip} → {@code signinoutb} {sign_no, sign_time}. */
  Future<Outcome> signIn(Call call) {
    Input in = call.data("signIn");
    String opter = in.text("opter_no", OPTER, "an operator number of 1 to 30 characters", true);
    String mac = in.text("mac", DEVICE, "at most 64 characters", false);
    String ip = in.text("ip", DEVICE, "at most 64 characters", false);
    Instant now = clock.instant();
    OffsetDateTime today = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toOffsetDateTime();
    return Guarded.call(guard, () -> SignIns.openSince(pool, call.hospitalCode(), opter, today))
        .map(
            open -> {
              if (open != null) {
                return answer(open.signNo(), open.signedIn());
              }
              String signNo = newSignNo(now);
              return answer(signNo, now)
                  .writing(
                      conn ->
                          SignIns.insert(
                              conn,
                              signNo,
                              call.hospitalCode(),
                              opter,
                              mac,
                              ip,
                              call.msgid(),
                              now));
            });
  }

  private Outcome answer(String signNo, Instant signedIn) {
    String time = Formats.time(signedIn, zone);
    return Outcome.of(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("signinoutb");
          g.writeStringField("sign_time", time);
          g.writeStringField("sign_no", signNo);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * 9002: {@code input.signOut} {sign_no, opter_no} → {@code signoutoutb} {sign_time}, and {@code
   * result} {sign_time} for the clients that read it there.
   */
  Future<Outcome> signOut(Call call) {
    Input in = call.data("signOut");
    String signNo = in.text("sign_no", Envelope.SIGN_NO, "the sign_no of a 9001 sign-in", true);
    Instant now = clock.instant();
    return Guarded.call(guard, () -> SignIns.find(pool, signNo, call.hospitalCode()))
        .map(
            found -> {
              if (found == null) {
                throw NhsaError.invalid(
                    in.path("sign_no"), "is not a sign-in (9001) of this institution");
              }
              Instant out = found.signedOut();
              String time = Formats.time(out == null ? now : out, zone);
              Outcome o =
                  Outcome.of(
                      g -> {
                        g.writeStartObject();
                        g.writeObjectFieldStart("signoutoutb");
                        g.writeStringField("sign_time", time);
                        g.writeEndObject();
                        // the Foshan client binds 9002's output as {result: {sign_time}}
                        // (IBORN Models/Response/ResponseGzsiModel9002.cs): the same, twice
                        g.writeObjectFieldStart("result");
                        g.writeStringField("sign_time", time);
                        g.writeEndObject();
                        g.writeEndObject();
                      });
              if (out != null) {
                return o.warn("sign_no was signed out before; nothing changed");
              }
              return o.writing(conn -> SignIns.signOut(conn, signNo, call.hospitalCode(), now));
            });
  }

  /**
   * Refuses a business message of a hospital that requires sign-in unless its {@code sign_no} is an
   * open sign-in of that hospital.
   */
  Future<Void> check(String hospital, String signNo) {
    if (signNo == null) {
      return Future.failedFuture(
          NhsaError.invalid(
              "sign_no",
              "is required by this institution: sign in with 9001 and send its sign_no"));
    }
    Instant now = clock.instant();
    return Guarded.call(guard, () -> SignIns.find(pool, signNo, hospital))
        .compose(found -> open(found, now) ? Future.succeededFuture() : refuseClosed());
  }

  private static boolean open(SignIn found, Instant now) {
    return found != null
        && found.signedOut() == null
        && Duration.between(found.signedIn(), now).compareTo(Duration.ofHours(OPEN_HOURS)) < 0;
  }

  private static Future<Void> refuseClosed() {
    return Future.failedFuture(
        NhsaError.invalid(
            "sign_no",
            "is not an open sign-in of this institution (signed out, older than "
                + OPEN_HOURS
                + " hours, or never made): sign in with 9001 and send its sign_no"));
  }

  /** yyyyMMddHHmmss (14) + 16 random digits: 30 characters, the field's length. */
  private String newSignNo(Instant now) {
    long random = ThreadLocalRandom.current().nextLong(10_000_000_000_000_000L);
    return Formats.MSG_TIME.format(now.atZone(zone)) + String.format("%016d", random);
  }
}
