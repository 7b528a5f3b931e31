package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_MESSAGE;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The message log (table nhsa_message): one entry per msgid of a hospital, written in the same
 * transaction as the message's effect. An entry is DONE (it holds the answer, replayed byte for
 * byte when the message comes again) or VOIDED (a 2601 named the msgid before the message arrived,
 * so it is refused if it ever does); {@code voided_by} is the 2601 that undid it.
 */
public final class MessageLog {
  public static final String DONE = "DONE";
  public static final String VOIDED = "VOIDED";

  /** An entry of the log. */
  public record Entry(
      String infno,
      String state,
      String requestSha256,
      String response,
      String mdtrtId,
      UUID settlementId,
      String voidedBy) {}

  private static final SelectConditionStep<?> SELECT =
      Sql.dsl()
          .select(
              NHSA_MESSAGE.INFNO,
              NHSA_MESSAGE.STATE,
              NHSA_MESSAGE.REQUEST_SHA256,
              NHSA_MESSAGE.RESPONSE,
              NHSA_MESSAGE.MDTRT_ID,
              NHSA_MESSAGE.SETTLEMENT_ID,
              NHSA_MESSAGE.VOIDED_BY)
          .from(NHSA_MESSAGE)
          .where(NHSA_MESSAGE.HOSPITAL_CODE.eq(p(1, NHSA_MESSAGE.HOSPITAL_CODE)))
          .and(NHSA_MESSAGE.MSGID.eq(p(2, NHSA_MESSAGE.MSGID)));

  public static final String FIND = Sql.render(SELECT);
  public static final String LOCK = Sql.render(SELECT.forUpdate());

  public static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_MESSAGE,
                  NHSA_MESSAGE.HOSPITAL_CODE,
                  NHSA_MESSAGE.MSGID,
                  NHSA_MESSAGE.INFNO,
                  NHSA_MESSAGE.STATE,
                  NHSA_MESSAGE.REQUEST_SHA256,
                  NHSA_MESSAGE.RESPONSE,
                  NHSA_MESSAGE.MDTRT_ID,
                  NHSA_MESSAGE.SETTLEMENT_ID,
                  NHSA_MESSAGE.VOIDED_BY,
                  NHSA_MESSAGE.CREATED_AT)
              .values(
                  p(1, NHSA_MESSAGE.HOSPITAL_CODE),
                  p(2, NHSA_MESSAGE.MSGID),
                  p(3, NHSA_MESSAGE.INFNO),
                  p(4, NHSA_MESSAGE.STATE),
                  p(5, NHSA_MESSAGE.REQUEST_SHA256),
                  p(6, NHSA_MESSAGE.RESPONSE),
                  p(7, NHSA_MESSAGE.MDTRT_ID),
                  p(8, NHSA_MESSAGE.SETTLEMENT_ID),
                  p(9, NHSA_MESSAGE.VOIDED_BY),
                  p(10, NHSA_MESSAGE.CREATED_AT))
              .onConflict(NHSA_MESSAGE.HOSPITAL_CODE, NHSA_MESSAGE.MSGID)
              .doNothing());

  public static final String MARK_VOIDED =
      Sql.render(
          Sql.dsl()
              .update(NHSA_MESSAGE)
              .set(NHSA_MESSAGE.VOIDED_BY, p(3, NHSA_MESSAGE.VOIDED_BY))
              .where(NHSA_MESSAGE.HOSPITAL_CODE.eq(p(1, NHSA_MESSAGE.HOSPITAL_CODE)))
              .and(NHSA_MESSAGE.MSGID.eq(p(2, NHSA_MESSAGE.MSGID)))
              .and(NHSA_MESSAGE.VOIDED_BY.isNull())
              .and(NHSA_MESSAGE.STATE.eq(DSL.inline(DONE))));

  private MessageLog() {}

  /** The entry of {@code msgid}, or {@code null}. */
  public static Future<Entry> find(SqlClient client, String hospital, String msgid) {
    return client.preparedQuery(FIND).execute(Tuple.of(hospital, msgid)).map(MessageLog::entry);
  }

  /** The entry of {@code msgid} locked for the transaction, or {@code null}. */
  public static Future<Entry> lock(SqlConnection conn, String hospital, String msgid) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(hospital, msgid)).map(MessageLog::entry);
  }

  /**
   * Records a message's answer; {@code false} when the msgid has an entry already.
   *
   * @param mdtrtId the admission the message concerns, or null
   * @param settlementId the settlement it made, or null
   */
  public static Future<Boolean> insertDone(
      SqlConnection conn,
      String hospital,
      String msgid,
      String infno,
      String requestSha256,
      String answer,
      String mdtrtId,
      UUID settlementId,
      Instant now) {
    return conn.preparedQuery(INSERT)
        .execute(
            Tuple.tuple()
                .addString(hospital)
                .addString(msgid)
                .addString(infno)
                .addString(DONE)
                .addString(requestSha256)
                .addString(answer)
                .addString(mdtrtId)
                .addUUID(settlementId)
                .addString(null)
                .addOffsetDateTime(OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Voids a msgid not seen yet; {@code false} when it has an entry already. */
  public static Future<Boolean> insertVoided(
      SqlConnection conn, String hospital, String msgid, String infno, String by, Instant now) {
    return conn.preparedQuery(INSERT)
        .execute(
            Tuple.tuple()
                .addString(hospital)
                .addString(msgid)
                .addString(infno)
                .addString(VOIDED)
                .addString(null)
                .addString(null)
                .addString(null)
                .addUUID(null)
                .addString(by)
                .addOffsetDateTime(OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Marks a done message as undone by the 2601 {@code by}. */
  public static Future<Void> markVoided(
      SqlConnection conn, String hospital, String msgid, String by) {
    return conn.preparedQuery(MARK_VOIDED).execute(Tuple.of(hospital, msgid, by)).mapEmpty();
  }

  private static Entry entry(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row r = rows.iterator().next();
    return new Entry(
        r.getString("infno"),
        r.getString("state"),
        r.getString("request_sha256"),
        r.getString("response"),
        r.getString("mdtrt_id"),
        r.getUUID("settlement_id"),
        r.getString("voided_by"));
  }
}
