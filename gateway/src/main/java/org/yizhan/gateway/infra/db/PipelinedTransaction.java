package org.yizhan.gateway.infra.db;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Function;

/**
 * A transaction whose COMMIT goes out in the same pipeline as its last writes.
 *
 * <p>Why not {@code pool.withTransaction}: Vert.x sends COMMIT only once every statement of the
 * transaction has been answered, so a transaction that takes a hot lock in its last statements (the
 * audit chain's head, which every settlement and reversal takes last) holds it for one more round
 * trip to the gateway and back, including however long the event loop, or the OS scheduler on a
 * busy machine, makes the gateway wait before it reads the answers and sends COMMIT. Under load
 * that wait, not PostgreSQL, was the gateway's ceiling: the profile showed the head's holders "idle
 * in transaction" after {@code audit_append} while everyone else queued behind them. Sent right
 * behind the writes, COMMIT is executed by PostgreSQL as soon as the writes are, and the head is
 * held only for the server's own work and the WAL flush.
 *
 * <p>BEGIN is pipelined too, with the transaction's first statements (its locking reads): a
 * transaction then costs two round trips (BEGIN and reads; writes and COMMIT) instead of four, and
 * holds its pool connection and its row locks that much less. Writes are only ever sent after the
 * reads' answers, which come after BEGIN's, so {@link #checkBegun} can assert that BEGIN succeeded
 * before anything is written.
 *
 * <p>Safety is unchanged: if any statement before COMMIT fails, PostgreSQL has aborted the
 * transaction, the pipelined COMMIT answers ROLLBACK, and {@link #committed} fails with the first
 * statement's error (so the callers' retry on a lost race still sees the unique violation or the
 * deadlock). A transaction that ends without {@link #commit} is rolled back.
 */
public final class PipelinedTransaction {
  private final SqlConnection conn;
  private final Future<?> begin;
  private boolean commitSent;

  private PipelinedTransaction(SqlConnection conn) {
    this.conn = DbGuard.quiet(conn);
    this.begin = conn.query("BEGIN").execute();
  }

  public SqlConnection conn() {
    return conn;
  }

  /** Runs {@code work} in a transaction on a connection of {@code pool}. */
  public static <T> Future<T> run(Pool pool, Function<PipelinedTransaction, Future<T>> work) {
    return pool.withConnection(
        conn -> {
          PipelinedTransaction tx = new PipelinedTransaction(conn);
          Future<T> done;
          try {
            done = work.apply(tx);
          } catch (RuntimeException e) {
            done = Future.failedFuture(e);
          }
          return done.transform(
              ar -> {
                if (tx.commitSent) {
                  return future(ar);
                }
                if (ar.succeeded()) {
                  // A transaction that succeeded without a COMMIT would lose its writes.
                  conn.query("ROLLBACK").execute();
                  return Future.failedFuture(
                      new IllegalStateException("transaction ended without commit"));
                }
                return conn.query("ROLLBACK").execute().transform(rolledBack -> future(ar));
              });
        });
  }

  /**
   * Asserts that BEGIN succeeded; call before sending the first write. Its answer precedes the
   * answers of the statements sent after it, so by the time a write depends on a read, it is in.
   */
  public void checkBegun() {
    if (!begin.succeeded()) {
      throw new IllegalStateException(
          "BEGIN has not succeeded before the first write: " + begin.cause());
    }
  }

  /**
   * Sends COMMIT now, behind every statement sent so far; succeeds once {@code sent} and the COMMIT
   * all have, or fails with the first failure among {@code sent} (then the COMMIT rolled back).
   */
  public Future<Void> commitAfter(List<? extends Future<?>> sent) {
    if (commitSent) {
      throw new IllegalStateException("COMMIT already sent");
    }
    checkBegun();
    commitSent = true;
    Future<Void> commit = conn.query("COMMIT").execute().mapEmpty();
    return Future.all(sent)
        .transform(
            writes ->
                commit.transform(
                    c ->
                        writes.failed()
                            ? Future.failedFuture(writes.cause())
                            : c.failed()
                                ? Future.failedFuture(c.cause())
                                : Future.succeededFuture()));
  }

  private static <T> Future<T> future(AsyncResult<T> ar) {
    return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
  }
}
