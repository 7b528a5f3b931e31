package org.yizhan.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * How every route of the JSON API answers: a status and a JSON body, written once, and never after
 * the answer is already out. Refusals are not written here but failed into the router, whose one
 * failure handler ({@link HttpVerticle}) turns them into {@code {code, message, field,
 * correlationId}}.
 */
final class Responses {
  static final String JSON = "application/json; charset=utf-8";

  private Responses() {}

  /** Answers {@code status} with the body once it is ready; a failure goes to the router. */
  static void reply(RoutingContext ctx, Future<Buffer> body, int status) {
    body.onSuccess(b -> send(ctx, status, b)).onFailure(ctx::fail);
  }

  /**
   * Whether the response is already out (the request timed out and was answered 503) or the client
   * is gone: a late outcome must then not touch the response, whose head is sent.
   */
  static boolean answered(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten();
  }

  /** Answers {@code status} with a JSON body, unless the request is {@link #answered} already. */
  static void send(RoutingContext ctx, int status, Buffer body) {
    if (answered(ctx)) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body);
  }

  /** The refusal of a path no route serves, by any method. */
  static ApiError noSuchRoute() {
    return new ApiError(404, "NOT_FOUND", null, "no such route");
  }
}
