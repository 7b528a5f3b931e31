package org.yizhan.load.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settlements made during a load, for the reads and reversals that follow: a bounded bag of
 * (hospital, settlement id, person), since a hospital may read and reverse only its own, and read
 * the year figures only of a person it treats. When full a new settlement replaces a random one; a
 * reversal takes its settlement out, so no two reverse the same one.
 */
final class Settled {
  /** Settlements remembered at most. */
  static final int CAPACITY = 10_000;

  record Entry(int hospital, String settlementId, String personIdNo) {}

  private final List<Entry> bag = new ArrayList<>(CAPACITY);

  synchronized void add(int hospital, String settlementId, String personIdNo) {
    Entry e = new Entry(hospital, settlementId, personIdNo);
    if (bag.size() < CAPACITY) {
      bag.add(e);
    } else {
      bag.set(ThreadLocalRandom.current().nextInt(CAPACITY), e);
    }
  }

  /** Any remembered settlement, left in place; null when none. */
  synchronized Entry any() {
    return bag.isEmpty() ? null : bag.get(ThreadLocalRandom.current().nextInt(bag.size()));
  }

  /** The latest added settlement (unless replaced), taken out; null when none. */
  synchronized Entry take() {
    return bag.isEmpty() ? null : bag.remove(bag.size() - 1);
  }
}
