package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * A national message's body as JSON, whatever content type the system labels it with.
 *
 * <p>Systems send {@code application/json}, {@code text/plain}, or a form type by their HTTP
 * library's default; the body is read as JSON whenever it is JSON (its first non-blank character is
 * {@code {}), whatever the label. A body that really is a form ({@code
 * application/x-www-form-urlencoded}: {@code name=value&…}) is accepted when exactly one of its
 * values is a JSON object: that value is the envelope, whatever its name; otherwise it is refused,
 * saying so, rather than guessed at.
 */
final class Bodies {
  /** Form parameters read at most: a form of more is not an envelope. */
  static final int MAX_FORM_PARAMETERS = 64;

  private Bodies() {}

  static JsonNode read(byte[] body, String contentType, RoutingContext ctx) {
    boolean form =
        contentType != null
            && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    if (!form || looksLikeJson(body)) {
      return Json.parse(body);
    }
    List<String> values = new ArrayList<>();
    if (body != null && body.length > 0) {
      String text = new String(body, StandardCharsets.UTF_8);
      for (String pair : text.split("&", MAX_FORM_PARAMETERS + 1)) {
        int eq = pair.indexOf('=');
        values.add(decode(eq < 0 ? "" : pair.substring(eq + 1)));
      }
    } else {
      for (Map.Entry<String, String> e : ctx.request().formAttributes()) {
        values.add(e.getValue());
      }
    }
    String envelope = null;
    int found = 0;
    for (String v : values) {
      if (v.strip().startsWith("{")) {
        envelope = v;
        found++;
      }
    }
    if (found != 1 || values.size() > MAX_FORM_PARAMETERS) {
      throw NhsaError.invalid(
          "body",
          "is a form but not one parameter holding the JSON envelope: send the envelope as the"
              + " body (application/json) or as the one JSON value of the form");
    }
    return Json.parse(envelope.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean looksLikeJson(byte[] body) {
    if (body == null) {
      return false;
    }
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b == '{';
      }
    }
    return false;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw NhsaError.invalid("body", "is a form with a malformed %-escape");
    }
  }
}
