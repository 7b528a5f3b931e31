package org.yizhan.gateway.simulation;

import java.util.Objects;
import org.yizhan.core.model.AccumulatorDelta;

/**
 * What a simulation's read gives the replay, in settlement order per person: a claim of the period
 * to settle on both sides ({@link ReplayClaim}), or, before a person's first claim of a period that
 * starts after 1 January, a settlement of that year before the period ({@link Prior}), whose stored
 * delta starts both sides' year figures where the person's stood.
 */
public sealed interface Replayed permits ReplayClaim, Replayed.Prior {
  /** The person whose settlement this is. */
  String personIdNo();

  /**
   * A live settlement of the period's first year discharged before the period: not replayed, not
   * counted; its stored delta (what it added to the year's figures) is added to both sides.
   *
   * @param personIdNo the person
   * @param delta what the settlement added to the person's year figures
   */
  record Prior(String personIdNo, AccumulatorDelta delta) implements Replayed {
    public Prior {
      Objects.requireNonNull(personIdNo, "personIdNo");
      Objects.requireNonNull(delta, "delta");
    }
  }
}
