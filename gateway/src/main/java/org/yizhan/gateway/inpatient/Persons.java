package org.yizhan.gateway.inpatient;

import static org.yizhan.gateway.infra.db.Sql.p;
import static org.yizhan.gateway.infra.db.schema.Tables.NHSA_PERSON;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.Sql;

/**
 * psn_no, the national person number, mapped to our person (the resident ID number).
 *
 * <p>A psn_no is assigned the first time 1101 (人员信息获取) names a person by ID number: "YZ" and 28
 * random hex digits (112 bits from {@link SecureRandom}), e.g. {@code
 * YZ3f9a0c4e1b7d2a6f8e5c9b0a1d3e}. It is stable for ever and reveals nothing about the person,
 * unlike the ID number itself, which the other messages then never need to carry; and it cannot be
 * guessed, so nobody can walk the persons by counting (V13 replaced the sequential numbers of
 * before).
 */
public final class Persons {
  public static final Pattern PSN_NO = Pattern.compile("YZ[0-9a-f]{28}");

  /** Random bytes in a psn_no. */
  public static final int RANDOM_BYTES = 14;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A person: the row id, the psn_no, the ID number and the name last given for it. */
  public record Person(long id, String psnNo, String idNo, String name) {}

  public static final String UPSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  NHSA_PERSON,
                  NHSA_PERSON.PERSON_ID_NO,
                  NHSA_PERSON.PSN_NAME,
                  NHSA_PERSON.CREATED_AT,
                  NHSA_PERSON.PSN_NO)
              .values(
                  p(1, NHSA_PERSON.PERSON_ID_NO),
                  p(2, NHSA_PERSON.PSN_NAME),
                  p(3, NHSA_PERSON.CREATED_AT),
                  p(4, NHSA_PERSON.PSN_NO))
              .onConflict(NHSA_PERSON.PERSON_ID_NO)
              .doUpdate()
              .set(
                  NHSA_PERSON.PSN_NAME,
                  DSL.coalesce(DSL.excluded(NHSA_PERSON.PSN_NAME), NHSA_PERSON.PSN_NAME))
              .returning(
                  NHSA_PERSON.ID,
                  NHSA_PERSON.PSN_NO,
                  NHSA_PERSON.PERSON_ID_NO,
                  NHSA_PERSON.PSN_NAME));

  public static final String FIND =
      Sql.render(
          Sql.dsl()
              .select(
                  NHSA_PERSON.ID,
                  NHSA_PERSON.PSN_NO,
                  NHSA_PERSON.PERSON_ID_NO,
                  NHSA_PERSON.PSN_NAME)
              .from(NHSA_PERSON)
              .where(NHSA_PERSON.PSN_NO.eq(p(1, NHSA_PERSON.PSN_NO))));

  private Persons() {}

  /** A new random psn_no. */
  public static String newNumber() {
    byte[] b = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(b);
    return "YZ" + HexFormat.of().formatHex(b);
  }

  /** The person of an ID number, created (with a new psn_no) on first sight. */
  public static Future<Person> ofIdNo(SqlClient client, String idNo, String name, Instant now) {
    return client
        .preparedQuery(UPSERT)
        .execute(Tuple.of(idNo, name, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), newNumber()))
        .map(rows -> person(rows.iterator().next()));
  }

  private static Person person(Row r) {
    return new Person(
        r.getLong("id"),
        r.getString("psn_no"),
        r.getString("person_id_no"),
        r.getString("psn_name"));
  }

  /** The person of a psn_no; refused, naming {@code field}, when it was never assigned. */
  public static Future<Person> ofPsnNo(SqlClient client, String psnNo, String field) {
    if (!PSN_NO.matcher(psnNo).matches()) {
      return Future.failedFuture(unknown(field));
    }
    return client
        .preparedQuery(FIND)
        .execute(Tuple.of(psnNo))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw unknown(field);
              }
              return person(rows.iterator().next());
            });
  }

  public static NhsaError unknown(String field) {
    return NhsaError.invalid(field, "is not a known psn_no; obtain it with 1101 first");
  }
}
