package org.yizhan.gateway.infra.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection that LISTENs on the channels of changes (PostgreSQL NOTIFY) and runs each
 * channel's action on a notification: a cached person's identities or enrolments dropped ({@link
 * NotifiedCache}), a hospital's keys dropped, the policy book reloaded. When the channel is
 * (re)subscribed and when the connection is lost, each channel's {@code missed} action runs
 * (notifications may have been missed: drop everything, reload); the connection reconnects by
 * itself.
 */
public final class ChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  /** Wait between reconnection attempts, milliseconds. */
  static final long RECONNECT_MILLIS = 1_000;

  /** The listening connection's name in the SQL client meters (the pool's is empty). */
  public static final String METRICS_NAME = "listen";

  /**
   * A channel and what to do on it.
   *
   * @param name the NOTIFY channel
   * @param notified run with each notification's payload
   * @param missed run when notifications may have been missed (subscribed, connection lost)
   */
  public record Channel(String name, Consumer<String> notified, Runnable missed) {
    /** A channel whose every notification, like a missed one, runs {@code action}. */
    public static Channel any(String name, Runnable action) {
      return new Channel(name, payload -> action.run(), action);
    }
  }

  private final PgSubscriber subscriber;
  private volatile boolean closing;

  private ChangeListener(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  /** Connects and listens on {@code channels}. */
  public static Future<ChangeListener> listen(
      Vertx vertx, PgConnectOptions options, List<Channel> channels) {
    PgConnectOptions named = new PgConnectOptions(options);
    named.setMetricsName(METRICS_NAME);
    PgSubscriber subscriber =
        PgSubscriber.subscriber(vertx, named).reconnectPolicy(retries -> RECONNECT_MILLIS);
    for (Channel c : channels) {
      subscriber
          .channel(c.name())
          .subscribeHandler(v -> c.missed().run())
          .handler(payload -> c.notified().accept(payload));
    }
    ChangeListener listener = new ChangeListener(subscriber);
    subscriber.closeHandler(
        v -> {
          if (!listener.closing) {
            LOG.warn("change listener lost its connection; reconnecting");
            channels.forEach(c -> c.missed().run());
          }
        });
    return subscriber.connect().map(v -> listener);
  }

  public Future<Void> close() {
    closing = true;
    return subscriber.close();
  }
}
