package org.yizhan.gateway.web;

import static io.vertx.core.http.HttpMethod.GET;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.infra.db.DbGuard;

/**
 * What operators and orchestrators call: liveness (the process answers), readiness (the database
 * answers within {@link #READY_TIMEOUT_MILLIS} and the breaker is closed). The Prometheus scrape is
 * not here: it is on the management port ({@link ManagementServer}).
 */
public final class OpsApi {
  /** How long readiness waits for the database, milliseconds. */
  static final long READY_TIMEOUT_MILLIS = 2_000;

  private final Pool pool;
  private final DbGuard guard;

  public OpsApi(Pool pool, DbGuard guard) {
    this.pool = pool;
    this.guard = guard;
  }

  public void mount(Routes routes) {
    routes.add(GET, "/health/live", this::live);
    routes.add(GET, "/health/ready", this::ready);
    routes.add(GET, "/health", this::ready);
  }

  private void live(RoutingContext ctx) {
    json(ctx, 200, "{\"status\":\"UP\",\"checks\":{\"process\":\"UP\"}}");
  }

  private void ready(RoutingContext ctx) {
    Future<?> ping = Database.ping(pool).timeout(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    ping.onComplete(
        ar -> {
          boolean db = ar.succeeded();
          String breaker = guard.breaker().getState().name();
          boolean up = db && !"OPEN".equals(breaker);
          json(
              ctx,
              up ? 200 : 503,
              "{\"status\":\""
                  + (up ? "UP" : "DOWN")
                  + "\",\"checks\":{\"process\":\"UP\",\"database\":\""
                  + (db ? "UP" : "DOWN")
                  + "\",\"circuitBreaker\":\""
                  + breaker
                  + "\"}}");
        });
  }

  private static void json(RoutingContext ctx, int status, String body) {
    Responses.send(ctx, status, Buffer.buffer(body));
  }
}
