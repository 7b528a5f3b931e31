package org.yizhan.gateway.reconciliation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yizhan.core.model.Fen;

/**
 * The one diff of a reconciliation (对账): the gateway's rows and the hospital's rows of the same
 * settlements, matched by key, and the net figures of each side compared. Both front doors use it:
 * the JSON API's daily reconciliation (items keyed by settlement id or claim number) and the
 * national interface's statements 3201/3202 (rows keyed by setl_id). What a row holds, and how a
 * matched pair's differences are told, is each door's own; which rows pair up, which are missing on
 * which side, and in what order they are answered, is decided here once.
 *
 * <p>A row whose key the other side lacks is missing there; a key is matched when any row of the
 * other side carries it. Pairs come in the order of the side that leads (each of its rows, matched
 * or not), then the other side's unmatched rows in their own order.
 */
public final class Diff {
  private Diff() {}

  /**
   * A row of the gateway and its counterpart of the hospital; one of them is {@code null} when that
   * side lacks the row.
   */
  public record Pair<T>(T gateway, T hospital) {
    public Pair {
      if (gateway == null && hospital == null) {
        throw new IllegalArgumentException("a pair needs a row of at least one side");
      }
    }

    /** Only the gateway has the row. */
    public boolean missingInHospital() {
      return hospital == null;
    }

    /** Only the hospital has the row. */
    public boolean missingInGateway() {
      return gateway == null;
    }
  }

  /**
   * Pairs in the hospital's order (each of its rows, with the gateway's or missing), then the
   * gateway's rows the hospital lacks. A hospital key of {@code null} matches nothing.
   */
  public static <T> List<Pair<T>> inHospitalOrder(
      List<T> gateway,
      Function<T, String> gatewayKey,
      List<T> hospital,
      Function<T, String> hospitalKey) {
    List<Pair<T>> out = new ArrayList<>();
    for (Pair<T> p : match(hospital, hospitalKey, gateway, gatewayKey)) {
      out.add(new Pair<>(p.hospital(), p.gateway()));
    }
    return out;
  }

  /**
   * Pairs in the gateway's order (each of its rows, with the hospital's or missing), then the
   * hospital's rows the gateway lacks.
   */
  public static <T> List<Pair<T>> inGatewayOrder(
      List<T> gateway,
      Function<T, String> gatewayKey,
      List<T> hospital,
      Function<T, String> hospitalKey) {
    return match(gateway, gatewayKey, hospital, hospitalKey);
  }

  /** Pairs (lead, other) in the lead's order, then (null, other) for the other's unmatched rows. */
  private static <T> List<Pair<T>> match(
      List<T> lead, Function<T, String> leadKey, List<T> other, Function<T, String> otherKey) {
    Map<String, T> otherByKey = new LinkedHashMap<>();
    for (T o : other) {
      otherByKey.putIfAbsent(otherKey.apply(o), o);
    }
    List<Pair<T>> out = new ArrayList<>(lead.size() + other.size());
    Set<String> matched = new HashSet<>();
    for (T l : lead) {
      String key = leadKey.apply(l);
      T o = key == null ? null : otherByKey.get(key);
      if (o != null) {
        matched.add(key);
      }
      out.add(new Pair<>(l, o));
    }
    for (T o : other) {
      if (!matched.contains(otherKey.apply(o))) {
        out.add(new Pair<>(null, o));
      }
    }
    return out;
  }

  /**
   * A figure (a count or an amount) on which the two sides differ, as text: amounts in yuan with
   * two decimals, counts as integers.
   */
  public record Figure(String field, String gateway, String hospital) {}

  /** Adds a {@link Figure} to {@code out} when {@code gateway} and {@code hospital} differ. */
  public static void figure(
      List<Figure> out, String field, long gateway, long hospital, boolean money) {
    if (gateway != hospital) {
      out.add(
          new Figure(
              field,
              money ? Fen.format(gateway) : Long.toString(gateway),
              money ? Fen.format(hospital) : Long.toString(hospital)));
    }
  }
}
