package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * Reads one object of a national message field by field, naming every complaint by its full path
 * ({@code input.feedetail[2].cnt}).
 *
 * <p>Lenient where hospital systems differ and strictness buys nothing: unknown fields are ignored
 * (provinces add their own), an empty string counts as absent (many systems send {@code ""} for "no
 * value"), and a code or an amount may come as a JSON string or a JSON number. Strict where a wrong
 * value would settle money wrongly: amounts with more decimals than the national scale, a time that
 * is not {@code yyyy-MM-dd HH:mm:ss}, a code of the wrong shape, an ID number that is not one,
 * digits other than ASCII in an amount.
 *
 * <p>A complaint names the field and never repeats its value: a value in the wrong field may be an
 * ID number, and the answer is logged by the hospital's system.
 */
final class Input {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The largest amount, yuan: what NUMERIC(14,2) holds. */
  static final BigDecimal MAX_AMOUNT = Fen.toYuan(Fen.MAX);

  /** The largest quantity (cnt), units. */
  static final BigDecimal MAX_QUANTITY = new BigDecimal("100000000");

  /** The largest unit price (pric), yuan. */
  static final BigDecimal MAX_PRICE = new BigDecimal("10000000000");

  private static final Pattern ANY = Pattern.compile(".*", Pattern.DOTALL);

  private final JsonNode node;
  private final String path;

  private Input(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The object at {@code path}; refused when absent or not an object. */
  static Input of(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw NhsaError.missing(path);
    }
    if (!node.isObject()) {
      throw NhsaError.invalid(path, "must be a JSON object");
    }
    return new Input(node, path);
  }

  /** Where this object is: {@code input.feedetail[2]}. */
  String where() {
    return path;
  }

  String path(String name) {
    return path + "." + name;
  }

  /** The value of a field, or {@code null} when absent, null or an empty string. */
  JsonNode raw(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
      return null;
    }
    return v;
  }

  Input object(String name) {
    return of(node.get(name), path(name));
  }

  /** The objects of an array field (1 to {@code max}); a single object counts as a list of one. */
  List<Input> objects(String name, int max) {
    JsonNode v = raw(name);
    if (v == null) {
      throw NhsaError.missing(path(name));
    }
    if (v.isObject()) {
      return List.of(new Input(v, path(name)));
    }
    if (!v.isArray()) {
      throw NhsaError.invalid(path(name), "must be an array of objects");
    }
    if (v.size() == 0 || v.size() > max) {
      throw NhsaError.invalid(path(name), "must hold 1 to " + max + " items, got " + v.size());
    }
    List<Input> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(of(v.get(i), path(name) + "[" + i + "]"));
    }
    return out;
  }

  String text(String name, Pattern shape, String describe, boolean required) {
    JsonNode v = raw(name);
    if (v == null) {
      if (required) {
        throw NhsaError.missing(path(name));
      }
      return null;
    }
    String s;
    if (v.isTextual()) {
      s = v.textValue();
    } else if (v.isIntegralNumber()) {
      s = v.bigIntegerValue().toString();
    } else {
      throw NhsaError.invalid(path(name), "must be a string");
    }
    if (!shape.matcher(s).matches()) {
      throw NhsaError.invalid(path(name), "must be " + describe);
    }
    return s;
  }

  /**
   * A decimal with at most {@code scale} decimals and at most {@code maxAbs}, as an unscaled long
   * (fen for scale 2); {@code null} when absent and not required.
   */
  Long decimal(String name, int scale, BigDecimal maxAbs, boolean required) {
    JsonNode v = raw(name);
    if (v == null) {
      if (required) {
        throw NhsaError.missing(path(name));
      }
      return null;
    }
    if (!v.isNumber() && !v.isTextual()) {
      throw NhsaError.invalid(path(name), "must be a number");
    }
    BigDecimal d = Json.decimal(v);
    if (d == null) {
      throw NhsaError.invalid(path(name), "must be a number written with ASCII digits");
    }
    String fault = Json.outOfBounds(d, scale, maxAbs);
    if (fault != null) {
      throw NhsaError.invalid(path(name), fault);
    }
    return Json.unscaled(d, scale);
  }

  /** A time {@code yyyy-MM-dd HH:mm:ss}; a bare date means its first second. */
  LocalDateTime time(String name, boolean required) {
    String s = text(name, Pattern.compile(".{10,19}"), "a time like 2018-03-01 09:30:00", required);
    if (s == null) {
      return null;
    }
    try {
      return s.length() == 10 ? LocalDate.parse(s).atStartOfDay() : LocalDateTime.parse(s, TIME);
    } catch (DateTimeParseException e) {
      throw NhsaError.invalid(path(name), "must be a time like 2018-03-01 09:30:00");
    }
  }

  /**
   * An ID number (居民身份证) in any spelling {@link IdNumber#parse} accepts, canonical; refused {@code
   * [INVALID_ID_NUMBER]} naming the field and the fault, never the value.
   */
  IdNumber idNumber(String name, boolean required, Clock clock) {
    String s = text(name, ANY, "an ID number (居民身份证)", required);
    if (s == null) {
      return null;
    }
    try {
      return IdNumber.parse(s, IdNumber.latestBirthDate(clock));
    } catch (IdNumber.Invalid e) {
      throw new NhsaError(
          "[INVALID_ID_NUMBER] " + path(name) + " is not a valid ID number: " + e.getMessage());
    }
  }

  /** A date {@code yyyy-MM-dd} (a time's date part is accepted). */
  LocalDate date(String name, boolean required) {
    LocalDateTime t = time(name, required);
    return t == null ? null : t.toLocalDate();
  }
}
