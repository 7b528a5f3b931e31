package org.yizhan.gateway.security;

import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL;
import static org.yizhan.gateway.infra.db.schema.Tables.HOSPITAL_KEY;
import static org.yizhan.gateway.infra.db.schema.Tables.MANAGER;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jooq.impl.DSL;
import org.yizhan.gateway.config.Hospitals;
import org.yizhan.gateway.config.Managers;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The registries of {@code config/} written into the database at start: the hospitals and their API
 * keys ({@code hospitals.yaml}) and the managers ({@code managers.yaml}). A row is inserted or
 * brought up to date from its file, never deleted; each registry is written in one batch.
 */
public final class RegistrySync {
  static final String UPSERT_HOSPITAL =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  HOSPITAL,
                  HOSPITAL.CODE,
                  HOSPITAL.NAME,
                  HOSPITAL.HOSPITAL_LEVEL,
                  HOSPITAL.REGION,
                  HOSPITAL.UPDATED_AT)
              .values(
                  Sql.p(1, HOSPITAL.CODE),
                  Sql.p(2, HOSPITAL.NAME),
                  Sql.p(3, HOSPITAL.HOSPITAL_LEVEL),
                  Sql.p(4, HOSPITAL.REGION),
                  Sql.p(5, HOSPITAL.UPDATED_AT))
              .onConflict(HOSPITAL.CODE)
              .doUpdate()
              .set(HOSPITAL.NAME, DSL.excluded(HOSPITAL.NAME))
              .set(HOSPITAL.HOSPITAL_LEVEL, DSL.excluded(HOSPITAL.HOSPITAL_LEVEL))
              .set(HOSPITAL.REGION, DSL.excluded(HOSPITAL.REGION))
              .set(HOSPITAL.UPDATED_AT, DSL.excluded(HOSPITAL.UPDATED_AT)));

  static final String UPSERT_KEY =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  HOSPITAL_KEY,
                  HOSPITAL_KEY.KEY_ID,
                  HOSPITAL_KEY.HOSPITAL_CODE,
                  HOSPITAL_KEY.KEY_SHA256,
                  HOSPITAL_KEY.VALID_FROM)
              .values(
                  Sql.p(1, HOSPITAL_KEY.KEY_ID),
                  Sql.p(2, HOSPITAL_KEY.HOSPITAL_CODE),
                  Sql.p(3, HOSPITAL_KEY.KEY_SHA256),
                  Sql.p(4, HOSPITAL_KEY.VALID_FROM))
              .onConflict(HOSPITAL_KEY.KEY_ID)
              .doUpdate()
              .set(HOSPITAL_KEY.KEY_SHA256, DSL.excluded(HOSPITAL_KEY.KEY_SHA256)));

  static final String UPSERT_MANAGER =
      Sql.render(
          Sql.dsl()
              .insertInto(
                  MANAGER,
                  MANAGER.USERNAME,
                  MANAGER.DISPLAY_NAME,
                  MANAGER.OFFICE_CODE,
                  MANAGER.PASSWORD_HASH,
                  MANAGER.UPDATED_AT)
              .values(
                  Sql.p(1, MANAGER.USERNAME),
                  Sql.p(2, MANAGER.DISPLAY_NAME),
                  Sql.p(3, MANAGER.OFFICE_CODE),
                  Sql.p(4, MANAGER.PASSWORD_HASH),
                  Sql.p(5, MANAGER.UPDATED_AT))
              .onConflict(MANAGER.USERNAME)
              .doUpdate()
              .set(MANAGER.DISPLAY_NAME, DSL.excluded(MANAGER.DISPLAY_NAME))
              .set(MANAGER.OFFICE_CODE, DSL.excluded(MANAGER.OFFICE_CODE))
              .set(MANAGER.PASSWORD_HASH, DSL.excluded(MANAGER.PASSWORD_HASH))
              .set(MANAGER.UPDATED_AT, DSL.excluded(MANAGER.UPDATED_AT)));

  private final Pool pool;
  private final Clock clock;

  public RegistrySync(Pool pool, Clock clock) {
    this.clock = clock;
    this.pool = pool;
  }

  /** Inserts or updates every manager of {@code managers.yaml}. */
  public Future<Void> managers(List<Managers.Manager> managers) {
    if (managers.isEmpty()) {
      return Future.succeededFuture();
    }
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<Tuple> rows = new ArrayList<>();
    for (Managers.Manager m : managers) {
      rows.add(Tuple.of(m.username(), m.name(), m.officeCode(), m.passwordHash(), now));
    }
    return pool.preparedQuery(UPSERT_MANAGER).executeBatch(rows).mapEmpty();
  }

  /** Inserts or updates every hospital and its keys, in one transaction. */
  public Future<Void> hospitals(List<Hospitals.Hospital> hospitals) {
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<Tuple> rows = new ArrayList<>();
    List<Tuple> keys = new ArrayList<>();
    for (Hospitals.Hospital h : hospitals) {
      rows.add(Tuple.of(h.code(), h.name(), (short) h.level(), h.region(), now));
      for (Hospitals.Key k : h.keys()) {
        keys.add(Tuple.of(k.id(), h.code(), k.sha256Hex(), now));
      }
    }
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(UPSERT_HOSPITAL)
                .executeBatch(rows)
                .compose(
                    r ->
                        keys.isEmpty()
                            ? Future.succeededFuture()
                            : conn.preparedQuery(UPSERT_KEY).executeBatch(keys))
                .mapEmpty());
  }
}
