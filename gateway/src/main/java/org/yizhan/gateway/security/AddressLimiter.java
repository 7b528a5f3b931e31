package org.yizhan.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per remote address: {@code perSecond} tokens a second, as many at most (a burst of
 * one second's worth). Used where an address spends something of ours before anyone knows who it
 * is, e.g. a database lookup of an API key that is not in the cache.
 *
 * <p>Addresses come from the network, so the set of buckets is a bounded Caffeine cache ({@link
 * #ADDRESSES_MAX}, forgotten a minute after their last use): a flood from many addresses evicts
 * buckets rather than growing memory; an evicted address starts again with a full bucket, which
 * costs at most one second's worth of tokens. Time comes from an injected nanosecond source, so
 * tests need not sleep.
 */
public final class AddressLimiter {
  /** Addresses remembered at most. */
  static final int ADDRESSES_MAX = 100_000;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int perSecond;
  private final LongSupplier nanos;
  private final Cache<String, Bucket> buckets;

  public AddressLimiter(int perSecond, LongSupplier nanos) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be >= 1, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.nanos = nanos;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(ADDRESSES_MAX)
            .expireAfterAccess(Duration.ofMinutes(1))
            .build();
  }

  public int perSecond() {
    return perSecond;
  }

  /** Takes a token of {@code address}; false when its bucket is empty. */
  public boolean tryAcquire(String address) {
    Bucket b = buckets.get(address == null ? "" : address, a -> new Bucket(perSecond, nanos));
    return b.take();
  }

  /** Tokens as a fixed-point count of 1/1e9 token, refilled by the nanoseconds elapsed. */
  private static final class Bucket {
    private final long capacity;
    private final long perSecond;
    private final LongSupplier nanos;
    private long tokensNano;
    private long lastNanos;

    Bucket(int perSecond, LongSupplier nanos) {
      this.perSecond = perSecond;
      this.capacity = perSecond * NANOS_PER_SECOND;
      this.nanos = nanos;
      this.tokensNano = capacity;
      this.lastNanos = nanos.getAsLong();
    }

    synchronized boolean take() {
      long now = nanos.getAsLong();
      long elapsed = Math.max(0, now - lastNanos);
      lastNanos = now;
      // elapsed × perSecond tokens / 1e9, kept in nano-tokens: elapsed × perSecond, capped
      long refill = elapsed > capacity / perSecond ? capacity : elapsed * perSecond;
      tokensNano = Math.min(capacity, tokensNano + refill);
      if (tokensNano < NANOS_PER_SECOND) {
        return false;
      }
      tokensNano -= NANOS_PER_SECOND;
      return true;
    }
  }
}
