package org.yizhan.gateway.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.jooq.impl.DSL;
import org.yizhan.gateway.store.Sql;

/**
 * Appends to the hash-chained audit log inside the caller's transaction (the SQL function {@code
 * audit_append} of migration V2 locks the chain's head, computes the entry's hash and inserts it).
 * Call it last before COMMIT: the head stays locked until then, and every transaction takes it as
 * its last lock, which keeps the lock order and the wait short.
 *
 * <p>Details are JSON written by the caller; they never hold a full ID number (see {@code
 * Masking}).
 */
public final class Audit {
  static final String APPEND =
      Sql.render(
          Sql.dsl()
              .select(
                  DSL.function(
                      "audit_append",
                      Long.class,
                      DSL.param("1", String.class),
                      DSL.param("2", String.class),
                      DSL.param("3", String.class),
                      DSL.param("4", String.class),
                      DSL.param("5", String.class))));

  private Audit() {}

  /**
   * @param actor who: {@code hospital:<code>}, {@code manager:<username>}, {@code system}
   * @param action what, e.g. SETTLE, REVERSE, TOP_UP, IDENTITY_CHANGE, PERIOD_CLOSE
   * @param entityType the kind of thing changed, e.g. settlement, identity, account
   * @param entityId its id
   */
  public static Future<Void> append(
      SqlConnection conn,
      String actor,
      String action,
      String entityType,
      String entityId,
      JsonObject details) {
    return conn.preparedQuery(APPEND)
        .execute(Tuple.of(actor, action, entityType, entityId, details.encode()))
        .mapEmpty();
  }
}
