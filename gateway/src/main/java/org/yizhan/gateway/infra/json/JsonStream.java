package org.yizhan.gateway.infra.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Reads a request body of a known shape by streaming (Jackson's parser), without building a tree.
 *
 * <p>Why: a 54-line claim read as a tree is some 400 small objects (a map per line, a node per
 * value), built only to be read once in a fixed order; here each object of the shape is one array
 * of slots, filled as the tokens go by. The checks are those of {@link Json#parse}, with the same
 * answers and in the same order: the whole body is read first, so a body that is not JSON (bad
 * syntax, a limit passed, a duplicate key, trailing tokens) is {@code MALFORMED_JSON} wherever the
 * fault lies; then the first string or field name that is not well-formed text, in document order,
 * is {@code INVALID_TEXT} naming its path; only then does the caller check the fields ({@link
 * StreamedObject}), with the messages of {@link Fields}. Values outside the shape (unknown fields,
 * nested objects where a value is expected) are read through, checked and kept only as their kind,
 * so the caller can refuse them by name.
 *
 * <p>The parser is the one of {@link Json} (its limits of depth, number and string length), so both
 * readers accept and refuse exactly the same bytes; a key twice in one object is found here, as
 * Jackson's strict duplicate detection finds it for {@link Json#parse} and in its words.
 */
public final class JsonStream {
  private JsonStream() {}

  /** The root object of {@code body}, read in {@code shape}; refused as {@link Json#parse} does. */
  public static StreamedObject read(byte[] body, Shape shape) {
    if (body == null || body.length == 0) {
      throw Refusal.badInput("MALFORMED_JSON", "body", "body: a JSON object is required");
    }
    BadText bad = new BadText();
    StreamedObject root;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      // duplicate keys are found here (Dups), by the shape's slots: Jackson's detector kept a set
      // of names per object, a claim's 54 lines' worth of sets (1.2% of the CPU per settlement)
      p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken first = p.nextToken();
      if (first == null) {
        throw Refusal.invalid("body", "must be a JSON object");
      }
      if (first == JsonToken.START_OBJECT) {
        root = object(p, shape, "", -1, bad);
      } else {
        skip(p, "", bad);
        root = null;
      }
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw Refusal.badInput(
            "MALFORMED_JSON",
            "body",
            "body: not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
      }
    } catch (StreamConstraintsException e) {
      throw Refusal.badInput(
          "MALFORMED_JSON",
          "body",
          "body: exceeds a limit: " + Json.firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw Refusal.badInput("MALFORMED_JSON", "body", "body: " + Json.notJson(e));
    }
    if (bad.path != null) {
      throw Refusal.invalidText(bad.path.isEmpty() ? "body" : bad.path);
    }
    if (root == null) {
      throw Refusal.invalid("body", "must be a JSON object");
    }
    return root;
  }

  /** The first path holding text that is not well-formed, once found. */
  private static final class BadText {
    String path;

    void check(String text, String parent, String name) {
      if (path == null && !Json.wellFormed(text)) {
        path = name == null ? parent : child(parent, name);
      }
    }
  }

  /**
   * Reads the object whose START_OBJECT is the current token, in {@code shape}; its path is {@code
   * at}, or element {@code index} of the array at {@code at} when {@code index} is not -1 (made
   * into a string only for a complaint).
   */
  private static StreamedObject object(JsonParser p, Shape shape, String at, int index, BadText bad)
      throws IOException {
    Object[] slots = new Object[shape.size()];
    String unknown = null;
    long seen = 0; // the slots met so far (a shape has at most 64)
    Set<String> others = null; // the names met so far outside the shape
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      int slot = shape.slot(name);
      if (slot >= 0) {
        if ((seen & (1L << slot)) != 0) {
          throw duplicate(name);
        }
        seen |= 1L << slot;
      } else {
        if (others == null) {
          others = new HashSet<>();
        }
        if (!others.add(name)) {
          throw duplicate(name);
        }
      }
      if (bad.path == null && !Json.wellFormed(name)) {
        bad.path = path(at, index);
      }
      JsonToken v = p.nextToken();
      if (slot < 0) {
        if (unknown == null) {
          unknown = name;
        }
        skip(p, child(path(at, index), name), bad);
      } else if (shape.items(slot) != null && v == JsonToken.START_ARRAY) {
        slots[slot] =
            items(p, shape.items(slot), shape.maxItems(slot), child(path(at, index), name), bad);
      } else {
        slots[slot] = scalar(p, v, at, index, name, bad);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IllegalStateException("the parser ended an object with " + t);
    }
    return new StreamedObject(shape, at, index, slots, unknown);
  }

  static String path(String at, int index) {
    return index < 0 ? at : element(at, index);
  }

  static String element(String array, int index) {
    return array + "[" + index + "]";
  }

  /**
   * The elements of an array of objects in {@code shape}: at most {@code maxItems} kept (an element
   * that is not an object is kept as {@link StreamedObject.Kind#OTHER}), all counted.
   */
  private static StreamedObject.Items items(
      JsonParser p, Shape shape, int maxItems, String path, BadText bad) throws IOException {
    List<Object> kept = new ArrayList<>(Math.min(maxItems, 64));
    int count = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      Object item;
      if (t == JsonToken.START_OBJECT) {
        item = object(p, shape, path, count, bad);
      } else {
        skip(p, bad.path == null ? element(path, count) : "", bad);
        item = StreamedObject.Kind.OTHER;
      }
      if (count < maxItems) {
        kept.add(item);
      }
      count++;
    }
    return new StreamedObject.Items(kept, count);
  }

  /** A value where a scalar is expected: its text, its decimal, or only its kind. */
  private static Object scalar(
      JsonParser p, JsonToken v, String at, int index, String name, BadText bad)
      throws IOException {
    switch (v) {
      case VALUE_STRING:
        String s = p.getText();
        if (bad.path == null && !Json.wellFormed(s)) {
          bad.path = child(path(at, index), name);
        }
        return s;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue();
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
      case VALUE_FALSE:
        return StreamedObject.Kind.BOOLEAN;
      default:
        skip(p, child(path(at, index), name), bad);
        return StreamedObject.Kind.OTHER;
    }
  }

  /**
   * Reads through the value whose first token is current (the whole of an object or an array),
   * checking its text; {@code path} is the value's own.
   */
  private static void skip(JsonParser p, String path, BadText bad) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      bad.check(p.getText(), path, null);
    } else if (t == JsonToken.START_OBJECT) {
      Set<String> names = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!names.add(name)) {
          throw duplicate(name);
        }
        if (bad.path == null && !Json.wellFormed(name)) {
          bad.path = path;
        }
        p.nextToken();
        skip(p, bad.path == null ? child(path, name) : "", bad);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        skip(p, bad.path == null ? path + "[" + i + "]" : "", bad);
        i++;
      }
    }
  }

  /**
   * A key twice in one object: {@code MALFORMED_JSON}, in the words of Jackson's strict duplicate
   * detection, which {@link Json#parse} answers with, at the same point of the body.
   */
  private static Refusal duplicate(String name) {
    return Refusal.badInput(
        "MALFORMED_JSON", "body", "body: " + Json.firstLine("Duplicate field '" + name + "'"));
  }

  static String child(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }
}
