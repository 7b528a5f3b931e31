package org.yizhan.gateway.identity;

import static org.yizhan.gateway.infra.db.schema.Tables.PERSON_IDENTITY;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.Masking;

/**
 * Identity confirmation (身份确认) by a civil-affairs office: register, confirm, change and end
 * identities, one at a time or a whole roster file at once.
 *
 * <p>History is kept: a change never updates a version in place. It marks the current version
 * superseded and inserts the next, in one transaction with the audit entry and a NOTIFY on {@link
 * IdentityDirectory#CHANNEL}, which makes every gateway instance drop the person's cached
 * identities when the change commits; this instance drops them at once. So the next settlement sees
 * the change, and any past settlement can be explained by the versions recorded before it. A
 * manager sees and changes only identities of their own office.
 */
public final class IdentityService {
  static final String CURRENT_BY_ID =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.IDENTITY_ID.eq(Sql.p(1, PERSON_IDENTITY.IDENTITY_ID)))
              .and(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(2, PERSON_IDENTITY.OFFICE_CODE)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .forUpdate());

  static final String HISTORY =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.IDENTITY_ID.eq(Sql.p(1, PERSON_IDENTITY.IDENTITY_ID)))
              .and(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(2, PERSON_IDENTITY.OFFICE_CODE)))
              .orderBy(PERSON_IDENTITY.VERSION));

  /** Current versions of a person and category, any office, locked: for the overlap check. */
  static final String CURRENT_OF_PERSON =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.PERSON_ID_NO.eq(Sql.p(1, PERSON_IDENTITY.PERSON_ID_NO)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .forUpdate());

  static final String SUPERSEDE =
      Sql.render(
          Sql.dsl()
              .update(PERSON_IDENTITY)
              .set(PERSON_IDENTITY.SUPERSEDED_AT, Sql.p(2, PERSON_IDENTITY.SUPERSEDED_AT))
              .where(PERSON_IDENTITY.ID.eq(Sql.p(1, PERSON_IDENTITY.ID))));

  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  PERSON_IDENTITY,
                  PERSON_IDENTITY.IDENTITY_ID,
                  PERSON_IDENTITY.VERSION,
                  PERSON_IDENTITY.PERSON_ID_NO,
                  PERSON_IDENTITY.PERSON_NAME,
                  PERSON_IDENTITY.OFFICE_CODE,
                  PERSON_IDENTITY.CATEGORY,
                  PERSON_IDENTITY.VALID_FROM,
                  PERSON_IDENTITY.VALID_TO,
                  PERSON_IDENTITY.CONFIRMED,
                  PERSON_IDENTITY.LIFTED_OUT_DATE,
                  PERSON_IDENTITY.RECORDED_AT,
                  PERSON_IDENTITY.RECORDED_BY)
              .values(
                  Sql.p(1, PERSON_IDENTITY.IDENTITY_ID),
                  Sql.p(2, PERSON_IDENTITY.VERSION),
                  Sql.p(3, PERSON_IDENTITY.PERSON_ID_NO),
                  Sql.p(4, PERSON_IDENTITY.PERSON_NAME),
                  Sql.p(5, PERSON_IDENTITY.OFFICE_CODE),
                  Sql.p(6, PERSON_IDENTITY.CATEGORY),
                  Sql.p(7, PERSON_IDENTITY.VALID_FROM),
                  Sql.p(8, PERSON_IDENTITY.VALID_TO),
                  Sql.p(9, PERSON_IDENTITY.CONFIRMED),
                  Sql.p(10, PERSON_IDENTITY.LIFTED_OUT_DATE),
                  Sql.p(11, PERSON_IDENTITY.RECORDED_AT),
                  Sql.p(12, PERSON_IDENTITY.RECORDED_BY))
              .returning(PERSON_IDENTITY.fields()));

  static final String NOTIFY = Sql.notify(IdentityDirectory.CHANNEL);

  /**
   * Current versions of an office: $2 ID-number prefix or name part or null, $3 category or null.
   */
  static final String LIST =
      Sql.render(
          Sql.dsl()
              .selectFrom(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(1, PERSON_IDENTITY.OFFICE_CODE)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .and(
                  DSL.cast(DSL.param("2", String.class), SQLDataType.VARCHAR)
                      .isNull()
                      .or(PERSON_IDENTITY.PERSON_ID_NO.startsWith(DSL.param("2", String.class)))
                      .or(PERSON_IDENTITY.PERSON_NAME.contains(DSL.param("2", String.class))))
              .and(
                  DSL.cast(DSL.param("3", String.class), SQLDataType.VARCHAR)
                      .isNull()
                      .or(PERSON_IDENTITY.CATEGORY.eq(DSL.param("3", String.class))))
              .orderBy(PERSON_IDENTITY.PERSON_ID_NO, PERSON_IDENTITY.CATEGORY)
              .limit(DSL.param("4", Integer.class))
              .offset(DSL.param("5", Integer.class)));

  static final String COUNT =
      Sql.render(
          Sql.dsl()
              .selectCount()
              .from(PERSON_IDENTITY)
              .where(PERSON_IDENTITY.OFFICE_CODE.eq(Sql.p(1, PERSON_IDENTITY.OFFICE_CODE)))
              .and(PERSON_IDENTITY.SUPERSEDED_AT.isNull())
              .and(
                  DSL.cast(DSL.param("2", String.class), SQLDataType.VARCHAR)
                      .isNull()
                      .or(PERSON_IDENTITY.PERSON_ID_NO.startsWith(DSL.param("2", String.class)))
                      .or(PERSON_IDENTITY.PERSON_NAME.contains(DSL.param("2", String.class))))
              .and(
                  DSL.cast(DSL.param("3", String.class), SQLDataType.VARCHAR)
                      .isNull()
                      .or(PERSON_IDENTITY.CATEGORY.eq(DSL.param("3", String.class)))));

  private final Pool pool;
  private final IdentityDirectory directory;
  private final Clock clock;

  /** The gateway's clock, for what reads the date (a roster's latest birth date). */
  Clock clock() {
    return clock;
  }

  public IdentityService(Pool pool, IdentityDirectory directory, Clock clock) {
    this.pool = pool;
    this.directory = directory;
    this.clock = clock;
  }

  /**
   * What a manager asks to record: a new identity, or the new state of an existing one.
   *
   * @param confirmed whether civil affairs confirms it now
   */
  public record Draft(
      String personIdNo,
      String personName,
      IdentityCategory category,
      LocalDate validFrom,
      LocalDate validTo,
      boolean confirmed,
      LocalDate liftedOutDate) {
    public Draft {
      Objects.requireNonNull(personIdNo, "personIdNo");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(validFrom, "validFrom");
    }

    /** This draft, confirmed by civil affairs. */
    public Draft asConfirmed() {
      return new Draft(personIdNo, personName, category, validFrom, validTo, true, liftedOutDate);
    }

    /** This draft, in force until {@code to} (inclusive). */
    public Draft endingOn(LocalDate to) {
      return new Draft(personIdNo, personName, category, validFrom, to, confirmed, liftedOutDate);
    }

    /** Checks what the table's constraints would refuse, naming the field. */
    void check() {
      if (validTo != null && validTo.isBefore(validFrom)) {
        throw Refusal.invalid("validTo", "must not be before validFrom " + validFrom);
      }
      if (liftedOutDate != null && category != IdentityCategory.REGISTERED_POOR) {
        throw Refusal.invalid("liftedOutDate", "applies to REGISTERED_POOR only");
      }
    }

    boolean overlaps(IdentityVersion v) {
      return v.category() == category
          && (v.validTo() == null || !v.validTo().isBefore(validFrom))
          && (validTo == null || !validTo.isBefore(v.validFrom()));
    }
  }

  /** Records a new identity (version 1); refuses one overlapping the person's same category. */
  public Future<IdentityVersion> register(ManagerPrincipal m, Draft d) {
    d.check();
    checkManages(m, d.personIdNo(), "personIdNo");
    return pool.<IdentityVersion>withTransaction(
            conn ->
                conn.preparedQuery(CURRENT_OF_PERSON)
                    .execute(Tuple.of(d.personIdNo()))
                    .compose(
                        rows -> {
                          for (Row r : rows) {
                            if (d.overlaps(version(r))) {
                              return Future.failedFuture(
                                  new Refusal(
                                      Refusal.Kind.CONFLICT,
                                      "IDENTITY_OVERLAP",
                                      "validFrom",
                                      "validFrom: the person already holds "
                                          + d.category()
                                          + " from "
                                          + r.getLocalDate("valid_from")
                                          + " (identity "
                                          + r.getUUID("identity_id")
                                          + ")"));
                            }
                          }
                          return write(conn, m, UUID.randomUUID(), 1, d, "IDENTITY_REGISTER");
                        }))
        .andThen(ar -> directory.invalidate(d.personIdNo()));
  }

  /** Records the next version of an identity of the manager's office. */
  public Future<IdentityVersion> change(
      ManagerPrincipal m, UUID identityId, UnaryOperator<Draft> edit, String action) {
    return pool.<IdentityVersion>withTransaction(
            conn ->
                conn.preparedQuery(CURRENT_BY_ID)
                    .execute(Tuple.of(identityId, m.officeCode()))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.failedFuture(Refusal.notFound("identity " + identityId));
                          }
                          IdentityVersion current = version(rows.iterator().next());
                          // recorded by this office before the rule, for a person it does not
                          // manage: it no longer counts, and this office cannot revive it
                          checkManages(m, current.personIdNo(), "identityId");
                          Draft next = edit.apply(draft(current));
                          next.check();
                          if (next.equals(draft(current))) {
                            return Future.succeededFuture(current);
                          }
                          return conn.preparedQuery(SUPERSEDE)
                              .execute(Tuple.of(current.rowId(), now()))
                              .compose(
                                  x ->
                                      write(
                                          conn,
                                          m,
                                          identityId,
                                          current.version() + 1,
                                          next,
                                          action));
                        }))
        .andThen(
            ar -> {
              if (ar.succeeded()) {
                directory.invalidate(ar.result().personIdNo());
              }
            });
  }

  /**
   * Refuses (403 {@code NOT_MANAGING_OFFICE}, naming {@code field}) a manager whose office does not
   * manage the person: see {@link ManagingOffice}.
   */
  static void checkManages(ManagerPrincipal m, String personIdNo, String field) {
    if (!ManagingOffice.manages(m.officeCode(), personIdNo)) {
      throw notManaging(field);
    }
  }

  static Refusal notManaging(String field) {
    return new Refusal(
        Refusal.Kind.FORBIDDEN,
        "NOT_MANAGING_OFFICE",
        field,
        field
            + ": the person is managed by another office (the region of their household"
            + " registration); only that office records, changes or confirms their identities");
  }

  private Future<IdentityVersion> write(
      SqlConnection conn,
      ManagerPrincipal m,
      UUID identityId,
      int version,
      Draft d,
      String action) {
    return conn.preparedQuery(INSERT)
        .execute(
            Tuple.tuple()
                .addUUID(identityId)
                .addInteger(version)
                .addString(d.personIdNo())
                .addString(d.personName())
                .addString(m.officeCode())
                .addString(d.category().name())
                .addLocalDate(d.validFrom())
                .addLocalDate(d.validTo())
                .addBoolean(d.confirmed())
                .addLocalDate(d.liftedOutDate())
                .addOffsetDateTime(now())
                .addString(m.actor()))
        .compose(
            rows -> {
              IdentityVersion v = version(rows.iterator().next());
              Future<?> notify = conn.preparedQuery(NOTIFY).execute(Tuple.of(d.personIdNo()));
              Future<?> audit =
                  Audit.append(
                      conn,
                      m.actor(),
                      action,
                      "identity",
                      identityId.toString(),
                      new JsonObject()
                          .put("version", version)
                          .put("person", Masking.idNo(d.personIdNo()))
                          .put("category", d.category().name())
                          .put("validFrom", d.validFrom().toString())
                          .put("validTo", d.validTo() == null ? null : d.validTo().toString())
                          .put("confirmed", d.confirmed())
                          .put(
                              "liftedOutDate",
                              d.liftedOutDate() == null ? null : d.liftedOutDate().toString()));
              return Future.all(notify, audit).map(x -> v);
            });
  }

  /** All versions of an identity of the manager's office, oldest first. */
  public Future<List<IdentityVersion>> history(ManagerPrincipal m, UUID identityId) {
    return pool.preparedQuery(HISTORY)
        .execute(Tuple.of(identityId, m.officeCode()))
        .map(IdentityService::versions);
  }

  /** A page of the office's current identities. */
  public record Page(List<IdentityVersion> items, int page, int size, long total) {}

  public Future<Page> list(
      ManagerPrincipal m, String query, IdentityCategory category, int page, int size) {
    String c = category == null ? null : category.name();
    Future<RowSet<Row>> rows =
        pool.preparedQuery(LIST)
            .execute(Tuple.of(m.officeCode(), query, c, size, (page - 1) * size));
    Future<RowSet<Row>> count =
        pool.preparedQuery(COUNT).execute(Tuple.of(m.officeCode(), query, c));
    return Future.all(rows, count)
        .map(
            x ->
                new Page(
                    versions(rows.result()),
                    page,
                    size,
                    count.result().iterator().next().getLong(0)));
  }

  static Draft draft(IdentityVersion v) {
    return new Draft(
        v.personIdNo(),
        v.personName(),
        v.category(),
        v.validFrom(),
        v.validTo(),
        v.confirmed(),
        v.liftedOutDate());
  }

  static List<IdentityVersion> versions(RowSet<Row> rows) {
    List<IdentityVersion> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(version(r));
    }
    return out;
  }

  static IdentityVersion version(Row r) {
    OffsetDateTime superseded = r.getOffsetDateTime("superseded_at");
    return new IdentityVersion(
        r.getLong("id"),
        r.getUUID("identity_id"),
        r.getInteger("version"),
        r.getString("person_id_no"),
        r.getString("person_name"),
        r.getString("office_code"),
        IdentityCategory.valueOf(r.getString("category")),
        r.getLocalDate("valid_from"),
        r.getLocalDate("valid_to"),
        r.getBoolean("confirmed"),
        r.getLocalDate("lifted_out_date"),
        r.getOffsetDateTime("recorded_at").toInstant(),
        r.getString("recorded_by"),
        superseded == null ? null : superseded.toInstant());
  }

  OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  Pool pool() {
    return pool;
  }

  IdentityDirectory directory() {
    return directory;
  }
}
