package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_FILE;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The national interface's files (table nhsa_file, V18): those a hospital uploaded with 9101 and
 * those the gateway made for it to download (3202's result), each the hospital's own and kept until
 * its time is over. The national door decides how a file is sent, read and how long it is kept;
 * this is only its record.
 */
public final class UploadedFiles {
  /** A kept file's bytes (as sent) and the instant its time is over. */
  public record Kept(byte[] content, Instant until) {}

  private static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_FILE,
                  NHSA_FILE.FILE_QURY_NO,
                  NHSA_FILE.HOSPITAL_CODE,
                  NHSA_FILE.FILENAME,
                  NHSA_FILE.CONTENT,
                  NHSA_FILE.SIZE_BYTES,
                  NHSA_FILE.SHA256,
                  NHSA_FILE.MSGID,
                  NHSA_FILE.CREATED_AT,
                  NHSA_FILE.EXPIRES_AT)
              .values(
                  p(1, NHSA_FILE.FILE_QURY_NO),
                  p(2, NHSA_FILE.HOSPITAL_CODE),
                  p(3, NHSA_FILE.FILENAME),
                  p(4, NHSA_FILE.CONTENT),
                  p(5, NHSA_FILE.SIZE_BYTES),
                  p(6, NHSA_FILE.SHA256),
                  p(7, NHSA_FILE.MSGID),
                  p(8, NHSA_FILE.CREATED_AT),
                  p(9, NHSA_FILE.EXPIRES_AT)));

  /** The hospital's files past their time go when it stores the next. */
  private static final String DELETE_EXPIRED =
      Sql.render(
          Sql.dsl()
              .deleteFrom(NHSA_FILE)
              .where(NHSA_FILE.HOSPITAL_CODE.eq(p(1, NHSA_FILE.HOSPITAL_CODE)))
              .and(NHSA_FILE.EXPIRES_AT.lt(p(2, NHSA_FILE.EXPIRES_AT))));

  private static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(NHSA_FILE.CONTENT, NHSA_FILE.EXPIRES_AT)
              .from(NHSA_FILE)
              .where(NHSA_FILE.FILE_QURY_NO.eq(p(1, NHSA_FILE.FILE_QURY_NO)))
              .and(NHSA_FILE.HOSPITAL_CODE.eq(p(2, NHSA_FILE.HOSPITAL_CODE))));

  private UploadedFiles() {}

  /**
   * Stores a file as the hospital's, in the caller's transaction, first dropping the hospital's
   * files whose time was over at {@code now}.
   */
  public static Future<Void> store(
      SqlClient db,
      String fileQuryNo,
      String hospital,
      String filename,
      byte[] bytes,
      String sha256,
      String msgid,
      Instant now,
      Instant until) {
    Tuple row =
        Tuple.tuple()
            .addString(fileQuryNo)
            .addString(hospital)
            .addString(filename)
            .addBuffer(Buffer.buffer(bytes))
            .addInteger(bytes.length)
            .addString(sha256)
            .addString(msgid)
            .addOffsetDateTime(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .addOffsetDateTime(OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
    return db.preparedQuery(DELETE_EXPIRED)
        .execute(Tuple.of(hospital, OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .compose(v -> db.preparedQuery(INSERT).execute(row))
        .mapEmpty();
  }

  /** The hospital's file {@code fileQuryNo}, or {@code null} (another hospital's is none). */
  public static Future<Kept> find(SqlClient db, String fileQuryNo, String hospital) {
    return db.preparedQuery(FIND)
        .execute(Tuple.of(fileQuryNo, hospital))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Kept(
                  r.getBuffer("content").getBytes(), r.getOffsetDateTime("expires_at").toInstant());
            });
  }
}
