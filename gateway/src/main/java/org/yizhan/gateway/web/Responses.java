package org.yizhan.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * How every JSON route answers: a body with its status once, and nothing once the response is out
 * (a request that timed out was answered 503 already; a late outcome must not touch it). Failures
 * go to the router's failure handler ({@link Failures}).
 */
public final class Responses {
  private Responses() {}

  /** The content type of every JSON answer, encoded once. */
  private static final CharSequence JSON_UTF8 =
      HttpHeaders.createOptimized("application/json; charset=utf-8");

  public static void reply(RoutingContext ctx, Future<Buffer> body, int status) {
    body.onSuccess(b -> send(ctx, status, b)).onFailure(ctx::fail);
  }

  /**
   * Whether the response is already out (the request timed out and was answered 503) or the client
   * is gone: a late outcome must then not touch the response, whose head is sent.
   */
  public static boolean answered(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten();
  }

  public static void send(RoutingContext ctx, int status, Buffer body) {
    if (answered(ctx)) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(body);
  }
}
