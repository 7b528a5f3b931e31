package org.yizhan.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How every front door of the JSON API reads a request beyond its JSON body ({@link Fields}): the
 * body's bytes, the declared body type, and the query and path parameters that are dates or whole
 * numbers. One place, so that the hospitals' and the managers' routes refuse the same bad input
 * with the same code and message.
 */
final class Requests {
  /** A whole number as the API accepts it: ASCII digits, at most 9 of them, an optional minus. */
  static final Pattern ASCII_INT = Pattern.compile("-?[0-9]{1,9}");

  private Requests() {}

  /** The body's bytes, or null when there is none. */
  static byte[] body(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    return b == null ? null : b.getBytes();
  }

  /** Refuses a body that is not declared JSON (415) before the handler runs. */
  static Handler<RoutingContext> json(Handler<RoutingContext> h) {
    return ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase().startsWith("application/json")) {
        ctx.fail(
            new ApiError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type",
                "Content-Type must be application/json"));
        return;
      }
      h.handle(ctx);
    };
  }

  /** The query parameter {@code name} as a date, null when absent; given twice is refused. */
  static LocalDate dateParam(RoutingContext ctx, String name) {
    List<String> all = ctx.queryParam(name);
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() > 1) {
      throw ApiError.invalid(name, "must be given once");
    }
    return parseDate(all.get(0), name);
  }

  static LocalDate parseDate(String s, String name) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiError.invalid(name, "must be a date like 2018-03-20");
    }
  }

  /**
   * The query parameter {@code name} as a whole number in [min, max], {@code fallback} if absent.
   */
  static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String s = ctx.queryParams().get(name);
    return s == null ? fallback : parseInt(s, name, min, max);
  }

  static int parseInt(String s, String name, int min, int max) {
    try {
      // ASCII digits only: Integer.parseInt also reads full-width and other scripts' digits.
      if (!ASCII_INT.matcher(s).matches()) {
        throw new NumberFormatException();
      }
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.invalid(name, "must be a whole number from " + min + " to " + max);
    }
  }
}
