package org.yizhan.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * What every front door reads from a request the same way: the body, a JSON content type, query
 * parameters that are dates or bounded whole numbers. A parameter that is not one is refused naming
 * it ({@code INVALID_FIELD}), never echoing its value.
 */
public final class Requests {
  static final Pattern ASCII_INT = Pattern.compile("-?[0-9]{1,9}");

  private Requests() {}

  private static final String JSON_TYPE = "application/json";

  /** Refuses a body that is not declared JSON (415) before the handler runs. */
  public static Handler<RoutingContext> json(Handler<RoutingContext> h) {
    return ctx -> {
      String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (type == null || !type.regionMatches(true, 0, JSON_TYPE, 0, JSON_TYPE.length())) {
        ctx.fail(
            new HttpRefusal(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type",
                "Content-Type must be application/json"));
        return;
      }
      h.handle(ctx);
    };
  }

  /**
   * The request's body as bytes, or {@code null} without one; copied out of the buffer once per
   * request (the signature's hash and the JSON reader read the same copy).
   */
  public static byte[] body(RoutingContext ctx) {
    byte[] bytes = ctx.get(BODY_BYTES);
    if (bytes == null) {
      Buffer b = ctx.body() == null ? null : ctx.body().buffer();
      if (b == null) {
        return null;
      }
      bytes = b.getBytes();
      ctx.put(BODY_BYTES, bytes);
    }
    return bytes;
  }

  /** Where {@link #body} keeps its copy on the routing context. */
  private static final String BODY_BYTES = "bodyBytes";

  public static LocalDate dateParam(RoutingContext ctx, String name) {
    List<String> all = ctx.queryParam(name);
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() > 1) {
      throw Refusal.invalid(name, "must be given once");
    }
    return parseDate(all.get(0), name);
  }

  public static LocalDate parseDate(String s, String name) {
    return Json.date(s, name);
  }

  public static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String s = ctx.queryParams().get(name);
    return s == null ? fallback : parseInt(s, name, min, max);
  }

  public static int parseInt(String s, String name, int min, int max) {
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
      throw Refusal.invalid(name, "must be a whole number from " + min + " to " + max);
    }
  }
}
