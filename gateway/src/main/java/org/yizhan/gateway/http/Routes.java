package org.yizhan.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers a route so that its template travels with the request: metrics and the access log label
 * requests by {@code /api/v1/settlements/:id}, never by a path holding an id or an ID number.
 */
public final class Routes {
  static final String TEMPLATE = "routeTemplate";

  private Routes() {}

  public static void add(
      Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
    router
        .route(method, path)
        .handler(
            ctx -> {
              ctx.put(TEMPLATE, method.name() + " " + path);
              handler.handle(ctx);
            });
  }
}
