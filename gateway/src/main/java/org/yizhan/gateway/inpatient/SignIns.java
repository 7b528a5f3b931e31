package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_SIGN_IN;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The national interface's sign-ins (9001 签到, 9002 签退), kept in table nhsa_sign_in (V17) so a
 * sign_no outlives a restart. The national door decides what a sign-in means (how long it stays
 * open, which hospitals require one); this is only its record.
 */
public final class SignIns {
  /** A sign-in: its number, when it was made and when it was closed ({@code null} while open). */
  public record SignIn(String signNo, Instant signedIn, Instant signedOut) {}

  private static final String OPEN_SINCE =
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

  private SignIns() {}

  /** The newest sign-in of an operator of a hospital made since {@code since} and still open. */
  public static Future<SignIn> openSince(
      SqlClient db, String hospital, String opter, OffsetDateTime since) {
    return db.preparedQuery(OPEN_SINCE)
        .execute(Tuple.of(hospital, opter, since))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new SignIn(r.getString(0), r.getOffsetDateTime(1).toInstant(), null);
            });
  }

  /** A hospital's sign-in by its number, or {@code null}. */
  public static Future<SignIn> find(SqlClient db, String signNo, String hospital) {
    return db.preparedQuery(FIND)
        .execute(Tuple.of(signNo, hospital))
        .map(rows -> one(signNo, rows));
  }

  private static SignIn one(String signNo, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row r = rows.iterator().next();
    OffsetDateTime out = r.getOffsetDateTime(1);
    return new SignIn(
        signNo, r.getOffsetDateTime(0).toInstant(), out == null ? null : out.toInstant());
  }

  /** Records a new sign-in. */
  public static Future<Void> insert(
      SqlClient db,
      String signNo,
      String hospital,
      String opter,
      String mac,
      String ip,
      String msgid,
      Instant at) {
    Tuple row =
        Tuple.tuple()
            .addString(signNo)
            .addString(hospital)
            .addString(opter)
            .addString(mac)
            .addString(ip)
            .addString(msgid)
            .addOffsetDateTime(at.atOffset(ZoneOffset.UTC));
    return db.preparedQuery(INSERT).execute(row).mapEmpty();
  }

  /** Closes an open sign-in (a closed one stays as it was). */
  public static Future<Void> signOut(SqlClient db, String signNo, String hospital, Instant at) {
    return db.preparedQuery(SIGN_OUT)
        .execute(Tuple.of(signNo, hospital, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
