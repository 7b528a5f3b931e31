package org.yizhan.gateway.nhsa;

import static org.yizhan.gateway.store.Sql.p;
import static org.yizhan.gateway.store.schema.Tables.NHSA_PERSON;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;
import org.yizhan.gateway.store.Sql;

/**
 * psn_no, the national person number, mapped to our person (the resident ID number).
 *
 * <p>A psn_no is assigned the first time 1101 (人员信息获取) names a person by ID number: "YZ" and the
 * row id of table nhsa_person in 18 digits, e.g. {@code YZ000000000000000001}. It is stable for
 * ever and reveals nothing about the person, unlike the ID number itself, which the other messages
 * then never need to carry.
 */
final class Persons {
  static final Pattern PSN_NO = Pattern.compile("YZ[0-9]{18}");

  /** A person: the ID number and the name last given for it. */
  record Person(long id, String idNo, String name) {
    String psnNo() {
      return number(id);
    }
  }

  static final String UPSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_PERSON,
                  NHSA_PERSON.PERSON_ID_NO,
                  NHSA_PERSON.PSN_NAME,
                  NHSA_PERSON.CREATED_AT)
              .values(
                  p(1, NHSA_PERSON.PERSON_ID_NO),
                  p(2, NHSA_PERSON.PSN_NAME),
                  p(3, NHSA_PERSON.CREATED_AT))
              .onConflict(NHSA_PERSON.PERSON_ID_NO)
              .doUpdate()
              .set(
                  NHSA_PERSON.PSN_NAME,
                  DSL.coalesce(DSL.excluded(NHSA_PERSON.PSN_NAME), NHSA_PERSON.PSN_NAME))
              .returning(NHSA_PERSON.ID, NHSA_PERSON.PERSON_ID_NO, NHSA_PERSON.PSN_NAME));

  static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(NHSA_PERSON.ID, NHSA_PERSON.PERSON_ID_NO, NHSA_PERSON.PSN_NAME)
              .from(NHSA_PERSON)
              .where(NHSA_PERSON.ID.eq(p(1, NHSA_PERSON.ID))));

  private Persons() {}

  /** The psn_no of a person row id. */
  static String number(long id) {
    return String.format("YZ%018d", id);
  }

  /** The person of an ID number, created (with a new psn_no) on first sight. */
  static Future<Person> ofIdNo(SqlClient client, String idNo, String name, Instant now) {
    return client
        .preparedQuery(UPSERT)
        .execute(Tuple.of(idNo, name, OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .map(
            rows -> {
              var r = rows.iterator().next();
              return new Person(
                  r.getLong("id"), r.getString("person_id_no"), r.getString("psn_name"));
            });
  }

  /** The person of a psn_no; refused, naming {@code field}, when it was never assigned. */
  static Future<Person> ofPsnNo(SqlClient client, String psnNo, String field) {
    if (!PSN_NO.matcher(psnNo).matches()) {
      return Future.failedFuture(unknown(field));
    }
    return client
        .preparedQuery(FIND)
        .execute(Tuple.of(Long.parseLong(psnNo.substring(2))))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw unknown(field);
              }
              var r = rows.iterator().next();
              return new Person(
                  r.getLong("id"), r.getString("person_id_no"), r.getString("psn_name"));
            });
  }

  private static NhsaError unknown(String field) {
    return NhsaError.invalid(field, "is not a known psn_no; obtain it with 1101 first");
  }
}
