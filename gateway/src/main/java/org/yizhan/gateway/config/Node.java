package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;

/**
 * A YAML/JSON node that knows where it is: its file and its path from the root, so that every error
 * it raises reads "file: path.to.field: what is wrong". Used by the loaders of policies, hospitals
 * and application settings.
 */
final class Node {
  private final String file;
  private final String path;
  private final JsonNode json;

  Node(String file, String path, JsonNode json) {
    this.file = file;
    this.path = path;
    this.json = json;
  }

  static Node root(String file, JsonNode json) {
    return new Node(file, "", json);
  }

  String path() {
    return path.isEmpty() ? "(root)" : path;
  }

  ConfigException error(String message) {
    return new ConfigException(file, path(), message);
  }

  boolean isMissingOrNull() {
    return json == null || json.isMissingNode() || json.isNull();
  }

  /** Refuses keys other than {@code allowed}, so a misspelt key is caught, not ignored. */
  Node onlyKeys(Set<String> allowed) {
    requireObject();
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw child(name).error("unknown key; expected one of " + new TreeSet<>(allowed));
      }
    }
    return this;
  }

  /** Every key other than {@code allowed}, each as its error (the loader that lists them all). */
  List<ConfigException> strayKeys(Set<String> allowed) {
    requireObject();
    List<ConfigException> out = new ArrayList<>();
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        out.add(child(name).error("unknown key; expected one of " + new TreeSet<>(allowed)));
      }
    }
    return out;
  }

  Node child(String key) {
    JsonNode c = json == null ? null : json.get(key);
    return new Node(file, path.isEmpty() ? key : path + "." + key, c);
  }

  Node required(String key) {
    Node c = child(key);
    if (c.isMissingOrNull()) {
      throw c.error("is required");
    }
    return c;
  }

  List<Node> elements() {
    if (!json.isArray()) {
      throw error("must be a list");
    }
    List<Node> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      out.add(new Node(file, path + "[" + i + "]", json.get(i)));
    }
    return out;
  }

  /** The entries of a mapping, keys as written. */
  List<Map.Entry<String, Node>> entries() {
    requireObject();
    List<Map.Entry<String, Node>> out = new ArrayList<>();
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      out.add(Map.entry(name, child(name)));
    }
    return out;
  }

  String text() {
    if (!json.isValueNode()) {
      throw error("must be a value, not a " + json.getNodeType().name().toLowerCase());
    }
    return json.asText();
  }

  String text(String pattern, String describe) {
    String t = text();
    if (!t.matches(pattern)) {
      throw error("must be " + describe + ", got '" + t + "'");
    }
    return t;
  }

  boolean bool() {
    if (!json.isBoolean()) {
      throw error("must be true or false, got '" + json.asText() + "'");
    }
    return json.booleanValue();
  }

  int integer(int min, int max) {
    if (!json.canConvertToExactIntegral() || !json.canConvertToInt()) {
      throw error("must be a whole number, got '" + json.asText() + "'");
    }
    int v = json.intValue();
    if (v < min || v > max) {
      throw error("must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  BigDecimal decimal() {
    try {
      if (json.isNumber()) {
        return json.decimalValue();
      }
      return new BigDecimal(text().trim());
    } catch (NumberFormatException e) {
      throw error("must be a number, got '" + json.asText() + "'");
    }
  }

  /** A yuan amount with at most two decimals, in fen. */
  long yuan() {
    BigDecimal d = decimal();
    if (d.signum() < 0) {
      throw error("must not be negative, got " + d.toPlainString());
    }
    try {
      return Fen.fromYuan(d);
    } catch (ArithmeticException e) {
      throw error("must be yuan with at most 2 decimals, got " + d.toPlainString());
    }
  }

  /** A yuan amount, or {@code null} when absent or null. */
  Long yuanOrNull() {
    return isMissingOrNull() ? null : yuan();
  }

  Ratio ratio() {
    try {
      return Ratio.of(decimal());
    } catch (IllegalArgumentException e) {
      throw error("must be a ratio with at most 4 decimals, got " + json.asText());
    }
  }

  Ratio ratioOr(Ratio absent) {
    return isMissingOrNull() ? absent : ratio();
  }

  boolean boolOr(boolean absent) {
    return isMissingOrNull() ? absent : bool();
  }

  LocalDate date() {
    try {
      return LocalDate.parse(text());
    } catch (DateTimeParseException e) {
      throw error("must be a date like 2018-01-01, got '" + json.asText() + "'");
    }
  }

  private void requireObject() {
    if (json == null || !json.isObject()) {
      throw error("must be a mapping of keys to values");
    }
  }
}
