package org.yizhan.gateway.infra.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Reads one JSON object of a request field by field, so that every complaint names the field by its
 * path ({@code lines[3].quantity}) and says what is wrong. Unknown fields are refused: a misspelt
 * optional field would otherwise be silently ignored, and a payments API should say so.
 *
 * <p>A complaint never repeats the value: a client that puts an ID number in the wrong field must
 * not get it back in an answer that is logged on both sides. Every string here is well-formed text
 * ({@link Json#parse} refuses a body with half a character or a NUL).
 */
public final class Fields {
  private final JsonNode node;
  private final String prefix;

  private Fields(JsonNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  /** The object at {@code path}, refusing fields outside {@code allowed}. */
  public static Fields of(JsonNode node, String path, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw Refusal.invalid(path.isEmpty() ? "body" : path, "must be a JSON object");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw Refusal.unknownField(path.isEmpty() ? name : path + "." + name);
      }
    }
    return new Fields(node, path.isEmpty() ? "" : path + ".");
  }

  public String path(String name) {
    return prefix + name;
  }

  public JsonNode raw(String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  public String text(String name, Pattern shape, String describe, boolean required) {
    JsonNode v = raw(name);
    if (v == null) {
      if (required) {
        throw Refusal.missing(path(name));
      }
      return null;
    }
    if (!v.isTextual()) {
      throw Refusal.invalid(path(name), "must be a string");
    }
    return shaped(path(name), v.textValue(), shape, describe);
  }

  /** {@code s}, the text of {@code field}, when it matches {@code shape}; refused otherwise. */
  static String shaped(String field, String s, Pattern shape, String describe) {
    if (!matches(shape, s)) {
      throw Refusal.invalid(field, "must be " + describe);
    }
    return s;
  }

  /**
   * Whether {@code s} matches {@code shape} whole, with one matcher per pattern and thread, reset
   * for each text: a claim's checks match a few hundred short texts, and a new matcher each time
   * was a third of the bytes its reading allocated.
   */
  static boolean matches(Pattern shape, String s) {
    Map<Pattern, Matcher> mine = MATCHERS.get();
    Matcher m = mine.get(shape);
    if (m == null) {
      if (mine.size() >= MATCHERS_PER_THREAD_MAX) {
        return shape.matcher(s).matches();
      }
      m = shape.matcher("");
      mine.put(shape, m);
    }
    boolean matched = m.reset(s).matches();
    m.reset("");
    return matched;
  }

  /** The most patterns a thread keeps a matcher for (the APIs use a few dozen). */
  static final int MATCHERS_PER_THREAD_MAX = 256;

  private static final ThreadLocal<Map<Pattern, Matcher>> MATCHERS =
      ThreadLocal.withInitial(IdentityHashMap::new);

  /** What a date field's text may be before it is read as a date. */
  static final Pattern DATE_TEXT = Pattern.compile(".{1,32}");

  static final String DATE_DESCRIBED = "a date like 2018-03-20";

  public LocalDate date(String name) {
    String s = text(name, DATE_TEXT, DATE_DESCRIBED, true);
    return Json.date(s, path(name));
  }

  /**
   * An ID number in any spelling {@link IdNumber#parse} accepts, canonical; refused {@code
   * INVALID_ID_NUMBER} naming the field and the fault, never the value.
   *
   * @param clock the gateway's clock: a birth date after its today is refused
   */
  public IdNumber idNumber(String name, Clock clock) {
    JsonNode v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    if (!v.isTextual()) {
      throw Refusal.invalid(path(name), "must be a string");
    }
    return idNumber(path(name), v.textValue(), clock);
  }

  /** {@code text} as an ID number, or {@code INVALID_ID_NUMBER} naming {@code field}. */
  public static IdNumber idNumber(String field, String text, Clock clock) {
    try {
      return IdNumber.parse(text, IdNumber.latestBirthDate(clock));
    } catch (IdNumber.Invalid e) {
      throw Refusal.invalidIdNumber(field, e.getMessage());
    }
  }

  /**
   * A decimal given as a JSON number or a numeric string, with at most {@code scale} decimals, as
   * an unscaled long; {@code maxAbs} bounds its size.
   */
  public long decimal(String name, int scale, BigDecimal maxAbs) {
    JsonNode v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    if (!v.isNumber() && !v.isTextual()) {
      throw Refusal.invalid(path(name), "must be a number");
    }
    BigDecimal d = Json.decimal(v);
    if (d == null) {
      throw Refusal.invalid(path(name), NOT_ASCII_DECIMAL);
    }
    return scaled(path(name), d, scale, maxAbs);
  }

  static final String NOT_ASCII_DECIMAL = "must be a number written with ASCII digits, like 12.50";

  /**
   * A money amount as a person types it (the managers' API only): a JSON number, or text with ASCII
   * or full-width digits ({@code ５０００}), an optional thousands separator in groups of three ({@code
   * 5,000.00}, {@code ５，０００．００}) and a decimal point; see {@link TypedAmount}. The hospitals' API
   * keeps {@link #decimal}: its input is a machine's, and refuses all of these.
   */
  public long typedAmount(String name, int scale, BigDecimal maxAbs) {
    JsonNode v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    BigDecimal d;
    if (v.isNumber()) {
      d = v.decimalValue();
    } else if (v.isTextual()) {
      d = TypedAmount.parse(path(name), v.textValue());
    } else {
      throw Refusal.invalid(path(name), "must be a number");
    }
    return scaled(path(name), d, scale, maxAbs);
  }

  /**
   * {@code d}, the value of {@code field}, unscaled at {@code scale}; refused when out of bounds.
   */
  static long scaled(String field, BigDecimal d, int scale, BigDecimal maxAbs) {
    String fault = Json.outOfBounds(d, scale, maxAbs);
    if (fault != null) {
      throw Refusal.invalid(field, fault);
    }
    return Json.unscaled(d, scale);
  }
}
