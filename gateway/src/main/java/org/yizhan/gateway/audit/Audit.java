package org.yizhan.gateway.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.Sql;

/**
 * Appends to the hash-chained audit log inside the caller's transaction (the SQL function {@code
 * audit_append} of migration V8 locks the chain's head, computes the entry's hash and inserts it).
 * Call it last before COMMIT, once per transaction: the head stays locked until then, and every
 * transaction takes it as its last lock, which keeps the lock order and the wait short.
 *
 * <p>The log is several chains, each verified on its own ({@link AuditVerifier}): a hospital's
 * settlements and reversals go to one of {@link #SETTLEMENT_CHAINS_PER_HOSPITAL} chains of that
 * hospital, chosen by the person, so concurrent settlements lock different heads and their commits
 * share WAL flushes; everything else (identities, accounts, top-ups, keys, logins) goes to {@link
 * #MAIN}. All entries about one person at one hospital are on one chain, in order.
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
                      DSL.param("5", String.class),
                      DSL.param("6", String.class))));

  /** {@code audit_append_all} (V24): the entries of six parallel text arrays, in order. */
  static final String APPEND_ALL =
      Sql.render(
          Sql.dsl()
              .select(
                  DSL.function(
                      "audit_append_all",
                      Long.class,
                      Sql.array(1, "text"),
                      Sql.array(2, "text"),
                      Sql.array(3, "text"),
                      Sql.array(4, "text"),
                      Sql.array(5, "text"),
                      Sql.array(6, "text"))));

  /** The chain of everything but settlements and reversals, and of every entry before V8. */
  public static final String MAIN = "main";

  /**
   * Chains per hospital for settlements and reversals: concurrent settlements of one hospital
   * commit together unless their persons share a chain. Changing it only changes where new entries
   * go; every chain ever opened stays verifiable.
   */
  public static final int SETTLEMENT_CHAINS_PER_HOSPITAL = 8;

  private Audit() {}

  /**
   * The chain of {@code hospitalCode}'s settlements and reversals for the person {@code
   * personIdNo}: {@code hospital:<code>/<0..7>}, the same on every instance ({@link
   * String#hashCode()} is fixed by the Java language).
   */
  public static String settlementChain(String hospitalCode, String personIdNo) {
    return "hospital:"
        + hospitalCode
        + "/"
        + Math.floorMod(personIdNo.hashCode(), SETTLEMENT_CHAINS_PER_HOSPITAL);
  }

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
    return append(conn, MAIN, actor, action, entityType, entityId, details);
  }

  /** Appends to the chain {@code chain} (opened by its first entry). */
  public static Future<Void> append(
      SqlConnection conn,
      String chain,
      String actor,
      String action,
      String entityType,
      String entityId,
      JsonObject details) {
    return conn.preparedQuery(APPEND)
        .execute(Tuple.of(chain, actor, action, entityType, entityId, details.encode()))
        .mapEmpty();
  }

  /** An entry for {@link #appendAll}. */
  public record Entry(
      String chain,
      String actor,
      String action,
      String entityType,
      String entityId,
      JsonObject details) {}

  /**
   * Appends many entries in one statement (a batch of settlements; {@code audit_append_all}, V24):
   * grouped by chain in the chains' sorted order, so every transaction takes the heads it needs in
   * one order (no deadlock between batches), and in the given order within a chain, so each chain
   * records them as they happened.
   */
  public static Future<Void> appendAll(SqlConnection conn, List<Entry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::chain)); // stable: a chain keeps its order
    int n = sorted.size();
    String[][] columns = new String[6][n];
    for (int i = 0; i < n; i++) {
      Entry e = sorted.get(i);
      columns[0][i] = e.chain();
      columns[1][i] = e.actor();
      columns[2][i] = e.action();
      columns[3][i] = e.entityType();
      columns[4][i] = e.entityId();
      columns[5][i] = e.details().encode();
    }
    Tuple arrays = Tuple.tuple();
    for (String[] column : columns) {
      arrays.addArrayOfString(column);
    }
    return conn.preparedQuery(APPEND_ALL).execute(arrays).mapEmpty();
  }
}
