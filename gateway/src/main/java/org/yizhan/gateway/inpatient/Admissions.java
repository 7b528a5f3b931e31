package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_ADMISSION;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_DISCHARGE;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_FEE;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jooq.Table;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;

/**
 * Admissions (mdtrt), their fee details and discharges, read and changed inside the caller's
 * transaction.
 *
 * <p>Every change locks the admission row first ({@link #lockForChange}), which also checks that
 * the admission is the hospital's, not cancelled, the named person's, and not settled: a settled
 * admission is frozen until 2305 reverses its settlement. Every change then bumps the admission's
 * version, so that a settlement computed meanwhile notices (see {@code SettlementTransactions}).
 */
public final class Admissions {
  /** An admission with its person and its live discharge time ({@code null} if none). */
  public record Admission(
      String mdtrtId,
      long personId,
      String psnNo,
      String idNo,
      String name,
      String insutype,
      String officeCode,
      String medType,
      String iptNo,
      LocalDateTime begntime,
      int version,
      boolean cancelled,
      LocalDateTime endtime,
      String mdtrtCertType) {
    /** The certificate type 2401 was sent with; 02 (ID number) when it sent none. */
    public String certType() {
      return mdtrtCertType == null ? "02" : mdtrtCertType;
    }
  }

  /**
   * A live fee detail; quantity in 1/10000, price in 1/1000000 yuan, amount in fen. A 退单 line
   * (refund) has a negative quantity and amount and names the line it takes back in {@code initSn};
   * {@code initSn} is {@code null} on an ordinary line.
   */
  public record Fee(
      String sn,
      String codg,
      String medinsCodg,
      long cntE4,
      long pricE6,
      long amountFen,
      LocalDateTime at,
      String initSn) {
    public boolean refund() {
      return initSn != null;
    }
  }

  /** The three kinds of row a message makes or undoes, with their pre-rendered updates. */
  public enum Kind {
    ADMISSION(NHSA_ADMISSION),
    DISCHARGE(NHSA_DISCHARGE),
    FEE(NHSA_FEE);

    final String undoLive;
    final String undoOfMessage;
    final String restore;

    Kind(Table<?> t) {
      undoLive = AdmissionStatements.undoLive(t, false);
      undoOfMessage = AdmissionStatements.undoOfMessage(t);
      restore = AdmissionStatements.restore(t);
    }
  }

  public static final String UNDO_FEES_BY_SN = AdmissionStatements.undoLive(NHSA_FEE, true);

  private Admissions() {}

  public static Future<Admission> find(
      SqlClient client, String hospital, String mdtrtId, String field) {
    return client
        .preparedQuery(AdmissionStatements.FIND)
        .execute(Tuple.of(mdtrtId, hospital))
        .map(rows -> admission(rows, mdtrtId, field));
  }

  /** Locks the admission row for the rest of the transaction. */
  public static Future<Admission> lock(
      SqlConnection conn, String hospital, String mdtrtId, String field) {
    return conn.preparedQuery(AdmissionStatements.LOCK)
        .execute(Tuple.of(mdtrtId, hospital))
        .map(rows -> admission(rows, mdtrtId, field));
  }

  /** Locks the admission for a change, checking it may change; see the class comment. */
  public static Future<Admission> lockForChange(
      SqlConnection conn, String hospital, String mdtrtId, String psnNo, String field) {
    return lock(conn, hospital, mdtrtId, field)
        .compose(
            a -> {
              if (a.cancelled()) {
                throw NhsaError.invalid(field, "names an admission that was cancelled (2404)");
              }
              checkPerson(a, psnNo, field.replaceFirst("mdtrt_id$", "psn_no"));
              return requireUnsettled(conn, hospital, mdtrtId).map(v -> a);
            });
  }

  public static void checkPerson(Admission a, String psnNo, String field) {
    if (psnNo != null && !psnNo.equals(a.psnNo())) {
      throw NhsaError.invalid(field, "is not the person of the admission (mdtrt_id)");
    }
  }

  public static Future<Void> requireUnsettled(SqlClient client, String hospital, String mdtrtId) {
    return client
        .preparedQuery(AdmissionStatements.LIVE_SETTLEMENT)
        .execute(Tuple.of(hospital, mdtrtId))
        .map(
            rows -> {
              if (rows.size() > 0) {
                throw new NhsaError(
                    "mdtrt_id "
                        + mdtrtId
                        + " is settled (setl_id "
                        + SetlIds.encode(rows.iterator().next().getUUID("id"))
                        + "); reverse it with 2305 before changing the admission");
              }
              return null;
            });
  }

  public static Future<Void> bumpVersion(SqlConnection conn, String mdtrtId) {
    return conn.preparedQuery(AdmissionStatements.BUMP_VERSION)
        .execute(Tuple.of(mdtrtId))
        .mapEmpty();
  }

  public static Future<List<Fee>> liveFees(SqlClient client, String mdtrtId) {
    return client
        .preparedQuery(AdmissionStatements.LIVE_FEES)
        .execute(Tuple.of(mdtrtId))
        .map(
            rows -> {
              List<Fee> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                out.add(
                    new Fee(
                        r.getString("feedetl_sn"),
                        r.getString("med_list_codg"),
                        r.getString("medins_list_codg"),
                        unscaled(r, "cnt", ClaimLine.QUANTITY_DECIMALS),
                        unscaled(r, "pric", ClaimLine.PRICE_DECIMALS),
                        unscaled(r, "det_item_fee_sumamt", 2),
                        r.getLocalDateTime("fee_ocur_time"),
                        r.getString("init_feedetl_sn")));
              }
              return out;
            });
  }

  public static Future<Void> insertAdmission(
      SqlConnection conn, String hospital, Admission a, String msgid, Instant now) {
    Future<RowSet<Row>> insert =
        conn.preparedQuery(AdmissionStatements.INSERT_ADMISSION)
            .execute(
                Tuple.tuple()
                    .addString(a.mdtrtId())
                    .addString(hospital)
                    .addLong(a.personId())
                    .addString(a.insutype())
                    .addString(a.officeCode())
                    .addString(a.medType())
                    .addString(a.iptNo())
                    .addLocalDateTime(a.begntime())
                    .addString(msgid)
                    .addOffsetDateTime(utc(now))
                    .addString(a.mdtrtCertType()));
    return unique(insert, "input.mdtrtinfo.ipt_no " + a.iptNo() + " is admitted already")
        .mapEmpty();
  }

  public static Future<Void> insertFees(
      SqlConnection conn, String mdtrtId, List<Fee> fees, String msgid, Instant now) {
    int n = fees.size();
    String[] sn = new String[n];
    String[] codg = new String[n];
    String[] medins = new String[n];
    BigDecimal[] cnt = new BigDecimal[n];
    BigDecimal[] pric = new BigDecimal[n];
    BigDecimal[] amt = new BigDecimal[n];
    LocalDateTime[] at = new LocalDateTime[n];
    String[] init = new String[n];
    for (int i = 0; i < n; i++) {
      Fee f = fees.get(i);
      sn[i] = f.sn();
      codg[i] = f.codg();
      medins[i] = f.medinsCodg();
      cnt[i] = BigDecimal.valueOf(f.cntE4(), ClaimLine.QUANTITY_DECIMALS);
      pric[i] = BigDecimal.valueOf(f.pricE6(), ClaimLine.PRICE_DECIMALS);
      amt[i] = Fen.toYuan(f.amountFen());
      at[i] = f.at();
      init[i] = f.initSn();
    }
    Tuple t =
        Tuple.tuple()
            .addString(mdtrtId)
            .addString(msgid)
            .addOffsetDateTime(utc(now))
            .addArrayOfString(sn)
            .addArrayOfString(codg)
            .addArrayOfString(medins)
            .addArrayOfBigDecimal(cnt)
            .addArrayOfBigDecimal(pric)
            .addArrayOfBigDecimal(amt)
            .addArrayOfLocalDateTime(at)
            .addArrayOfString(init);
    return unique(
            conn.preparedQuery(AdmissionStatements.INSERT_FEES).execute(t),
            "input.feedetail: a feedetl_sn is uploaded already; undo it with 2302 first")
        .mapEmpty();
  }

  public static Future<Void> insertDischarge(
      SqlConnection conn, String mdtrtId, LocalDateTime endtime, String msgid, Instant now) {
    return unique(
            conn.preparedQuery(AdmissionStatements.INSERT_DISCHARGE)
                .execute(Tuple.of(mdtrtId, endtime, msgid, utc(now))),
            "mdtrt_id " + mdtrtId + " is discharged already; undo it with 2405 first")
        .mapEmpty();
  }

  /** Undoes the live rows of {@code kind} of an admission; the rows' ids or fee numbers. */
  /**
   * Undoes the live rows of {@code kind} of an admission; gives what was undone: the fee lines'
   * numbers (feedetl_sn) for fees, the admission's mdtrt_id otherwise (empty when nothing was).
   */
  public static Future<Set<String>> undoLive(
      SqlConnection conn, Kind kind, String mdtrtId, String byMsgid) {
    return conn.preparedQuery(kind.undoLive)
        .execute(Tuple.of(mdtrtId, byMsgid))
        .map(Admissions::firstColumn);
  }

  /** Undoes the live fee lines {@code sns} of an admission; gives the numbers undone. */
  public static Future<Set<String>> undoFees(
      SqlConnection conn, String mdtrtId, String byMsgid, String[] sns) {
    return conn.preparedQuery(UNDO_FEES_BY_SN)
        .execute(Tuple.of(mdtrtId, byMsgid, sns))
        .map(Admissions::firstColumn);
  }

  private static Set<String> firstColumn(RowSet<Row> rows) {
    Set<String> out = new HashSet<>();
    for (Row r : rows) {
      out.add(r.getString(0));
    }
    return out;
  }

  /** 2601 of a message that made rows: undoes them. */
  public static Future<Void> undoOfMessage(
      SqlConnection conn, Kind kind, String mdtrtId, String msgid, String byMsgid) {
    return conn.preparedQuery(kind.undoOfMessage)
        .execute(Tuple.of(mdtrtId, msgid, byMsgid))
        .mapEmpty();
  }

  /** 2601 of a message that undid rows: makes them live again, if nothing took their place. */
  public static Future<Void> restore(SqlConnection conn, Kind kind, String mdtrtId, String msgid) {
    return unique(
            conn.preparedQuery(kind.restore).execute(Tuple.of(mdtrtId, msgid)),
            "input.data.omsgid: what it undid has been replaced since; it cannot be restored")
        .mapEmpty();
  }

  private static Admission admission(RowSet<Row> rows, String mdtrtId, String field) {
    if (rows.size() == 0) {
      throw NhsaError.invalid(field, "names no admission of this institution");
    }
    Row r = rows.iterator().next();
    return new Admission(
        r.getString("mdtrt_id"),
        r.getLong("person_id"),
        r.getString("psn_no"),
        r.getString("person_id_no"),
        r.getString("psn_name"),
        r.getString("insutype"),
        r.getString("office_code"),
        r.getString("med_type"),
        r.getString("ipt_no"),
        r.getLocalDateTime("begntime"),
        r.getInteger("version"),
        r.getString("undone_msgid") != null,
        r.getLocalDateTime("endtime"),
        r.getString("mdtrt_cert_type"));
  }

  private static long unscaled(Row r, String column, int scale) {
    return r.getNumeric(column).bigDecimalValue().setScale(scale).unscaledValue().longValueExact();
  }

  public static OffsetDateTime utc(Instant now) {
    return OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
  }

  /** Turns a unique violation (a row that already exists) into a refusal saying {@code what}. */
  public static <T> Future<T> unique(Future<T> f, String what) {
    return f.recover(
        e ->
            e instanceof PgException && "23505".equals(((PgException) e).getSqlState())
                ? Future.failedFuture(new NhsaError(what))
                : Future.failedFuture(e));
  }
}
