package org.yizhan.gateway.infra.db;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Function;

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
 * @param <V> the cached value of a key
 */
public final class NotifiedCache<V> {
  /** The payload that drops every key (a bulk change). */
  public static final String ALL = "*";

  private final Vertx vertx;
  private final String channel;
  private final String notifyStatement;
  private final AsyncLoadingCache<String, V> cache;

  /**
   * @param channel the NOTIFY channel of changes; the payload is a key or {@link #ALL}
   * @param maxEntries keys cached at most
   * @param ttlSeconds the longest an entry is kept, seconds (0: not cached, each read loads)
   * @param load the read of a key from the store
   */
  public NotifiedCache(
      Vertx vertx,
      String channel,
      int maxEntries,
      int ttlSeconds,
      Function<String, Future<V>> load) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
    }
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException("ttlSeconds must be >= 0: " + ttlSeconds);
    }
    this.vertx = vertx;
    this.channel = channel;
    this.notifyStatement = Sql.notify(channel);
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfterWrite(Duration.ofSeconds(ttlSeconds))
            .recordStats()
            .buildAsync(
                (key, executor) -> load.apply(key).toCompletionStage().toCompletableFuture());
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
   * result} hit or miss) and its size ({@code yizhan.cache.entries}), tagged {@code cache}.
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
    return this;
  }

  /** Reads answered from the cache so far. */
  public long hits() {
    return cache.synchronous().stats().hitCount();
  }

  /** Keys cached now (an estimate; for tests and meters). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }
}
