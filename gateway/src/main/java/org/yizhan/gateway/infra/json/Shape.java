package org.yizhan.gateway.infra.json;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields an object of a request may have, each given a slot, for {@link JsonStream}: plain
 * values, and arrays of objects of their own shape (a claim's lines) with the most elements kept.
 * Built once per request type and shared; immutable.
 */
public final class Shape {
  private final Map<String, Integer> slots;
  private final Shape[] items;
  private final int[] maxItems;

  /** The most fields a shape may have: {@link JsonStream} marks the fields met in a long. */
  static final int FIELDS_MAX = 64;

  private Shape(List<String> names, Map<String, Shape> arrays, Map<String, Integer> arrayMax) {
    if (names.size() > FIELDS_MAX) {
      throw new IllegalArgumentException(
          "at most " + FIELDS_MAX + " fields in a shape: " + names.size());
    }
    this.slots = new HashMap<>();
    this.items = new Shape[names.size()];
    this.maxItems = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (slots.put(name, i) != null) {
        throw new IllegalArgumentException("field " + name + " named twice");
      }
      items[i] = arrays.get(name);
      maxItems[i] = arrayMax.getOrDefault(name, 0);
    }
  }

  /** An object of plain fields {@code names}. */
  public static Shape of(String... names) {
    return new Shape(List.of(names), Map.of(), Map.of());
  }

  /**
   * This shape with field {@code name} (one of its own) read as an array of objects of {@code
   * item}, keeping at most {@code most} of them (the rest are read, checked and counted).
   */
  public Shape withArray(String name, Shape item, int most) {
    if (most < 1) {
      throw new IllegalArgumentException("most must be at least 1: " + most);
    }
    Integer at = slots.get(name);
    if (at == null) {
      throw new IllegalArgumentException("no field " + name + " in " + slots.keySet());
    }
    String[] names = new String[items.length];
    Map<String, Shape> arrays = new HashMap<>();
    Map<String, Integer> max = new HashMap<>();
    for (Map.Entry<String, Integer> e : slots.entrySet()) {
      names[e.getValue()] = e.getKey();
      if (items[e.getValue()] != null) {
        arrays.put(e.getKey(), items[e.getValue()]);
        max.put(e.getKey(), maxItems[e.getValue()]);
      }
    }
    arrays.put(name, item);
    max.put(name, most);
    return new Shape(List.of(names), arrays, max);
  }

  /** The slot of field {@code name}, or -1 when the shape has no such field. */
  int slot(String name) {
    Integer i = slots.get(name);
    return i == null ? -1 : i;
  }

  int size() {
    return items.length;
  }

  /** The shape of the elements of the array in {@code slot}, or {@code null} for a plain value. */
  Shape items(int slot) {
    return items[slot];
  }

  int maxItems(int slot) {
    return maxItems[slot];
  }
}
