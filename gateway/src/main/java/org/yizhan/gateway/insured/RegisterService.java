package org.yizhan.gateway.insured;

import static org.yizhan.gateway.infra.db.schema.Tables.INSURED_ENROLMENT;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.Masking;

/**
 * Single changes to the insured register by an agency: enrol a person, change or end an enrolment.
 *
 * <p>History is kept as for identities (IdentityService): a change never updates a version in
 * place; it marks the current version superseded and inserts the next, in one transaction with the
 * audit entry and a NOTIFY on {@link EnrolmentCache#CHANNEL}; once it has committed, and before the
 * answer, this instance's cached enrolments of the person are dropped (the NOTIFY drops every other
 * instance's), so the next settlement of the person sees the change. The person's writes are
 * serialised by a transaction-scoped advisory lock on the ID number, so two concurrent enrolments
 * of one person cannot both pass the overlap check; the bulk import locks the table against writers
 * instead ({@link RegisterImport}).
 *
 * <p>An agency acts for its region only ({@link Regions#covers}): an enrolment of another region is
 * neither created, changed nor shown to it (403 {@code NOT_AGENCY_REGION}).
 */
public final class RegisterService {
  static final String LOCK_PERSON = "SELECT pg_advisory_xact_lock(hashtext($1))";

  static final String CURRENT_BY_ID =
      Sql.render(
          Sql.dsl()
              .selectFrom(INSURED_ENROLMENT)
              .where(INSURED_ENROLMENT.ENROLMENT_ID.eq(Sql.p(1, INSURED_ENROLMENT.ENROLMENT_ID)))
              .and(INSURED_ENROLMENT.SUPERSEDED_AT.isNull())
              .forUpdate());

  static final String SUPERSEDE =
      Sql.render(
          Sql.dsl()
              .update(INSURED_ENROLMENT)
              .set(INSURED_ENROLMENT.SUPERSEDED_AT, Sql.p(2, INSURED_ENROLMENT.SUPERSEDED_AT))
              .where(INSURED_ENROLMENT.ID.eq(Sql.p(1, INSURED_ENROLMENT.ID))));

  static final String INSERT =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  INSURED_ENROLMENT,
                  INSURED_ENROLMENT.ENROLMENT_ID,
                  INSURED_ENROLMENT.VERSION,
                  INSURED_ENROLMENT.PERSON_ID_NO,
                  INSURED_ENROLMENT.ADMDVS,
                  INSURED_ENROLMENT.SCHEME,
                  INSURED_ENROLMENT.VALID_FROM,
                  INSURED_ENROLMENT.VALID_TO,
                  INSURED_ENROLMENT.CONTRIBUTION_YEAR,
                  INSURED_ENROLMENT.CONTRIBUTION_STATUS,
                  INSURED_ENROLMENT.CARD_NO,
                  INSURED_ENROLMENT.CARD_SN,
                  INSURED_ENROLMENT.PERSON_NAME,
                  INSURED_ENROLMENT.SEX,
                  INSURED_ENROLMENT.BIRTH_DATE,
                  INSURED_ENROLMENT.EMPLOYER_NAME,
                  INSURED_ENROLMENT.RECORDED_AT,
                  INSURED_ENROLMENT.RECORDED_BY)
              .values(
                  Sql.p(1, INSURED_ENROLMENT.ENROLMENT_ID),
                  Sql.p(2, INSURED_ENROLMENT.VERSION),
                  Sql.p(3, INSURED_ENROLMENT.PERSON_ID_NO),
                  Sql.p(4, INSURED_ENROLMENT.ADMDVS),
                  Sql.p(5, INSURED_ENROLMENT.SCHEME),
                  Sql.p(6, INSURED_ENROLMENT.VALID_FROM),
                  Sql.p(7, INSURED_ENROLMENT.VALID_TO),
                  Sql.p(8, INSURED_ENROLMENT.CONTRIBUTION_YEAR),
                  Sql.p(9, INSURED_ENROLMENT.CONTRIBUTION_STATUS),
                  Sql.p(10, INSURED_ENROLMENT.CARD_NO),
                  Sql.p(11, INSURED_ENROLMENT.CARD_SN),
                  Sql.p(12, INSURED_ENROLMENT.PERSON_NAME),
                  Sql.p(13, INSURED_ENROLMENT.SEX),
                  Sql.p(14, INSURED_ENROLMENT.BIRTH_DATE),
                  Sql.p(15, INSURED_ENROLMENT.EMPLOYER_NAME),
                  Sql.p(16, INSURED_ENROLMENT.RECORDED_AT),
                  Sql.p(17, INSURED_ENROLMENT.RECORDED_BY))
              .returning(INSURED_ENROLMENT.fields()));

  private final Pool pool;
  private final Regions regions;
  private final EnrolmentCache enrolments;
  private final Clock clock;

  public RegisterService(Pool pool, Regions regions, EnrolmentCache enrolments, Clock clock) {
    this.pool = pool;
    this.regions = regions;
    this.enrolments = enrolments;
    this.clock = clock;
  }

  public Regions regions() {
    return regions;
  }

  /** Enrols a person (version 1 of a new enrolment). */
  public Future<Enrolment> enrol(ManagerPrincipal m, EnrolmentDraft draft) {
    EnrolmentDraft d = draft.completed();
    check(m, d);
    return pool.withTransaction(
            conn ->
                othersOf(conn, d, null)
                    .compose(x -> write(conn, m, UUID.randomUUID(), 1, d, "ENROLMENT_REGISTER")))
        .map(this::committed);
  }

  /** After a change's commit, before its answer: this instance's cache forgets the person. */
  private Enrolment committed(Enrolment e) {
    enrolments.invalidate(e.personIdNo());
    return e;
  }

  /** Records the next version of an enrolment of the agency's region. */
  public Future<Enrolment> change(
      ManagerPrincipal m, UUID enrolmentId, UnaryOperator<EnrolmentDraft> edit, String action) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CURRENT_BY_ID)
                    .execute(Tuple.of(enrolmentId))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.failedFuture(
                                Refusal.notFound("enrolment " + enrolmentId));
                          }
                          Enrolment current = Enrolment.of(rows.iterator().next());
                          if (!Regions.covers(m.officeCode(), current.admdvs())) {
                            // another region's enrolment is as unknown to this agency as a missing
                            // one
                            return Future.failedFuture(
                                Refusal.notFound("enrolment " + enrolmentId));
                          }
                          EnrolmentDraft next = edit.apply(current.draft()).completed();
                          if (!next.personIdNo().equals(current.personIdNo())) {
                            throw Refusal.invalid(
                                "personIdNo", "an enrolment's person never changes");
                          }
                          check(m, next);
                          if (next.equals(current.draft())) {
                            return Future.succeededFuture(current);
                          }
                          return othersOf(conn, next, enrolmentId)
                              .compose(
                                  x ->
                                      conn.preparedQuery(SUPERSEDE)
                                          .execute(Tuple.of(current.rowId(), now())))
                              .compose(
                                  x ->
                                      write(
                                          conn,
                                          m,
                                          enrolmentId,
                                          current.version() + 1,
                                          next,
                                          action));
                        }))
        .map(this::committed);
  }

  /** All versions of an enrolment of the agency's region, oldest first. */
  public Future<List<Enrolment>> history(ManagerPrincipal m, UUID enrolmentId) {
    return new EnrolmentStore(pool)
        .history(enrolmentId)
        .map(
            versions -> {
              if (versions.isEmpty()
                  || !Regions.covers(m.officeCode(), versions.get(versions.size() - 1).admdvs())) {
                throw Refusal.notFound("enrolment " + enrolmentId);
              }
              return versions;
            });
  }

  /** A page of the agency's region's current enrolments. */
  public Future<EnrolmentStore.Page> page(ManagerPrincipal m, String idPrefix, int page, int size) {
    return new EnrolmentStore(pool).page(m.officeCode(), idPrefix, page, size);
  }

  private void check(ManagerPrincipal m, EnrolmentDraft d) {
    if (!regions.known(d.admdvs())) {
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          "UNKNOWN_REGION",
          "admdvs",
          "admdvs: not a region this gateway knows (a hospital's or a policy's region, or one"
              + " inside a policy's city or province)");
    }
    if (!Regions.covers(m.officeCode(), d.admdvs())) {
      throw notAgencyRegion("admdvs");
    }
    if (d.validTo() != null && d.validTo().isBefore(d.validFrom())) {
      throw Refusal.invalid("validTo", "must not be before validFrom " + d.validFrom());
    }
  }

  static Refusal notAgencyRegion(String field) {
    return new Refusal(
        Refusal.Kind.FORBIDDEN,
        "NOT_AGENCY_REGION",
        field,
        field + ": the region is another agency's; an agency enrols people of its own region only");
  }

  /**
   * Locks the person's writes, then refuses a period overlapping another enrolment of the person in
   * the same scheme, or a card number held by another person.
   */
  private Future<Void> othersOf(SqlConnection conn, EnrolmentDraft d, UUID self) {
    Future<Void> locked =
        conn.preparedQuery(LOCK_PERSON).execute(Tuple.of(d.personIdNo())).mapEmpty();
    Future<Void> overlap =
        locked
            .compose(
                x ->
                    conn.preparedQuery(EnrolmentStore.CURRENT_OF_PERSON)
                        .execute(Tuple.of(d.personIdNo())))
            .compose(
                rows -> {
                  for (Row r : rows) {
                    Enrolment e = Enrolment.of(r);
                    if (!e.enrolmentId().equals(self)
                        && e.scheme() == d.scheme()
                        && d.overlaps(e.validFrom(), e.validTo())) {
                      return Future.failedFuture(
                          new Refusal(
                              Refusal.Kind.CONFLICT,
                              "ENROLMENT_OVERLAP",
                              "validFrom",
                              "validFrom: the person is already enrolled in "
                                  + e.scheme()
                                  + " in region "
                                  + e.admdvs()
                                  + " from "
                                  + e.validFrom()
                                  + " (enrolment "
                                  + e.enrolmentId()
                                  + "); end it first"));
                    }
                  }
                  return Future.succeededFuture();
                });
    if (d.cardNo() == null) {
      return overlap;
    }
    return overlap
        .compose(
            x -> conn.preparedQuery(EnrolmentStore.CURRENT_BY_CARD).execute(Tuple.of(d.cardNo())))
        .compose(
            rows -> {
              for (Row r : rows) {
                if (!r.getString("person_id_no").equals(d.personIdNo())) {
                  return Future.failedFuture(
                      new Refusal(
                          Refusal.Kind.CONFLICT,
                          "CARD_OWNED",
                          "cardNo",
                          "cardNo: the social-security card is registered to another person"));
                }
              }
              return Future.succeededFuture();
            });
  }

  private Future<Enrolment> write(
      SqlConnection conn,
      ManagerPrincipal m,
      UUID enrolmentId,
      int version,
      EnrolmentDraft d,
      String action) {
    return conn.preparedQuery(INSERT)
        .execute(
            Tuple.tuple()
                .addUUID(enrolmentId)
                .addInteger(version)
                .addString(d.personIdNo())
                .addString(d.admdvs())
                .addString(d.scheme().name())
                .addLocalDate(d.validFrom())
                .addLocalDate(d.validTo())
                .addInteger(d.contributionYear())
                .addString(d.status().name())
                .addString(d.cardNo())
                .addString(d.cardSn())
                .addString(d.personName())
                .addString(d.sex())
                .addLocalDate(d.birthDate())
                .addString(d.employerName())
                .addOffsetDateTime(now())
                .addString(m.actor()))
        .compose(
            rows -> {
              Enrolment e = Enrolment.of(rows.iterator().next());
              return Audit.append(
                      conn,
                      m.actor(),
                      action,
                      "enrolment",
                      enrolmentId.toString(),
                      new JsonObject()
                          .put("version", version)
                          .put("person", Masking.idNo(d.personIdNo()))
                          .put("admdvs", d.admdvs())
                          .put("scheme", d.scheme().name())
                          .put("validFrom", d.validFrom().toString())
                          .put("validTo", d.validTo() == null ? null : d.validTo().toString())
                          .put("contributionYear", d.contributionYear())
                          .put("status", d.status().name())
                          .put("card", d.cardNo() == null ? null : Masking.idNo(d.cardNo())))
                  .compose(
                      x ->
                          conn.preparedQuery(enrolments.notifyStatement())
                              .execute(Tuple.of(d.personIdNo())))
                  .map(x -> e);
            });
  }

  OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
