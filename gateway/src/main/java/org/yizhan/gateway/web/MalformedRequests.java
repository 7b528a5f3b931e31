package org.yizhan.gateway.web;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.yizhan.gateway.infra.json.JsonWriter;

/**
 * Requests too broken for the router, answered like every other refusal: a 4xx with {@code {code,
 * message, field, correlationId}}.
 *
 * <p>Two kinds never reach a route. Netty's decoder rejects a request line or headers that are too
 * long or malformed ({@link #answerUndecodable}); Vert.x's default answer to those is a bare status
 * with no body. And a target whose percent-escapes are broken ({@code %ZZ}, a lone {@code %}) or
 * decode to invalid UTF-8 makes the router fail before any handler of ours runs (a plain-text 400)
 * or makes {@code queryParams()} throw inside a handler (which would be a 500). {@link #badTarget}
 * finds those before the router sees the request.
 */
final class MalformedRequests {
  private MalformedRequests() {}

  /** Answers a request Netty could not decode, then closes the connection. */
  static void answerUndecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    HttpRefusal error;
    if (cause instanceof TooLongHttpLineException) {
      error = new HttpRefusal(414, "URI_TOO_LONG", null, "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new HttpRefusal(431, "HEADERS_TOO_LARGE", null, "the request headers are too large");
    } else {
      error = new HttpRefusal(400, "MALFORMED_REQUEST", null, "the request is not valid HTTP/1.1");
    }
    HttpServerResponse response = request.response();
    response.putHeader("Connection", "close");
    write(response, error, UUID.randomUUID().toString())
        .onComplete(v -> request.connection().close());
  }

  /** The refusal of a target with a broken escape or invalid UTF-8, or null when it is sound. */
  static HttpRefusal badTarget(HttpServerRequest request) {
    String uri = request.uri();
    if (!decodes(uri)) {
      return new HttpRefusal(
          400, "MALFORMED_URI", null, "the path or query has a broken %-escape or is not UTF-8");
    }
    return null;
  }

  /** Whether every %-escape has two hex digits and the decoded bytes are UTF-8. */
  static boolean decodes(String uri) {
    if (plainAscii(uri)) {
      return true;
    }
    byte[] bytes = new byte[uri.length() * 4];
    int n = 0;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        if (i + 2 >= uri.length()) {
          return false;
        }
        int hi = Character.digit(uri.charAt(i + 1), 16);
        int lo = Character.digit(uri.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return false;
        }
        bytes[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isSurrogate(c)) {
          return false;
        }
        System.arraycopy(raw, 0, bytes, n, raw.length);
        n += raw.length;
      }
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, n));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Whether {@code uri} has no %-escape and only ASCII characters: it then decodes to itself, valid
   * UTF-8, with nothing to check (the targets of every well-formed call take this way).
   */
  static boolean plainAscii(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Writes an error as JSON, the one shape every refusal has. */
  static Future<Void> write(HttpServerResponse response, HttpRefusal error, String requestId) {
    return response
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(
            JsonWriter.render(
                g -> {
                  g.writeStartObject();
                  g.writeStringField("code", error.code());
                  g.writeStringField("message", error.getMessage());
                  g.writeStringField("field", error.field());
                  g.writeStringField("correlationId", requestId);
                  g.writeEndObject();
                }));
  }
}
