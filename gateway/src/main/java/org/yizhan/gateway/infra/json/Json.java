package org.yizhan.gateway.infra.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Parses request bodies with limits a hostile client cannot get past: nesting depth, number and
 * string length, and duplicate keys (which could otherwise make two readers see two requests).
 * Numbers are read as exact decimals, never as doubles.
 *
 * <p>Every string of the body must be well-formed text ({@link #wellFormed}): JSON's {@code
 * \\uD800} escape can carry half a character, which UTF-8 cannot encode (the database driver would
 * store a {@code ?}, or the answer could not be written), and PostgreSQL refuses NUL in text.
 * Checking here covers every front door and every field at once; the refusal names the field by its
 * path.
 */
public final class Json {
  /** Deepest nesting a request may have; our bodies need 3. */
  static final int MAX_DEPTH = 16;

  /** Longest number literal, or number written as a string, characters. */
  static final int MAX_NUMBER_LENGTH = 40;

  /**
   * Digits, a point, a sign and an exponent in ASCII only: {@link BigDecimal} also reads the digits
   * of other scripts (full-width "１００"), which no hospital system sends on purpose.
   */
  private static final Pattern ASCII_DECIMAL =
      Pattern.compile("[+-]?[0-9]*(\\.[0-9]*)?([eE][+-]?[0-9]+)?");

  /** Longest string, characters. */
  static final int MAX_STRING_LENGTH = 64 * 1024;

  static final ObjectMapper MAPPER;

  static {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            .build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    MAPPER =
        new ObjectMapper(factory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private Json() {}

  /** Parses a request body; anything but one well-formed JSON value is 400 MALFORMED_JSON. */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw Refusal.badInput("MALFORMED_JSON", "body", "body: a JSON object is required");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (StreamConstraintsException e) {
      throw Refusal.badInput(
          "MALFORMED_JSON", "body", "body: exceeds a limit: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw Refusal.badInput("MALFORMED_JSON", "body", "body: " + notJson(e));
    }
    String bad = badText(tree);
    if (bad != null) {
      throw Refusal.invalidText(bad.isEmpty() ? "body" : bad);
    }
    return tree;
  }

  /**
   * The path of the first string (value or field name) in {@code node} that is not well-formed
   * text, relative to {@code node} ({@code ""} for the node itself); {@code null} when all are.
   */
  static String badText(JsonNode node) {
    if (node.isTextual()) {
      return wellFormed(node.textValue()) ? null : "";
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String r = badText(node.get(i));
        if (r != null) {
          return "[" + i + "]" + (r.isEmpty() || r.startsWith("[") ? r : "." + r);
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!wellFormed(f.getKey())) {
          return "";
        }
        String r = badText(f.getValue());
        if (r != null) {
          return f.getKey() + (r.isEmpty() || r.startsWith("[") ? r : "." + r);
        }
      }
    }
    return null;
  }

  /**
   * A number written as a string (an amount or a quantity), in ASCII and at most {@link
   * #MAX_NUMBER_LENGTH} characters; {@code null} when {@code text} is not one. The one reader of
   * such strings, for the JSON API and the national interface alike.
   */
  public static BigDecimal asciiDecimal(String text) {
    if (text.length() > MAX_NUMBER_LENGTH || !ASCII_DECIMAL.matcher(text).matches()) {
      return null;
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null; // "", "+", ".", "e5": the pattern lets them through
    }
  }

  /**
   * The exact value of a JSON number, or of a string holding an ASCII decimal (trimmed); {@code
   * null} when the string is not one. The one reader of amounts and quantities: the JSON API and
   * the national interface read money here, and name their own fields when it is refused. The
   * caller checks that {@code v} is a number or a string.
   */
  public static BigDecimal decimal(JsonNode v) {
    return v.isNumber() ? v.decimalValue() : asciiDecimal(v.textValue().trim());
  }

  /**
   * Why {@code d} does not fit {@code scale} decimals and the bound {@code maxAbs} ("must be at
   * most …", "must have at most … decimals"), or {@code null} when it fits.
   */
  public static String outOfBounds(BigDecimal d, int scale, BigDecimal maxAbs) {
    if (d.abs().compareTo(maxAbs) > 0) {
      return "must be at most " + maxAbs.toPlainString();
    }
    if (d.stripTrailingZeros().scale() > scale) {
      return "must have at most " + scale + " decimals";
    }
    return null;
  }

  /** {@code d}, which fits {@code scale} ({@link #outOfBounds}), as an unscaled long (fen at 2). */
  public static long unscaled(BigDecimal d, int scale) {
    return d.setScale(scale).unscaledValue().longValueExact();
  }

  /** Whether {@code s} has no lone UTF-16 surrogate and no NUL. */
  /**
   * The one reading of a date the APIs are given (ISO {@code 2018-03-20}), for a JSON field and a
   * query parameter alike; anything else is refused naming {@code field}, never echoing the text.
   */
  public static LocalDate date(String text, String field) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Refusal.invalid(field, "must be a date like 2018-03-20");
    }
  }

  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What is wrong, and where, without the parser's quote of the text: "Unrecognized token '4452…'"
   * would hand back whatever the client sent. A duplicate key is named (it is a field).
   */
  static String notJson(IOException e) {
    if (!(e instanceof JsonProcessingException)) {
      return "not valid JSON";
    }
    JsonProcessingException j = (JsonProcessingException) e;
    String original = j.getOriginalMessage() == null ? "" : j.getOriginalMessage();
    if (original.startsWith("Duplicate field")) {
      return firstLine(original);
    }
    JsonLocation at = j.getLocation();
    return at == null || at.getLineNr() < 1
        ? "not valid JSON"
        : "not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
