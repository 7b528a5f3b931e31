package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
 *
 * <p>Encoding: UTF-8, or GBK. openhis's {@code YBHttpRequest} writes the body with {@code
 * Encoding.Default}, which is GBK on a Chinese Windows, and labels it {@code application/json}
 * without a charset (or with the library's utf-8). A body labelled {@code charset=GBK}, {@code
 * GB2312} or {@code GB18030} is decoded as GB18030 (GBK's superset); any other body is UTF-8 when it
 * is valid UTF-8, else GB18030 when it is valid GB18030, both decoded strictly as the roster files
 * are ({@code identity.RosterCsv}): nothing is ever replaced by U+FFFD, so a name is never stored
 * garbled, and a body that is neither is refused. Chinese text in GBK is not valid UTF-8 (its lead
 * bytes are followed by bytes UTF-8 forbids there), so the order decides nothing a client could
 * mean otherwise. Another declared charset is refused naming it. An ASCII body skips all of this.
 */
final class Bodies {
  /** Form parameters read at most: a form of more is not an envelope. */
  static final int MAX_FORM_PARAMETERS = 64;

  private Bodies() {}

  static JsonNode read(byte[] raw, String contentType, RoutingContext ctx) {
    byte[] body = utf8(raw, charset(contentType));
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

  /** The buffer {@link #validUtf8} decodes through, characters. */
  static final int CHECK_CHARS = 4096;

  /** GB18030, the charset read for every GBK label. */
  static final Charset GB18030 = Charset.forName("GB18030");

  /**
   * The declared charset of {@code contentType}, lower case, or {@code null} when none is declared.
   */
  static String charset(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String part : contentType.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        return p.substring(8).replace("\"", "").strip().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** The body as UTF-8 bytes, decoded from its charset as the class comment says. */
  static byte[] utf8(byte[] body, String charset) {
    if (body == null || ascii(body)) {
      return body;
    }
    boolean gbk =
        charset != null
            && (charset.equals("gbk") || charset.equals("gb2312") || charset.equals("gb18030"));
    if (!gbk && charset != null && !charset.equals("utf-8") && !charset.equals("utf8")) {
      throw NhsaError.invalid(
          "body", "is declared in charset " + charset + ", which is not read: send UTF-8 or GBK");
    }
    if (!gbk && validUtf8(body)) {
      return body;
    }
    String text = strict(GB18030, body);
    if (text == null) {
      throw NhsaError.invalid(
          "body", gbk ? "is not GBK/GB18030 text" : "is neither UTF-8 nor GBK/GB18030 text");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean ascii(byte[] body) {
    for (byte b : body) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code bytes} are well-formed UTF-8, by the JDK's strict decoder run through a small
   * buffer: the body is checked without being copied into a string (Jackson reads the bytes).
   */
  static boolean validUtf8(byte[] bytes) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(CHECK_CHARS);
    CoderResult r;
    do {
      out.clear();
      r = d.decode(in, out, true);
    } while (r.isOverflow());
    if (r.isError()) {
      return false;
    }
    do {
      out.clear();
      r = d.flush(out);
    } while (r.isOverflow());
    return !r.isError();
  }

  private static String strict(Charset charset, byte[] bytes) {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
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
