package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_ADMISSION;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_DISCHARGE;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_FEE;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_PERSON;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import org.jooq.Field;
import org.jooq.SelectConditionStep;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.settlement.SettlementView;

/**
 * The SQL of admissions, fee details and discharges, rendered once from the generated schema. The
 * three tables share one pattern (see V7): a row is made by a message ({@code msgid}) and undone by
 * another ({@code undone_msgid}); {@link #undoLive}, {@link #undoOfMessage} and {@link #restore}
 * build the three updates of that pattern for each table.
 */
public final class AdmissionStatements {
  private AdmissionStatements() {}

  private static final SelectConditionStep<?> SELECT =
      Sql.dsl()
          .select(
              NHSA_ADMISSION.MDTRT_ID,
              NHSA_ADMISSION.PERSON_ID,
              NHSA_ADMISSION.INSUTYPE,
              NHSA_ADMISSION.OFFICE_CODE,
              NHSA_ADMISSION.MED_TYPE,
              NHSA_ADMISSION.IPT_NO,
              NHSA_ADMISSION.BEGNTIME,
              NHSA_ADMISSION.VERSION,
              NHSA_ADMISSION.UNDONE_MSGID,
              NHSA_ADMISSION.MDTRT_CERT_TYPE,
              NHSA_PERSON.PSN_NO,
              NHSA_PERSON.PERSON_ID_NO,
              NHSA_PERSON.PSN_NAME,
              NHSA_DISCHARGE.ENDTIME)
          .from(NHSA_ADMISSION)
          .join(NHSA_PERSON)
          .on(NHSA_PERSON.ID.eq(NHSA_ADMISSION.PERSON_ID))
          .leftJoin(NHSA_DISCHARGE)
          .on(NHSA_DISCHARGE.MDTRT_ID.eq(NHSA_ADMISSION.MDTRT_ID))
          .and(NHSA_DISCHARGE.UNDONE_MSGID.isNull())
          .where(NHSA_ADMISSION.MDTRT_ID.eq(p(1, NHSA_ADMISSION.MDTRT_ID)))
          .and(NHSA_ADMISSION.HOSPITAL_CODE.eq(p(2, NHSA_ADMISSION.HOSPITAL_CODE)));

  public static final String FIND = Sql.render(SELECT);

  public static final String LOCK = Sql.render(SELECT.forUpdate().of(NHSA_ADMISSION));

  public static final String INSERT_ADMISSION =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_ADMISSION,
                  NHSA_ADMISSION.MDTRT_ID,
                  NHSA_ADMISSION.HOSPITAL_CODE,
                  NHSA_ADMISSION.PERSON_ID,
                  NHSA_ADMISSION.INSUTYPE,
                  NHSA_ADMISSION.OFFICE_CODE,
                  NHSA_ADMISSION.MED_TYPE,
                  NHSA_ADMISSION.IPT_NO,
                  NHSA_ADMISSION.BEGNTIME,
                  NHSA_ADMISSION.MSGID,
                  NHSA_ADMISSION.CREATED_AT,
                  NHSA_ADMISSION.MDTRT_CERT_TYPE)
              .values(
                  p(1, NHSA_ADMISSION.MDTRT_ID),
                  p(2, NHSA_ADMISSION.HOSPITAL_CODE),
                  p(3, NHSA_ADMISSION.PERSON_ID),
                  p(4, NHSA_ADMISSION.INSUTYPE),
                  p(5, NHSA_ADMISSION.OFFICE_CODE),
                  p(6, NHSA_ADMISSION.MED_TYPE),
                  p(7, NHSA_ADMISSION.IPT_NO),
                  p(8, NHSA_ADMISSION.BEGNTIME),
                  p(9, NHSA_ADMISSION.MSGID),
                  p(10, NHSA_ADMISSION.CREATED_AT),
                  p(11, NHSA_ADMISSION.MDTRT_CERT_TYPE)));

  public static final String BUMP_VERSION =
      Sql.render(
          Sql.dsl()
              .update(NHSA_ADMISSION)
              .set(NHSA_ADMISSION.VERSION, NHSA_ADMISSION.VERSION.plus(DSL.inline(1)))
              .where(NHSA_ADMISSION.MDTRT_ID.eq(p(1, NHSA_ADMISSION.MDTRT_ID))));

  public static final String LIVE_FEES =
      Sql.render(
          Sql.dsl()
              .select(
                  NHSA_FEE.FEEDETL_SN,
                  NHSA_FEE.MED_LIST_CODG,
                  NHSA_FEE.MEDINS_LIST_CODG,
                  NHSA_FEE.CNT,
                  NHSA_FEE.PRIC,
                  NHSA_FEE.DET_ITEM_FEE_SUMAMT,
                  NHSA_FEE.FEE_OCUR_TIME,
                  NHSA_FEE.INIT_FEEDETL_SN)
              .from(NHSA_FEE)
              .where(NHSA_FEE.MDTRT_ID.eq(p(1, NHSA_FEE.MDTRT_ID)))
              .and(NHSA_FEE.UNDONE_MSGID.isNull())
              .orderBy(NHSA_FEE.ID));

  /** Fee details of one message as parallel arrays ($3…$9), one round trip for all. */
  public static final String INSERT_FEES =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_FEE,
                  NHSA_FEE.MDTRT_ID,
                  NHSA_FEE.MSGID,
                  NHSA_FEE.CREATED_AT,
                  NHSA_FEE.FEEDETL_SN,
                  NHSA_FEE.MED_LIST_CODG,
                  NHSA_FEE.MEDINS_LIST_CODG,
                  NHSA_FEE.CNT,
                  NHSA_FEE.PRIC,
                  NHSA_FEE.DET_ITEM_FEE_SUMAMT,
                  NHSA_FEE.FEE_OCUR_TIME,
                  NHSA_FEE.INIT_FEEDETL_SN)
              .select(
                  DSL.select(
                          p(1, NHSA_FEE.MDTRT_ID),
                          p(2, NHSA_FEE.MSGID),
                          p(3, NHSA_FEE.CREATED_AT),
                          DSL.field("f.sn", String.class),
                          DSL.field("f.codg", String.class),
                          DSL.field("f.medins", String.class),
                          DSL.field("f.cnt", BigDecimal.class),
                          DSL.field("f.pric", BigDecimal.class),
                          DSL.field("f.amt", BigDecimal.class),
                          DSL.field("f.at", LocalDateTime.class),
                          DSL.field("f.init", String.class))
                      .from(
                          Sql.unnest(
                              "f (sn, codg, medins, cnt, pric, amt, at, init)",
                              Sql.array(4, "varchar"),
                              Sql.array(5, "varchar"),
                              Sql.array(6, "varchar"),
                              Sql.array(7, "numeric"),
                              Sql.array(8, "numeric"),
                              Sql.array(9, "numeric"),
                              Sql.array(10, "timestamp"),
                              Sql.array(11, "varchar")))));

  public static final String INSERT_DISCHARGE =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_DISCHARGE,
                  NHSA_DISCHARGE.MDTRT_ID,
                  NHSA_DISCHARGE.ENDTIME,
                  NHSA_DISCHARGE.MSGID,
                  NHSA_DISCHARGE.CREATED_AT)
              .values(
                  p(1, NHSA_DISCHARGE.MDTRT_ID),
                  p(2, NHSA_DISCHARGE.ENDTIME),
                  p(3, NHSA_DISCHARGE.MSGID),
                  p(4, NHSA_DISCHARGE.CREATED_AT)));

  /** The live settlement of an admission ($2 = mdtrt_id as the claim number). */
  public static final String LIVE_SETTLEMENT =
      Sql.render(
          Sql.dsl()
              .select(SETTLEMENT.ID)
              .from(SETTLEMENT)
              .where(SETTLEMENT.HOSPITAL_CODE.eq(p(1, SETTLEMENT.HOSPITAL_CODE)))
              .and(SETTLEMENT.CLAIM_NO.eq(p(2, SETTLEMENT.CLAIM_NO)))
              .and(SETTLEMENT.STATUS.eq(DSL.inline(SettlementView.SETTLED))));

  /**
   * Undoes the live rows of admission $1 by message $2; with {@code bySn}, only fee details whose
   * feedetl_sn is in $3. Returns the fee numbers undone (fee details) or the mdtrt_id.
   */
  public static String undoLive(Table<?> t, boolean bySn) {
    var q =
        Sql.dsl()
            .update(t)
            .set(undone(t), p(2, undone(t)))
            .where(mdtrt(t).eq(p(1, mdtrt(t))))
            .and(undone(t).isNull());
    if (bySn) {
      q = q.and(NHSA_FEE.FEEDETL_SN.eq(DSL.any(Sql.array(3, "varchar").coerce(String[].class))));
    }
    return Sql.render(q.returning(t == NHSA_FEE ? NHSA_FEE.FEEDETL_SN : mdtrt(t)));
  }

  /** Undoes, by message $3, the live rows of admission $1 that message $2 made (2601). */
  public static String undoOfMessage(Table<?> t) {
    return Sql.render(
        Sql.dsl()
            .update(t)
            .set(undone(t), p(3, undone(t)))
            .where(mdtrt(t).eq(p(1, mdtrt(t))))
            .and(msgid(t).eq(p(2, msgid(t))))
            .and(undone(t).isNull()));
  }

  /** Makes live again the rows of admission $1 that message $2 undid (2601 of an undo). */
  public static String restore(Table<?> t) {
    return Sql.render(
        Sql.dsl()
            .update(t)
            .set(undone(t), DSL.inline((String) null))
            .where(mdtrt(t).eq(p(1, mdtrt(t))))
            .and(undone(t).eq(p(2, undone(t)))));
  }

  private static Field<String> mdtrt(Table<?> t) {
    return t.field("mdtrt_id", String.class);
  }

  private static Field<String> msgid(Table<?> t) {
    return t.field("msgid", String.class);
  }

  private static Field<String> undone(Table<?> t) {
    return t.field("undone_msgid", String.class);
  }
}
