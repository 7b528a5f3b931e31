package org.yizhan.gateway.nhsa;

import static org.yizhan.gateway.store.Sql.p;
import static org.yizhan.gateway.store.schema.Tables.NHSA_SIGN_IN;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.yizhan.gateway.store.DbGuard;
import org.yizhan.gateway.store.Sql;

/**
 * 9001 签到 and 9002 签退, and the check of a business message's {@code sign_no}.
 *
 * <p>Every hospital system studied signs in before its first business message and aborts without
 * {@code output.signinoutb.sign_no}; it then sends that sign_no in every envelope (Foshan keeps it
 * in a file across restarts for 24 hours, YbRefund for the day), so sign-ins are kept in the
 * database (table nhsa_sign_in), not in memory. A second 9001 of the same operator on the same day
 * answers the open sign-in again, as the national platform does, so a system that signs in before
 * every message does not fill the table.
 *
 * <p>Whether business messages need a valid sign_no is each hospital's setting ({@code nhsa:
 * signInRequired} in config/hospitals.yaml, off by default): the national platform requires it, but
 * hsa-his never sends sign_no, and a hospital already settling here must not be cut off by an
 * upgrade. A sign-in is open until 9002 or for {@link #OPEN_HOURS} hours.
 */
final class SignIns {
  /** How long a sign-in stays open without a 9002, hours. */
  static final int OPEN_HOURS = 24;

  static final Pattern OPTER = Pattern.compile("[^\\p{Cntrl}]{1,30}");
  static final Pattern DEVICE = Pattern.compile("[^\\p{Cntrl}]{1,64}");

  private static final String OPEN_TODAY =
      Sql.render(
          Sql.dsl()
              .select(NHSA_SIGN_IN.SIGN_NO, NHSA_SIGN_IN.SIGNED_IN_AT)
              .from(NHSA_SIGN_IN)
              .where(NHSA_SIGN_IN.HOSPITAL_CODE.eq(p(1, NHSA_SIGN_IN.HOSPITAL_CODE)))
              .and(NHSA_SIGN_IN.OPTER_NO.eq(p(2, NHSA_SIGN_IN.OPTER_NO)))
              .and(NHSA_SIGN_IN.SIGNED_IN_AT.ge(p(3, NHSA_SIGN_IN.SIGNED_IN_AT)))
              .and(NHSA_SIGN_IN.SIGNED_OUT_AT.isNull())
              .orderBy(NHSA_SIGN_IN.SIGNED_IN_AT.desc())
              .limit(1));

  private static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(NHSA_SIGN_IN.SIGNED_IN_AT, NHSA_SIGN_IN.SIGNED_OUT_AT)
              .from(NHSA_SIGN_IN)
              .where(NHSA_SIGN_IN.SIGN_NO.eq(p(1, NHSA_SIGN_IN.SIGN_NO)))
              .and(NHSA_SIGN_IN.HOSPITAL_CODE.eq(p(2, NHSA_SIGN_IN.HOSPITAL_CODE))));

  private static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_SIGN_IN,
                  NHSA_SIGN_IN.SIGN_NO,
                  NHSA_SIGN_IN.HOSPITAL_CODE,
                  NHSA_SIGN_IN.OPTER_NO,
                  NHSA_SIGN_IN.MAC,
                  NHSA_SIGN_IN.IP,
                  NHSA_SIGN_IN.MSGID,
                  NHSA_SIGN_IN.SIGNED_IN_AT)
              .values(
                  p(1, NHSA_SIGN_IN.SIGN_NO),
                  p(2, NHSA_SIGN_IN.HOSPITAL_CODE),
                  p(3, NHSA_SIGN_IN.OPTER_NO),
                  p(4, NHSA_SIGN_IN.MAC),
                  p(5, NHSA_SIGN_IN.IP),
                  p(6, NHSA_SIGN_IN.MSGID),
                  p(7, NHSA_SIGN_IN.SIGNED_IN_AT)));

  private static final String SIGN_OUT =
      Sql.render(
          Sql.dsl()
              .update(NHSA_SIGN_IN)
              .set(NHSA_SIGN_IN.SIGNED_OUT_AT, p(3, NHSA_SIGN_IN.SIGNED_OUT_AT))
              .where(NHSA_SIGN_IN.SIGN_NO.eq(p(1, NHSA_SIGN_IN.SIGN_NO)))
              .and(NHSA_SIGN_IN.HOSPITAL_CODE.eq(p(2, NHSA_SIGN_IN.HOSPITAL_CODE)))
              .and(NHSA_SIGN_IN.SIGNED_OUT_AT.isNull()));

  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;

  SignIns(Pool pool, DbGuard guard, Clock clock, ZoneId zone) {
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
    return Guarded.call(
            guard,
            () ->
                pool.preparedQuery(OPEN_TODAY).execute(Tuple.of(call.hospitalCode(), opter, today)))
        .map(
            rows -> {
              if (rows.size() > 0) {
                Row r = rows.iterator().next();
                return answer(r.getString(0), r.getOffsetDateTime(1).toInstant());
              }
              String signNo = newSignNo(now);
              Tuple row =
                  Tuple.tuple()
                      .addString(signNo)
                      .addString(call.hospitalCode())
                      .addString(opter)
                      .addString(mac)
                      .addString(ip)
                      .addString(call.msgid())
                      .addOffsetDateTime(now.atOffset(ZoneOffset.UTC));
              return answer(signNo, now)
                  .writing(conn -> conn.preparedQuery(INSERT).execute(row).<Void>mapEmpty());
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

  /** 9002: {@code input.signOut} {sign_no, opter_no} → {@code signoutoutb} {sign_time}. */
  Future<Outcome> signOut(Call call) {
    Input in = call.data("signOut");
    String signNo = in.text("sign_no", Envelope.SIGN_NO, "the sign_no of a 9001 sign-in", true);
    Instant now = clock.instant();
    return Guarded.call(
            guard, () -> pool.preparedQuery(FIND).execute(Tuple.of(signNo, call.hospitalCode())))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw NhsaError.invalid(
                    in.path("sign_no"), "is not a sign-in (9001) of this institution");
              }
              OffsetDateTime out = rows.iterator().next().getOffsetDateTime(1);
              Instant when = out == null ? now : out.toInstant();
              String time = Formats.time(when, zone);
              Outcome o =
                  Outcome.of(
                      g -> {
                        g.writeStartObject();
                        g.writeObjectFieldStart("signoutoutb");
                        g.writeStringField("sign_time", time);
                        g.writeEndObject();
                        g.writeEndObject();
                      });
              if (out != null) {
                return o.warn("sign_no was signed out before; nothing changed");
              }
              Tuple t = Tuple.of(signNo, call.hospitalCode(), now.atOffset(ZoneOffset.UTC));
              return o.writing(conn -> conn.preparedQuery(SIGN_OUT).execute(t).<Void>mapEmpty());
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
    return Guarded.call(guard, () -> pool.preparedQuery(FIND).execute(Tuple.of(signNo, hospital)))
        .compose(rows -> open(rows, now) ? Future.succeededFuture() : refuseClosed());
  }

  private static boolean open(RowSet<Row> rows, Instant now) {
    if (rows.size() == 0) {
      return false;
    }
    Row r = rows.iterator().next();
    Instant in = r.getOffsetDateTime(0).toInstant();
    return r.getOffsetDateTime(1) == null
        && Duration.between(in, now).compareTo(Duration.ofHours(OPEN_HOURS)) < 0;
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
