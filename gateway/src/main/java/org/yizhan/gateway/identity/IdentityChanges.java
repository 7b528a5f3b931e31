package org.yizhan.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.security.HospitalKeys;

/**
 * Listens on PostgreSQL channel {@link IdentityDirectory#CHANNEL} and drops the named person's
 * cached identities ("*" drops all): an identity change made through any gateway instance reaches
 * every instance's cache when its transaction commits. The same connection listens on {@link
 * HospitalKeys#CHANNEL} and drops cached key lookups when a hospital's key is revoked. If the
 * listening connection drops, it reconnects, and everything cached is dropped, since notifications
 * may have been missed.
 */
public final class IdentityChanges {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityChanges.class);

  /** Wait between reconnection attempts, milliseconds. */
  static final long RECONNECT_MILLIS = 1_000;

  private final PgSubscriber subscriber;
  private volatile boolean closing;

  /** The listening connection's name in the SQL client meters (the pool's is empty). */
  public static final String METRICS_NAME = "listen";

  private IdentityChanges(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  public static Future<IdentityChanges> listen(
      Vertx vertx, PgConnectOptions options, IdentityDirectory directory, Runnable keysChanged) {
    return listen(vertx, options, directory, keysChanged, Map.of());
  }

  /**
   * As above, and on each channel of {@code more} runs its action when a notification arrives, when
   * the channel is (re)subscribed and when the connection is lost (a notification may have been
   * missed): e.g. the policy book's reload on {@code yizhan_policy_versions}.
   */
  public static Future<IdentityChanges> listen(
      Vertx vertx,
      PgConnectOptions options,
      IdentityDirectory directory,
      Runnable keysChanged,
      Map<String, Runnable> more) {
    PgConnectOptions named = new PgConnectOptions(options);
    named.setMetricsName(METRICS_NAME);
    PgSubscriber subscriber =
        PgSubscriber.subscriber(vertx, named).reconnectPolicy(retries -> RECONNECT_MILLIS);
    subscriber
        .channel(IdentityDirectory.CHANNEL)
        .subscribeHandler(v -> directory.invalidateAll())
        .handler(
            person -> {
              if ("*".equals(person)) {
                directory.invalidateAll();
              } else {
                directory.invalidate(person);
              }
            });
    subscriber
        .channel(HospitalKeys.CHANNEL)
        .subscribeHandler(v -> keysChanged.run())
        .handler(hospital -> keysChanged.run());
    for (Map.Entry<String, Runnable> c : more.entrySet()) {
      subscriber
          .channel(c.getKey())
          .subscribeHandler(v -> c.getValue().run())
          .handler(payload -> c.getValue().run());
    }
    IdentityChanges changes = new IdentityChanges(subscriber);
    subscriber.closeHandler(
        v -> {
          if (!changes.closing) {
            LOG.warn("identity change listener lost its connection; reconnecting");
            directory.invalidateAll();
            keysChanged.run();
            more.values().forEach(Runnable::run);
          }
        });
    return subscriber.connect().map(v -> changes);
  }

  public Future<Void> close() {
    closing = true;
    return subscriber.close();
  }
}
