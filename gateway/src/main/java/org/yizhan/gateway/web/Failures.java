package org.yizhan.gateway.web;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.vertx.ext.web.handler.HttpException;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * The one mapping of a failure to the JSON API's answer: a {@link Refusal}'s kind to its status, an
 * unavailable store to 503, Vert.x Web's own refusals to theirs, anything else to a 500 that names
 * no cause. The national interface maps the same refusals to its envelope (see {@code NhsaApi}).
 */
public final class Failures {
  private Failures() {}

  /** The HTTP status of a refusal of {@code kind}. */
  public static int status(Refusal.Kind kind) {
    switch (kind) {
      case INVALID:
        return 400;
      case UNAUTHENTICATED:
        return 401;
      case FORBIDDEN:
        return 403;
      case NOT_FOUND:
        return 404;
      case CONFLICT:
        return 409;
      case UNPROCESSABLE:
        return 422;
      case TOO_MANY:
        return 429;
      case UNAVAILABLE:
        return 503;
      default:
        throw new IllegalArgumentException("no status for " + kind);
    }
  }

  /** {@code r} as the JSON API answers it. */
  public static HttpRefusal of(Refusal r) {
    return new HttpRefusal(
        status(r.kind()), r.code(), r.field(), r.getMessage(), r.retryAfterSeconds());
  }

  /**
   * The answer to a request that failed with {@code e} ({@code null} when the router failed it with
   * {@code statusCode} alone).
   */
  public static HttpRefusal of(Throwable e, int statusCode) {
    if (e instanceof HttpRefusal) {
      return (HttpRefusal) e;
    }
    if (e instanceof Refusal) {
      return of((Refusal) e);
    }
    if (e instanceof DbGuard.Unavailable || e instanceof CallNotPermittedException) {
      return of(Refusal.unavailable("the settlement store is unavailable; retry later"));
    }
    // Vert.x Web's own refusals (e.g. a query it cannot decode) carry their status
    int status = e instanceof HttpException ? ((HttpException) e).getStatusCode() : statusCode;
    if (e == null || (e instanceof HttpException && status >= 400 && status < 500)) {
      switch (status) {
        case 400:
          return new HttpRefusal(400, "MALFORMED_REQUEST", null, "the request is malformed");
        case 401:
          return of(Refusal.unauthenticated("authentication required"));
        case 404:
          return noSuchRoute();
        case 405:
          return new HttpRefusal(
              405, "METHOD_NOT_ALLOWED", null, "this route does not take that method");
        case 413:
          return new HttpRefusal(
              413, "BODY_TOO_LARGE", "body", "body: larger than this gateway accepts");
        case 415:
          return new HttpRefusal(
              415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type", "unsupported body type");
        case 503:
          return new HttpRefusal(
              503,
              "TIMEOUT",
              null,
              "the request took too long; retry with the same Idempotency-Key");
        default:
          if (status >= 400 && status < 500) {
            return new HttpRefusal(status, "BAD_REQUEST", null, "the request was refused");
          }
      }
    }
    return new HttpRefusal(
        500, "INTERNAL", null, "an internal error occurred; quote the correlationId");
  }

  /** A path no route serves. */
  public static HttpRefusal noSuchRoute() {
    return new HttpRefusal(404, "NOT_FOUND", null, "no such route");
  }
}
