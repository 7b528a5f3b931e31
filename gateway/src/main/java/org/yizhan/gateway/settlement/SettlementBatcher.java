package org.yizhan.gateway.settlement;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the settle requests that wait for the database into batches, each written by {@link
 * SettlementBatch} in one transaction (group commit).
 *
 * <p>A request joins the open batch; the batch goes when it holds {@code maxSize} members or when
 * the first of them has waited {@code lingerMicros}, whichever comes first. So a lone request on an
 * idle gateway waits at most the linger, and under load a batch fills in a fraction of it. Each
 * member is answered once its batch has committed (or has decided it without writing: a replay, a
 * conflict, a refusal), on the Vert.x context it came from.
 *
 * <p>At most {@code maxInFlight} batch transactions run at once (half the database pool, so the
 * reads of the requests still find connections). While they do, closed batches wait for a slot and
 * the open batch keeps filling up to {@code maxSize}: the busier the database, the larger the
 * batches, which is what makes group commit pay under load (rather than queueing one small
 * transaction after another in the pool).
 *
 * <p>Twins wait: a request whose claim number or Idempotency-Key (at its hospital) belongs to a
 * member in flight joins a batch only once that member has been answered, so a replay sent while
 * its original is being written gets the original's answer (the store's replay checks find it),
 * never a second settlement or a unique violation.
 *
 * <p>One bad member never fails its neighbours. Refusals are decided in memory without writing. If
 * PostgreSQL still refuses a batch (a constraint, a deadlock with another instance's work, a
 * serialisation failure), the batch is split in halves and each half tried again, down to single
 * settlements; a single settlement that lost a race is tried again up to {@link
 * SettlementStore#MAX_ATTEMPTS} times, as without batches. Any other failure (the connection, the
 * pool) fails the whole batch at once: splitting would only multiply the work of a database that is
 * not there, and the requests' circuit breaker sees each failure.
 */
final class SettlementBatcher {
  /** The longest wait allowed, microseconds (the setting's upper bound: one second). */
  static final int LINGER_MICROS_MAX = 1_000_000;

  /** The largest batch allowed (the setting's upper bound). */
  static final int MAX_SIZE_MAX = 1_000;

  private record Waiting(
      SettlementBatch.Member member, Promise<SettleResult> answer, Context ctx) {}

  private final Vertx vertx;
  private final Pool pool;
  private final SettlementBatch batch;
  private final long lingerMicros;
  private final int maxSize;
  private final int maxInFlight;

  private final Object lock = new Object();

  /** The open batch, in arrival order; guarded by {@link #lock}. */
  private List<Waiting> open = new ArrayList<>();

  /** Whether a timer will close the open batch; guarded by {@link #lock}. */
  private boolean timerSet;

  /** Closed batches waiting for a transaction slot, oldest first; guarded by {@link #lock}. */
  private final ArrayDeque<List<Waiting>> ready = new ArrayDeque<>();

  /** Batch transactions in flight; guarded by {@link #lock}. */
  private int sending;

  /**
   * Whether the open batch has lingered long enough and goes at the next free slot (meanwhile it
   * keeps filling); guarded by {@link #lock}.
   */
  private boolean openDue;

  /** Members not yet answered, by claim number and by key at their hospital; by {@link #lock}. */
  private final Map<String, Future<SettleResult>> inFlight = new HashMap<>();

  SettlementBatcher(
      Vertx vertx,
      Pool pool,
      SettlementBatch batch,
      int lingerMicros,
      int maxSize,
      int maxInFlight) {
    if (lingerMicros < 0 || lingerMicros > LINGER_MICROS_MAX) {
      throw new IllegalArgumentException(
          "lingerMicros must be 0.." + LINGER_MICROS_MAX + ", got " + lingerMicros);
    }
    if (maxSize < 1 || maxSize > MAX_SIZE_MAX) {
      throw new IllegalArgumentException("maxSize must be 1.." + MAX_SIZE_MAX + ", got " + maxSize);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.vertx = vertx;
    this.pool = pool;
    this.batch = batch;
    this.lingerMicros = lingerMicros;
    this.maxSize = maxSize;
  }

  /** Settles {@code member} in the next batch; completes on the caller's context. */
  Future<SettleResult> settle(SettlementBatch.Member member) {
    Waiting w = new Waiting(member, Promise.promise(), Vertx.currentContext());
    join(w);
    return w.answer().future();
  }

  private void join(Waiting w) {
    List<List<Waiting>> due;
    synchronized (lock) {
      Future<SettleResult> twin = twinInFlight(w.member());
      if (twin != null) {
        twin.onComplete(done -> join(w));
        return;
      }
      track(w);
      open.add(w);
      if (open.size() >= maxSize || lingerMicros == 0) {
        ready.add(take());
      } else if (!timerSet && !openDue) {
        timerSet = true;
        vertx.timer(lingerMicros, TimeUnit.MICROSECONDS).onComplete(t -> lingered());
      }
      due = startable();
    }
    due.forEach(b -> send(b, 1, true));
  }

  private void lingered() {
    List<List<Waiting>> due;
    synchronized (lock) {
      timerSet = false;
      openDue = !open.isEmpty();
      due = startable();
    }
    due.forEach(b -> send(b, 1, true));
  }

  /** A slot came free: the next closed batches go. */
  private void slotFreed() {
    List<List<Waiting>> due;
    synchronized (lock) {
      sending--;
      due = startable();
    }
    due.forEach(b -> send(b, 1, true));
  }

  /** The closed batches that may start now, each taking a slot; under {@link #lock}. */
  private List<List<Waiting>> startable() {
    if (openDue && ready.isEmpty() && sending < maxInFlight) {
      ready.add(take());
    }
    if (ready.isEmpty() || sending >= maxInFlight) {
      return List.of();
    }
    List<List<Waiting>> due = new ArrayList<>(2);
    while (!ready.isEmpty() && sending < maxInFlight) {
      sending++;
      due.add(ready.poll());
    }
    return due;
  }

  private List<Waiting> take() {
    List<Waiting> taken = open;
    open = new ArrayList<>();
    openDue = false;
    return taken;
  }

  private Future<SettleResult> twinInFlight(SettlementBatch.Member m) {
    Future<SettleResult> twin = inFlight.get(claimKey(m));
    String key = idempotencyKey(m);
    if (twin == null && key != null) {
      twin = inFlight.get(key);
    }
    // answered, its entry about to go (another thread completes it and waits for the lock)
    return twin == null || twin.isComplete() ? null : twin;
  }

  private void track(Waiting w) {
    String claim = claimKey(w.member());
    String key = idempotencyKey(w.member());
    Future<SettleResult> mine = w.answer().future();
    inFlight.put(claim, mine);
    if (key != null) {
      inFlight.put(key, mine);
    }
    // registered before any twin's listener, so a twin finds the way clear when it joins again
    mine.onComplete(
        done -> {
          synchronized (lock) {
            inFlight.remove(claim, mine);
            if (key != null) {
              inFlight.remove(key, mine);
            }
          }
        });
  }

  /**
   * Runs {@code members} as one transaction; {@code slot}: this is a closed batch's first try,
   * holding a slot that its first answer frees (its halves and retries run outside the slots).
   */
  private void send(List<Waiting> members, int attempt, boolean slot) {
    List<SettlementBatch.Member> list = new ArrayList<>(members.size());
    for (Waiting w : members) {
      list.add(w.member());
    }
    Future<List<SettleResult>> done;
    try {
      done = batch.run(pool, list);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(
        ar -> {
          if (slot) {
            slotFreed();
          }
          answered(members, attempt, ar);
        });
  }

  private void answered(List<Waiting> members, int attempt, AsyncResult<List<SettleResult>> ar) {
    if (ar.succeeded()) {
      for (int i = 0; i < members.size(); i++) {
        answer(members.get(i), Future.succeededFuture(ar.result().get(i)));
      }
      return;
    }
    Throwable e = ar.cause();
    if (members.size() > 1 && e instanceof PgException) {
      int half = members.size() / 2;
      send(new ArrayList<>(members.subList(0, half)), 1, false);
      send(new ArrayList<>(members.subList(half, members.size())), 1, false);
      return;
    }
    if (members.size() == 1
        && attempt < SettlementStore.MAX_ATTEMPTS
        && SettlementStore.lostARace(e)) {
      send(members, attempt + 1, false);
      return;
    }
    for (Waiting w : members) {
      answer(w, Future.failedFuture(e));
    }
  }

  private static void answer(Waiting w, AsyncResult<SettleResult> result) {
    if (w.ctx() == null) {
      w.answer().handle(result);
    } else {
      w.ctx().runOnContext(v -> w.answer().handle(result));
    }
  }

  private static String claimKey(SettlementBatch.Member m) {
    return "claim\u0000" + m.cmd().claim().hospitalCode() + "\u0000" + m.cmd().claim().claimNo();
  }

  private static String idempotencyKey(SettlementBatch.Member m) {
    String key = m.cmd().idempotencyKey();
    return key == null ? null : "key\u0000" + m.cmd().claim().hospitalCode() + "\u0000" + key;
  }
}
