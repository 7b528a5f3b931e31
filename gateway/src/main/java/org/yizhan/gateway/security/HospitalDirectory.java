package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The hospitals registered with the gateway (synchronised from the configuration at start), as the
 * managers' page lists them to open prepayment accounts.
 */
public final class HospitalDirectory {
  static final String ALL =
      Sql.render(
          Sql.dsl()
              .select(HOSPITAL.CODE, HOSPITAL.NAME, HOSPITAL.HOSPITAL_LEVEL)
              .from(HOSPITAL)
              .orderBy(HOSPITAL.CODE));

  /** A registered hospital: its code, name and level (1–3). */
  public record Listed(String code, String name, int level) {}

  private HospitalDirectory() {}

  /** Every registered hospital, by code. */
  public static Future<List<Listed>> all(SqlClient client) {
    return client
        .preparedQuery(ALL)
        .execute()
        .map(
            rows -> {
              List<Listed> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                out.add(
                    new Listed(
                        r.getString("code"), r.getString("name"), r.getInteger("hospital_level")));
              }
              return out;
            });
  }
}
