package org.yizhan.gateway.web;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shares the gateway's capacity fairly between hospitals: at most {@code slots} hospital requests
 * are at work at once (past their body, in the database or the engine), and when a slot frees the
 * next request is taken from the next hospital that has one waiting, round-robin, not from the
 * front of one long queue.
 *
 * <p>Why: each hospital's own limits (requests a second, requests in flight) stop a hospital from
 * exceeding its share of the gateway, but not from using all of it while within its share. Without
 * this, a hospital with 256 requests in flight fills the database pool's FIFO wait queue, and every
 * request of another hospital waits behind all of them (measured: 613 settlements a second from one
 * hospital raised another's median from 1.2 to 66 ms). With it, another hospital's request waits
 * for one slot to free, whatever the first hospital has queued; the queued requests of the flooding
 * hospital wait in its own queue, bounded by its concurrency limit, and are answered by the request
 * timeout if they wait too long.
 *
 * <p>Each slot is returned exactly once: when its request ends (answered, timed out, failed) or its
 * client goes away; a request whose client goes away while it waits leaves the queue. Thread-safe:
 * every HTTP verticle instance shares one FairShare; a waiter is resumed on its own event loop.
 */
public final class FairShare {
  private static final int WAITING = 0;
  private static final int GRANTED = 1;
  private static final int DONE = 2;

  private final int slots;
  private int inUse;

  /** Each hospital's waiting requests, oldest first; present only while non-empty. */
  private final Map<String, ArrayDeque<Waiter>> queues = new HashMap<>();

  /** Hospitals with requests waiting, in the order they are served. */
  private final ArrayDeque<String> turn = new ArrayDeque<>();

  public FairShare(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    this.slots = slots;
  }

  private static final class Waiter {
    final Context context;
    final Promise<Void> promise = Promise.promise();
    final AtomicInteger state = new AtomicInteger(WAITING);

    Waiter(Context context) {
      this.context = context;
    }
  }

  /**
   * Completes when a slot is {@code hospitalCode}'s for {@code ctx}; the slot is returned when the
   * request ends. Call on the request's event loop.
   */
  public Future<Void> enter(RoutingContext ctx, String hospitalCode) {
    if (Limits.gone(ctx)) {
      return Future.failedFuture(
          new HttpRefusal(499, "CLIENT_CLOSED", null, "the client closed the connection"));
    }
    Waiter w = new Waiter(ctx.vertx().getOrCreateContext());
    boolean now;
    synchronized (this) {
      now = inUse < slots && turn.isEmpty();
      if (now) {
        inUse++;
        w.state.set(GRANTED);
      } else {
        ArrayDeque<Waiter> q = queues.get(hospitalCode);
        if (q == null) {
          q = new ArrayDeque<>();
          queues.put(hospitalCode, q);
          turn.addLast(hospitalCode);
        }
        q.addLast(w);
      }
    }
    ctx.addEndHandler(v -> leave(w));
    if (now) {
      w.promise.complete();
    }
    return w.promise.future();
  }

  /** Requests holding a slot now. */
  public synchronized int inUse() {
    return inUse;
  }

  /** Requests waiting for a slot now. */
  public synchronized int waiting() {
    int n = 0;
    for (ArrayDeque<Waiter> q : queues.values()) {
      for (Waiter w : q) {
        n += w.state.get() == WAITING ? 1 : 0;
      }
    }
    return n;
  }

  private void leave(Waiter w) {
    if (w.state.compareAndSet(GRANTED, DONE)) {
      release();
    } else if (w.state.compareAndSet(WAITING, DONE)) {
      // left while waiting: it stays in its queue as a tombstone, skipped when its turn comes
      w.promise.tryFail(new HttpRefusal(499, "CLIENT_CLOSED", null, "the request ended"));
    }
  }

  /** Returns a slot and hands it to the next hospital's oldest waiting request, if any. */
  private void release() {
    Waiter next = null;
    synchronized (this) {
      inUse--;
      while (next == null && !turn.isEmpty()) {
        String hospital = turn.pollFirst();
        ArrayDeque<Waiter> q = queues.get(hospital);
        Waiter w;
        while ((w = q.pollFirst()) != null) {
          if (w.state.compareAndSet(WAITING, GRANTED)) {
            next = w;
            break;
          }
        }
        if (q.isEmpty()) {
          queues.remove(hospital);
        } else {
          turn.addLast(hospital);
        }
      }
      if (next != null) {
        inUse++;
      }
    }
    if (next != null) {
      Waiter granted = next;
      granted.context.runOnContext(v -> granted.promise.tryComplete());
    }
  }
}
