package org.yizhan.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.yizhan.gateway.infra.db.Database;

/**
 * A fresh database with its own Vert.x and a pool of two connections: for tests of one statement
 * against PostgreSQL without a gateway (the gathered loads and nonces), where the test holds the
 * other side in a JDBC transaction of its own.
 */
public record SmallPool(Database db, Vertx vertx, Pool pool) implements AutoCloseable {
  /** Connections in the pool. */
  static final int CONNECTIONS = 2;

  /** How long {@link #await} waits for a future, seconds. */
  static final int AWAIT_SECONDS = 10;

  public static SmallPool start() {
    Database db = TestDatabase.fresh();
    Vertx vertx = Vertx.vertx();
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(CONNECTIONS))
            .connectingTo(db.connectOptions())
            .using(vertx)
            .build();
    return new SmallPool(db, vertx, pool);
  }

  /** The future's result, waited for from the test's thread (at most {@link #AWAIT_SECONDS}). */
  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * A JDBC connection of the test's own to the same database (its transactions hold the other
   * side).
   */
  public Connection jdbc() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
  }

  @Override
  public void close() {
    pool.close();
    vertx.close();
  }
}
