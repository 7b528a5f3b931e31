package org.yizhan.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Parses request bodies with limits a hostile client cannot get past: nesting depth, number and
 * string length, and duplicate keys (which could otherwise make two readers see two requests).
 * Numbers are read as exact decimals, never as doubles.
 */
public final class Json {
  /** Deepest nesting a request may have; our bodies need 3. */
  static final int MAX_DEPTH = 16;

  /** Longest number literal, characters. */
  static final int MAX_NUMBER_LENGTH = 40;

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
      throw ApiError.badRequest("MALFORMED_JSON", "body", "body: a JSON object is required");
    }
    try {
      return MAPPER.readTree(body);
    } catch (StreamConstraintsException e) {
      throw ApiError.badRequest(
          "MALFORMED_JSON", "body", "body: exceeds a limit: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw ApiError.badRequest(
          "MALFORMED_JSON", "body", "body: not valid JSON: " + firstLine(e.getMessage()));
    }
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
