package org.yizhan.gateway.web;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the HTTP server instances share to bound what clients can make the gateway hold before
 * anyone knows who they are: open connections, in all and per remote address, and bytes of request
 * bodies held in memory, all requests together. One per gateway process; thread-safe (every event
 * loop's server counts here).
 *
 * <p>Why a total for bodies: the per-request body limit (2 MiB) bounds one request, not a thousand
 * of them; 1,000 clients each sending most of a 2 MiB body and then stalling took the heap from
 * 0.86 to 4.7 GB. A request's declared length (or the body limit, for a chunked body) is reserved
 * before its body is read and returned when it ends; beyond the total the answer is a quick 503.
 */
public final class Transport {
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final long bodyBytesMax;
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();
  private final AtomicLong bodyBytes = new AtomicLong();

  public Transport(int maxConnections, int maxConnectionsPerAddress, long bodyBytesMax) {
    if (maxConnections < 1 || maxConnectionsPerAddress < 1 || bodyBytesMax < 1) {
      throw new IllegalArgumentException(
          "limits must be >= 1, got "
              + maxConnections
              + ", "
              + maxConnectionsPerAddress
              + ", "
              + bodyBytesMax);
    }
    this.maxConnections = maxConnections;
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    this.bodyBytesMax = bodyBytesMax;
  }

  /** Counts a new connection from {@code address}; false (and not counted) beyond a cap. */
  public boolean open(String address) {
    if (connections.incrementAndGet() > maxConnections) {
      connections.decrementAndGet();
      return false;
    }
    boolean[] admitted = {false};
    byAddress.compute(
        address,
        (a, n) -> {
          int now = n == null ? 0 : n;
          if (now >= maxConnectionsPerAddress) {
            return n;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      connections.decrementAndGet();
    }
    return admitted[0];
  }

  /** Uncounts a connection that {@link #open} admitted. */
  public void close(String address) {
    connections.decrementAndGet();
    byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Reserves {@code bytes} of body memory; false (nothing reserved) beyond the total. */
  public boolean reserveBody(long bytes) {
    while (true) {
      long held = bodyBytes.get();
      if (held + bytes > bodyBytesMax) {
        return false;
      }
      if (bodyBytes.compareAndSet(held, held + bytes)) {
        return true;
      }
    }
  }

  public void releaseBody(long bytes) {
    bodyBytes.addAndGet(-bytes);
  }

  /**
   * Once the answer to a request refused before its body was read is sent, closes its connection if
   * the body is still unread: reading it would cost what the refusal saved, and leaving it would
   * stall the connection.
   */
  public static void closeUnreadBody(RoutingContext ctx) {
    if (ctx.request().isEnded() || ctx.request().version() == HttpVersion.HTTP_2) {
      return;
    }
    ctx.response().putHeader("Connection", "close");
    ctx.addEndHandler(v -> ctx.request().connection().close());
  }

  /** Connections open now. */
  public int connections() {
    return connections.get();
  }

  /** Connections open now from {@code address}. */
  public int connections(String address) {
    return byAddress.getOrDefault(address, 0);
  }

  /** Body bytes reserved now. */
  public long bodyBytes() {
    return bodyBytes.get();
  }
}
