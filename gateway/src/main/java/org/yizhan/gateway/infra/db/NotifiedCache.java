package org.yizhan.gateway.infra.db;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A read-through cache of per-key reads from PostgreSQL whose staleness is bounded three ways, the
 * design the identities (identity.IdentityDirectory) and the insured register
 * (insured.EnrolmentCache) share:
 *
 * <ol>
 *   <li>A change made through this gateway drops its key here ({@link #invalidate}) after its
 *       transaction commits and before its answer is sent, so whoever made the change, and anyone
 *       after, reads it.
 *   <li>The change's transaction also runs {@link #notifyStatement} with the key (or {@link #ALL}),
 *       and every instance's {@link ChangeListener} drops the key when the notification arrives, so
 *       other instances read it within a notification's delay; a lost listening connection drops
 *       everything, since notifications may have been missed.
 *   <li>An entry is kept at most {@code ttlSeconds}: the bound for a change written to the database
 *       by other means (a script, a restore) or a notification lost otherwise.
 * </ol>
 *
 * <p>The changing instance hears its own notification too and drops the key once more when it
 * arrives: at most one extra read, never a stale one.
 *
 * <p>Loads are coalesced (concurrent reads of one key share one round trip) and a failed load is
 * not kept. An invalidation during a load drops the load's entry, so a read after the invalidation
 * goes to the store again. Memory is bounded: at most {@code maxEntries} keys, least recently used
 * first out.
 *
 * <p>Misses are gathered ({@link Gatherer}): a lone miss loads at once, alone; the misses of other
 * keys arriving while that load is in flight load together in the next round trip, one statement
 * for the group ({@code loadAll}), each key getting its own value. Caffeine still sees one load per
 * key (its future, Caffeine's entry), so gathering changes nothing of the above: an invalidation
 * removes the key's future from the map, and the load, whenever its group answers, completes only
 * the callers that had it already and puts nothing back. A read after the invalidation starts a new
 * load, whose statement starts after the invalidation (in the round trip after the one in flight,
 * or with the old load when that still waits), so it reads the change.
 *
 * @param <V> the cached value of a key
 */
public final class NotifiedCache<V> {
  /** The payload that drops every key (a bulk change). */
  public static final String ALL = "*";

  /** Keys loaded by one round trip at most (elements of the statement's array). */
  static final int LOADS_PER_ROUND_TRIP = 256;

  /** Misses waiting for a round trip at most; one more is refused (503, retry). */
  static final int LOADS_QUEUED_MAX = 4096;

  /**
   * Load round trips in flight at once: one, so that the misses arriving during it go together in
   * the next (an indexed read of a few hundred keys takes about a millisecond).
   */
  static final int LOAD_ROUND_TRIPS_IN_FLIGHT = 1;

  private final Vertx vertx;
  private final String channel;
  private final String notifyStatement;
  private final Gatherer<String, V> loads;
  private final AsyncLoadingCache<String, V> cache;

  /**
   * @param name what a value is, for messages and meters ("enrolments")
   * @param channel the NOTIFY channel of changes; the payload is a key or {@link #ALL}
   * @param maxEntries keys cached at most
   * @param ttlSeconds the longest an entry is kept, seconds (0: not cached, each read loads)
   * @param loadAll the read of a group of keys from the store, one statement: a value per key, in
   *     order (a key may come twice in a group, after an invalidation during its load)
   */
  public NotifiedCache(
      Vertx vertx,
      String name,
      String channel,
      int maxEntries,
      int ttlSeconds,
      Gatherer.RoundTrip<String, V> loadAll) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
    }
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException("ttlSeconds must be >= 0: " + ttlSeconds);
    }
    this.vertx = vertx;
    this.channel = channel;
    this.notifyStatement = Sql.notify(channel);
    this.loads =
        new Gatherer<>(
            "reads of " + name,
            LOADS_PER_ROUND_TRIP,
            LOADS_QUEUED_MAX,
            LOAD_ROUND_TRIPS_IN_FLIGHT,
            loadAll);
    this.cache =
        Caffeine.newBuilder()
            // maintenance (expiry, eviction) on the reading thread, a few instructions under a
            // short lock, instead of waking a ForkJoinPool thread about twice a settlement
            // (measured: 5% of the gateway's CPU per settlement; docs/performance.md)
            .executor(Runnable::run)
            .maximumSize(maxEntries)
            .expireAfterWrite(Duration.ofSeconds(ttlSeconds))
            .recordStats()
            .buildAsync(
                (key, executor) -> loads.submit(key).toCompletionStage().toCompletableFuture());
  }

  /** The key's value, from the cache or loaded. Answered on the caller's context. */
  public Future<V> get(String key) {
    return Future.fromCompletionStage(cache.get(key), vertx.getOrCreateContext());
  }

  /** Forgets the key's value: the next read goes to the store. */
  public void invalidate(String key) {
    cache.synchronous().invalidate(key);
  }

  /** Forgets every value. */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** What a notification on the channel does: {@link #ALL} drops everything, a key drops it. */
  public void notified(String payload) {
    if (ALL.equals(payload)) {
      invalidateAll();
    } else {
      invalidate(payload);
    }
  }

  /** The NOTIFY channel of changes. */
  public String channel() {
    return channel;
  }

  /**
   * {@code SELECT pg_notify('<channel>', $1)}: run it in a change's transaction with the key (or
   * {@link #ALL}); it is sent at COMMIT, to every instance's listener.
   */
  public String notifyStatement() {
    return notifyStatement;
  }

  /** The listener's channel of this cache ({@link ChangeListener}). */
  public ChangeListener.Channel listening() {
    return new ChangeListener.Channel(channel, this::notified, this::invalidateAll);
  }

  /**
   * Publishes the cache's reads answered from it and loaded ({@code yizhan.cache.reads}, tag {@code
   * result} hit or miss), its size ({@code yizhan.cache.entries}) and its load round trips ({@code
   * yizhan.cache.load.round.trips}: statements; misses over them is the mean group), tagged {@code
   * cache}.
   */
  public NotifiedCache<V> bindTo(MeterRegistry registry, String name) {
    FunctionCounter.builder("yizhan.cache.reads", cache, c -> c.synchronous().stats().hitCount())
        .tag("cache", name)
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder("yizhan.cache.reads", cache, c -> c.synchronous().stats().missCount())
        .tag("cache", name)
        .tag("result", "miss")
        .register(registry);
    Gauge.builder("yizhan.cache.entries", cache, c -> c.synchronous().estimatedSize())
        .tag("cache", name)
        .register(registry);
    FunctionCounter.builder("yizhan.cache.load.round.trips", loads, Gatherer::roundTrips)
        .tag("cache", name)
        .register(registry);
    return this;
  }

  /** Reads answered from the cache so far. */
  public long hits() {
    return cache.synchronous().stats().hitCount();
  }

  /**
   * The answer of a group's load: each key's value found, in the group's order, {@code absent} for
   * a key the store has nothing of (so a repeated key gets its value twice).
   */
  public static <V> List<V> perKey(List<String> group, Map<String, V> found, V absent) {
    List<V> out = new ArrayList<>(group.size());
    for (String key : group) {
      out.add(found.getOrDefault(key, absent));
    }
    return out;
  }

  /** A group's keys once each, in order: the array a group's statement reads. */
  public static String[] distinct(List<String> group) {
    return new LinkedHashSet<>(group).toArray(String[]::new);
  }

  /** Load round trips run so far (one statement each). */
  public long loadRoundTrips() {
    return loads.roundTrips();
  }

  /** Keys loaded so far (the members of every load round trip). */
  public long loaded() {
    return loads.members();
  }

  /** Misses waiting for a load round trip now. */
  public int loadsQueued() {
    return loads.queued();
  }

  /** Keys cached now (an estimate; for tests and meters). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }
}
