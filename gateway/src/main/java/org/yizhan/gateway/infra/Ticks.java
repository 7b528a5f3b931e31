package org.yizhan.gateway.infra;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * A nanosecond tick source for rate limiters, read from the gateway's injected {@link Clock}, so a
 * test that moves its clock moves the limiters too (and never sleeps).
 *
 * <p>A limiter measures elapsed time, and the wall clock may be stepped backwards (NTP, an
 * operator). Read naively, a step back of n seconds would stall a limiter for n seconds (its refill
 * counts from the later time). So the ticks never go back: a step back counts as no time passing,
 * and the ticks go on from where they were. A step forward counts as time passed, which at most
 * refills a limiter (its tokens are capped).
 */
public final class Ticks {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Ticks() {}

  /** Monotonic nanoseconds from {@code clock} (an arbitrary origin; differences only). */
  public static LongSupplier nanos(Clock clock) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    return new Monotonic(clock);
  }

  private static final class Monotonic implements LongSupplier {
    private final Clock clock;

    /** The last tick given, nanoseconds. */
    private long last = Long.MIN_VALUE;

    /** What the clock has been stepped back by in all, nanoseconds: added to every reading. */
    private long backNanos;

    Monotonic(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized long getAsLong() {
      Instant t = clock.instant();
      long now = t.getEpochSecond() * NANOS_PER_SECOND + t.getNano() + backNanos;
      if (now < last) {
        backNanos += last - now;
        now = last;
      }
      last = now;
      return now;
    }
  }
}
