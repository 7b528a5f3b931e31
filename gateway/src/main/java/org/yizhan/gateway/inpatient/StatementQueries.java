package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.CLAIM;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_PERSON;
import static org.yizhan.gateway.infra.db.schema.Tables.REVERSAL;
import static org.yizhan.gateway.infra.db.schema.Tables.SETTLEMENT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jooq.impl.DSL;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.settlement.ClaimInput;

/**
 * The rows a statement (对账, 3201/3202) compares: for a hospital, a settling office (setl_optins)
 * and a period of days (in the gateway's zone), every settlement made in the period (refd_setl_flag
 * 0, its amounts) and every reversal made in it (refd_setl_flag 1, amounts negated, setl_id the
 * reversal's own id, as 2305 answered it), whichever front door made them: it is one store.
 */
public final class StatementQueries {
  /** The most rows one statement may cover; a longer period must be split. */
  public static final int MAX_ROWS = 100_000;

  /** One settlement or reversal as a statement row; amounts in fen. */
  public record Item(
      String setlId,
      String mdtrtId,
      String psnNo,
      String msgid,
      boolean refund,
      long medfeeFen,
      long fundFen) {}

  public static final String SETTLED =
      Sql.render(
          Sql.dsl()
              .select(
                  SETTLEMENT.ID,
                  SETTLEMENT.CLAIM_NO,
                  SETTLEMENT.TOTAL,
                  SETTLEMENT.FUND_PAY,
                  SETTLEMENT.IDEMPOTENCY_KEY,
                  NHSA_PERSON.PSN_NO)
              .from(SETTLEMENT)
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .leftJoin(NHSA_PERSON)
              .on(NHSA_PERSON.PERSON_ID_NO.eq(SETTLEMENT.PERSON_ID_NO))
              .where(SETTLEMENT.HOSPITAL_CODE.eq(p(1, SETTLEMENT.HOSPITAL_CODE)))
              .and(SETTLEMENT.OFFICE_CODE.eq(p(2, SETTLEMENT.OFFICE_CODE)))
              .and(CLAIM.SCHEME.eq(DSL.inline(ClaimInput.DEFAULT_SCHEME)))
              .and(SETTLEMENT.SETTLED_ON.ge(p(3, SETTLEMENT.SETTLED_ON)))
              .and(SETTLEMENT.SETTLED_ON.le(p(4, SETTLEMENT.SETTLED_ON)))
              .orderBy(SETTLEMENT.SETTLED_AT, SETTLEMENT.ID)
              .limit(DSL.param("5", Integer.class)));

  public static final String REVERSED =
      Sql.render(
          Sql.dsl()
              .select(
                  REVERSAL.ID,
                  SETTLEMENT.CLAIM_NO,
                  REVERSAL.TOTAL,
                  REVERSAL.FUND_PAY,
                  SETTLEMENT.IDEMPOTENCY_KEY,
                  NHSA_PERSON.PSN_NO)
              .from(REVERSAL)
              .join(SETTLEMENT)
              .on(SETTLEMENT.ID.eq(REVERSAL.SETTLEMENT_ID))
              .join(CLAIM)
              .on(CLAIM.ID.eq(SETTLEMENT.CLAIM_ID))
              .leftJoin(NHSA_PERSON)
              .on(NHSA_PERSON.PERSON_ID_NO.eq(SETTLEMENT.PERSON_ID_NO))
              .where(REVERSAL.HOSPITAL_CODE.eq(p(1, REVERSAL.HOSPITAL_CODE)))
              .and(SETTLEMENT.OFFICE_CODE.eq(p(2, SETTLEMENT.OFFICE_CODE)))
              .and(CLAIM.SCHEME.eq(DSL.inline(ClaimInput.DEFAULT_SCHEME)))
              .and(REVERSAL.REVERSED_ON.ge(p(3, REVERSAL.REVERSED_ON)))
              .and(REVERSAL.REVERSED_ON.le(p(4, REVERSAL.REVERSED_ON)))
              .orderBy(REVERSAL.REVERSED_AT, REVERSAL.ID)
              .limit(DSL.param("5", Integer.class)));

  private StatementQueries() {}

  /** Settlements then reversals of the period; refused when more than {@link #MAX_ROWS}. */
  public static Future<List<Item>> items(
      SqlClient client, String hospital, String office, LocalDate from, LocalDate to) {
    Tuple t = Tuple.of(hospital, office, from, to, MAX_ROWS + 1);
    Future<RowSet<Row>> settled = client.preparedQuery(SETTLED).execute(t);
    Future<RowSet<Row>> reversed = client.preparedQuery(REVERSED).execute(t);
    return Future.all(settled, reversed)
        .map(
            done -> {
              if (settled.result().size() + reversed.result().size() > MAX_ROWS) {
                throw NhsaError.invalid(
                    "input.data.stmt_enddate",
                    "the period holds more than " + MAX_ROWS + " settlements; split it");
              }
              List<Item> out = new ArrayList<>();
              settled.result().forEach(r -> out.add(item(r, false)));
              reversed.result().forEach(r -> out.add(item(r, true)));
              return out;
            });
  }

  private static Item item(Row r, boolean refund) {
    String key = r.getString("idempotency_key");
    String psnNo = r.getString(5);
    return new Item(
        SetlIds.encode(r.getUUID(0)),
        r.getString("claim_no"),
        psnNo,
        key != null && key.startsWith("nhsa:") ? key.substring(5) : null,
        refund,
        Fen.fromYuan(r.getNumeric(2).bigDecimalValue()),
        Fen.fromYuan(r.getNumeric(3).bigDecimalValue()));
  }
}
