package org.yizhan.gateway.infra.db;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gathers many small requests for the database into one round trip (as GraphQL's DataLoader gathers
 * loads): a request that finds no round trip in flight goes at once, alone; while {@code
 * inFlightMax} round trips are in flight, requests queue, and the moment one round trip is answered
 * the next takes everything queued (at most {@code groupMax}). So a lone request on an idle gateway
 * waits for nothing but its own round trip, and under load the number of round trips (statements,
 * commits) stays about constant while the requests per round trip grow with the load: no timer, no
 * linger.
 *
 * <p>The {@link RoundTrip} gets the group's inputs in arrival order and answers one result per
 * input, in the same order: each member learns its own result. A failed round trip (or one that
 * answers the wrong number of results) fails every member of its group with the same cause; the
 * members of the next group are not affected.
 *
 * <p>Bounded: at most {@code queuedMax} requests wait; one more is refused at once with {@link
 * DbGuard.Unavailable} (503 with Retry-After) rather than growing a queue nobody sees the end of.
 *
 * <p>Thread-safe: requests come from every event loop; the queue is guarded by one lock held for a
 * few instructions, never across a round trip. A member is answered on the Vert.x context it came
 * from.
 *
 * @param <T> a request's input
 * @param <R> a request's result
 */
public final class Gatherer<T, R> {
  /** The statement (and its transaction) run for one group. */
  @FunctionalInterface
  public interface RoundTrip<T, R> {
    /** The results of {@code group}'s members, one per input, in order. */
    Future<List<R>> run(List<T> group);
  }

  /** The largest group allowed (the setting's upper bound). */
  public static final int GROUP_MAX_LIMIT = 10_000;

  private record Waiting<T, R>(T input, Promise<R> answer, Context ctx) {}

  private final String name;
  private final int groupMax;
  private final int queuedMax;
  private final int inFlightMax;
  private final RoundTrip<T, R> roundTrip;
  private final Object lock = new Object();

  /** Requests waiting for a round trip; guarded by {@link #lock}. Non-empty only when full. */
  private final ArrayDeque<Waiting<T, R>> queue = new ArrayDeque<>();

  /** Round trips in flight; guarded by {@link #lock}. */
  private int inFlight;

  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong members = new AtomicLong();

  /**
   * @param name what the requests are, for the refusal's message ("nonce checks")
   * @param groupMax the most requests one round trip takes
   * @param queuedMax the most requests waiting while round trips are in flight
   * @param inFlightMax the most round trips at once
   * @param roundTrip the round trip of a group
   */
  public Gatherer(
      String name, int groupMax, int queuedMax, int inFlightMax, RoundTrip<T, R> roundTrip) {
    if (groupMax < 1 || groupMax > GROUP_MAX_LIMIT) {
      throw new IllegalArgumentException(
          "groupMax must be 1.." + GROUP_MAX_LIMIT + ": " + groupMax);
    }
    if (queuedMax < 0) {
      throw new IllegalArgumentException("queuedMax must be >= 0: " + queuedMax);
    }
    if (inFlightMax < 1) {
      throw new IllegalArgumentException("inFlightMax must be >= 1: " + inFlightMax);
    }
    this.name = name;
    this.groupMax = groupMax;
    this.queuedMax = queuedMax;
    this.inFlightMax = inFlightMax;
    this.roundTrip = roundTrip;
  }

  /** {@code input}'s result, from the round trip that takes it. */
  public Future<R> submit(T input) {
    Waiting<T, R> w = new Waiting<>(input, Promise.promise(), Vertx.currentContext());
    boolean goNow;
    synchronized (lock) {
      goNow = inFlight < inFlightMax;
      if (goNow) {
        inFlight++;
      } else if (queue.size() >= queuedMax) {
        return Future.failedFuture(
            new DbGuard.Unavailable("too many " + name + " waiting for the database; retry"));
      } else {
        queue.add(w);
      }
    }
    if (goNow) {
      send(List.of(w));
    }
    return w.answer().future();
  }

  /** Round trips run so far. */
  public long roundTrips() {
    return roundTrips.get();
  }

  /** Requests answered by round trips so far (members of all groups). */
  public long members() {
    return members.get();
  }

  /** Requests waiting now. */
  public int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  private void send(List<Waiting<T, R>> group) {
    roundTrips.incrementAndGet();
    members.addAndGet(group.size());
    List<T> inputs = new ArrayList<>(group.size());
    for (Waiting<T, R> w : group) {
      inputs.add(w.input());
    }
    Future<List<R>> results;
    try {
      results = roundTrip.run(inputs);
    } catch (RuntimeException e) {
      results = Future.failedFuture(e);
    }
    results.onComplete(ar -> done(group, ar));
  }

  private void done(List<Waiting<T, R>> group, AsyncResult<List<R>> ar) {
    List<Waiting<T, R>> next = null;
    synchronized (lock) {
      if (queue.isEmpty()) {
        inFlight--;
      } else {
        next = new ArrayList<>(Math.min(groupMax, queue.size()));
        while (next.size() < groupMax && !queue.isEmpty()) {
          next.add(queue.poll());
        }
      }
    }
    answer(group, ar);
    if (next != null) {
      send(next);
    }
  }

  private void answer(List<Waiting<T, R>> group, AsyncResult<List<R>> ar) {
    if (ar.succeeded() && ar.result().size() != group.size()) {
      IllegalStateException wrong =
          new IllegalStateException(
              "the round trip answered "
                  + ar.result().size()
                  + " results for a group of "
                  + group.size());
      for (Waiting<T, R> w : group) {
        complete(w, Future.failedFuture(wrong));
      }
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      complete(
          group.get(i),
          ar.succeeded()
              ? Future.succeededFuture(ar.result().get(i))
              : Future.failedFuture(ar.cause()));
    }
  }

  private void complete(Waiting<T, R> w, AsyncResult<R> result) {
    if (w.ctx() == null) {
      w.answer().handle(result);
    } else {
      w.ctx().runOnContext(v -> w.answer().handle(result));
    }
  }
}
