package org.yizhan.gateway.infra.json;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * One object of a request read by {@link JsonStream}: its fields' values in the slots of its {@link
 * Shape}, checked field by field with the very answers of {@link Fields} (a complaint names the
 * field by its path, {@code lines[3].quantity}, and never repeats the value).
 *
 * <p>A slot holds a {@link String} (a JSON string), a {@link BigDecimal} (a JSON number, exact), a
 * {@link Kind} (a value of another kind, read through), {@link Items} (an array of objects of the
 * shape's), or {@code null} (absent, or JSON {@code null}: the same to every reader, as in {@link
 * Fields#raw}).
 */
public final class StreamedObject {
  /** A value kept only as its kind: neither a string nor a number. */
  public enum Kind {
    BOOLEAN,
    OTHER
  }

  /**
   * The elements of an array of objects, up to the shape's most kept: each a {@link
   * StreamedObject}, or {@link Kind#OTHER} for an element that is not an object.
   *
   * @param count every element of the array, kept or not
   */
  public record Items(List<Object> kept, int count) {}

  private final Shape shape;

  /** The path of the object, or of the array holding it when {@link #index} is not -1. */
  private final String at;

  /** Its index in that array, or -1: the path of an element is made only for a complaint. */
  private final int index;

  private final Object[] slots;
  private final String unknown;

  StreamedObject(Shape shape, String at, int index, Object[] slots, String unknown) {
    this.shape = shape;
    this.at = at;
    this.index = index;
    this.slots = slots;
    this.unknown = unknown;
  }

  /** Refuses the object's first field outside its shape ({@code UNKNOWN_FIELD}), if it has one. */
  public StreamedObject known() {
    if (unknown != null) {
      throw Refusal.unknownField(path(unknown));
    }
    return this;
  }

  /** The path of field {@code name}, as complaints name it. */
  public String path(String name) {
    return JsonStream.child(index < 0 ? at : JsonStream.element(at, index), name);
  }

  private Object raw(String name) {
    int slot = shape.slot(name);
    if (slot < 0) {
      throw new IllegalArgumentException("no field " + name + " in the shape");
    }
    return slots[slot];
  }

  /** As {@link Fields#text}. */
  public String text(String name, Pattern shape, String describe, boolean required) {
    String s = string(name, required);
    if (s != null && !Fields.matches(shape, s)) {
      throw Refusal.invalid(path(name), "must be " + describe);
    }
    return s;
  }

  /** As {@link Fields#text}, the shape checked without a regular expression. */
  public String text(String name, TextShape shape, String describe, boolean required) {
    String s = string(name, required);
    if (s != null && !shape.matches(s)) {
      throw Refusal.invalid(path(name), "must be " + describe);
    }
    return s;
  }

  /** The string in field {@code name}, or null when absent and not required. */
  private String string(String name, boolean required) {
    Object v = raw(name);
    if (v == null) {
      if (required) {
        throw Refusal.missing(path(name));
      }
      return null;
    }
    if (!(v instanceof String)) {
      throw Refusal.invalid(path(name), "must be a string");
    }
    return (String) v;
  }

  /** As {@link Fields#date}. */
  public LocalDate date(String name) {
    String s = text(name, Fields.DATE_TEXT, Fields.DATE_DESCRIBED, true);
    return Json.date(s, path(name));
  }

  /** As {@link Fields#idNumber(String, Clock)}. */
  public IdNumber idNumber(String name, Clock clock) {
    Object v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    if (!(v instanceof String)) {
      throw Refusal.invalid(path(name), "must be a string");
    }
    return Fields.idNumber(path(name), (String) v, clock);
  }

  /** As {@link Fields#decimal}: a JSON number or a string holding an ASCII decimal. */
  public long decimal(String name, int scale, BigDecimal maxAbs) {
    Object v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    BigDecimal d;
    if (v instanceof BigDecimal) {
      d = (BigDecimal) v;
    } else if (v instanceof String) {
      d = Json.asciiDecimal(((String) v).trim());
      if (d == null) {
        throw Refusal.invalid(path(name), Fields.NOT_ASCII_DECIMAL);
      }
    } else {
      throw Refusal.invalid(path(name), "must be a number");
    }
    String fault = Json.outOfBounds(d, scale, maxAbs);
    if (fault != null) {
      throw Refusal.invalid(path(name), fault);
    }
    return Json.unscaled(d, scale);
  }

  /**
   * The array of objects in field {@code name} (required): {@code MISSING_FIELD} when absent,
   * {@code INVALID_FIELD} when not an array.
   */
  public Items items(String name) {
    Object v = raw(name);
    if (v == null) {
      throw Refusal.missing(path(name));
    }
    if (!(v instanceof Items)) {
      throw Refusal.invalid(path(name), "must be an array");
    }
    return (Items) v;
  }

  /**
   * Element {@code i} of {@code items} (an array in field {@code name} of this object) as an object
   * without unknown fields; refused naming {@code name[i]} otherwise.
   */
  public StreamedObject element(String name, Items items, int i) {
    Object e = items.kept().get(i);
    if (!(e instanceof StreamedObject)) {
      throw Refusal.invalid(path(name) + "[" + i + "]", "must be a JSON object");
    }
    return ((StreamedObject) e).known();
  }
}
