package org.yizhan.gateway.settlement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Gathers the settle requests that wait for the database into batches, each written by {@link
 * SettlementBatch} in one transaction (group commit).
 *
 * <p><b>Lanes.</b> Batches form in {@code lanes} lanes, each with at most one batch in flight: one
 * <i>shared</i> lane (lane 0) and {@code lanes - 1} <i>account</i> lanes. A claim whose person may
 * draw assistance goes to the account lane of the prepayment account it may draw on (office,
 * hospital; a hash when accounts outnumber lanes); every other claim goes to the shared lane. A
 * reversal goes where the settlement it reverses went: the account's lane if it was planned on one,
 * else the shared lane. With {@code lanes = 1} every claim shares the one lane.
 *
 * <p>Why, measured (docs/performance.md, "Lanes, revisited"): what a batch saves is per transaction
 * (statements, the commit, one lock of each hot row), and on a CPU-bound machine those savings are
 * the throughput, so batches must be as large as the load allows, and every lane more splits them.
 * Lanes per person (the first design) split the claims of a handful of hot persons into batches of
 * one or two, a transaction each; one lane makes them one batch per transaction whatever the number
 * of persons, and locks each hot person's figures once a batch. Hence the default, one lane. The
 * claims of one prepayment account (the row that claims of many persons lock) meet in one lane
 * whatever the count, so its drawdowns lock it once a batch; more lanes only let the batches of
 * claims that may draw commit in parallel with the others'. One account lane ({@code lanes = 2})
 * rather than one per account: a person who may draw at several hospitals has claims on several
 * accounts, and a lane per account made them batches of one, each locking that person's figures and
 * queuing on them. Admission bounds the batches too: the hospitals' requests at work at once
 * ({@code security.limits.fairConcurrentRequests}, twice the pool by default) are all the lanes can
 * hold.
 *
 * <p><b>When a batch goes.</b> A request joins its lane's queue. While the lane has a batch in
 * flight, the queue just grows: the next batch is formed from it the moment the previous one is
 * answered, with no linger (the queue is what arrived during one transaction, so the batch grows
 * with the lane's load). On an idle lane the first request starts a timer of {@code lingerMicros};
 * the batch goes when the timer fires or when the queue holds {@code maxSize}, whichever comes
 * first. So a lone request on an idle gateway waits at most the linger. A batch takes at most
 * {@code maxSize} members; the rest wait for the next. At most {@code maxInFlight} batch
 * transactions run at once (half the database pool, so the reads of the requests still find
 * connections): a lane whose batch is due waits for a slot in the order lanes became due, and keeps
 * filling meanwhile.
 *
 * <p><b>Bounded.</b> At most {@code maxQueuedPerLane} requests wait in one lane and {@code
 * maxQueued} in all; a request beyond either is refused at once, 503 {@code SETTLEMENT_QUEUE_FULL}
 * with Retry-After, rather than growing a queue whose wait no client would see the end of.
 *
 * <p>Each member is answered once its batch has committed (or has decided it without writing: a
 * replay, a conflict, a refusal), on the Vert.x context it came from.
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

  /** The refusal of a request that finds its lane's queue, or all queues, full (503). */
  static final String QUEUE_FULL = "SETTLEMENT_QUEUE_FULL";

  /** The Retry-After of {@link #QUEUE_FULL}, seconds. */
  static final int QUEUE_FULL_RETRY_SECONDS = 1;

  /** A request waiting: a settlement or a reversal, answered with its {@code run} result. */
  private record Waiting(SettlementBatch.Item member, Promise<Object> answer, Context ctx) {}

  /** One lane: its queue and whether it has a batch in flight; guarded by {@link #lock}. */
  private static final class Lane {
    /** Requests waiting, in arrival order. */
    final ArrayDeque<Waiting> queue = new ArrayDeque<>();

    /** A timer will make the queue due (the lane is idle and its first request lingers). */
    boolean timerSet;

    /** The lane waits in {@link #due} for a slot. */
    boolean due;

    /** A batch of this lane is in flight (its first answer not yet in). */
    boolean sending;
  }

  private final Vertx vertx;
  private final Pool pool;
  private final SettlementBatch batch;
  private final long lingerMicros;
  private final int maxSize;
  private final int maxInFlight;
  private final int maxQueuedPerLane;
  private final int maxQueued;

  private final Object lock = new Object();

  private final Lane[] lanes;

  /** Lanes whose queue may go, in the order they became due; guarded by {@link #lock}. */
  private final ArrayDeque<Lane> due = new ArrayDeque<>();

  /** Batch transactions in flight; guarded by {@link #lock}. */
  private int sending;

  /** Requests waiting in all lanes (not those in flight); guarded by {@link #lock}. */
  private int queued;

  /** Batches by their size (members), and requests refused because the queues were full. */
  private DistributionSummary sizes;

  private Counter refused;

  /** Members not yet answered, by claim number and by key at their hospital; by {@link #lock}. */
  private final Map<String, Future<Object>> inFlight = new HashMap<>();

  SettlementBatcher(
      Vertx vertx,
      Pool pool,
      SettlementBatch batch,
      int lingerMicros,
      int maxSize,
      int maxInFlight,
      int lanes,
      int maxQueuedPerLane,
      int maxQueued) {
    if (lingerMicros < 0 || lingerMicros > LINGER_MICROS_MAX) {
      throw new IllegalArgumentException(
          "lingerMicros must be 0.." + LINGER_MICROS_MAX + ", got " + lingerMicros);
    }
    if (maxSize < 1 || maxSize > MAX_SIZE_MAX) {
      throw new IllegalArgumentException("maxSize must be 1.." + MAX_SIZE_MAX + ", got " + maxSize);
    }
    if (maxInFlight < 1 || lanes < 1 || maxQueuedPerLane < 1 || maxQueued < 1) {
      throw new IllegalArgumentException(
          "maxInFlight, lanes, maxQueuedPerLane and maxQueued must be at least 1, got "
              + List.of(maxInFlight, lanes, maxQueuedPerLane, maxQueued));
    }
    this.maxInFlight = maxInFlight;
    this.vertx = vertx;
    this.pool = pool;
    this.batch = batch;
    this.lingerMicros = lingerMicros;
    this.maxSize = maxSize;
    this.maxQueuedPerLane = maxQueuedPerLane;
    this.maxQueued = maxQueued;
    this.lanes = new Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane();
    }
  }

  /**
   * Publishes the batches' sizes ({@code yizhan_settlement_batch_size}: count and sum, so the mean
   * size), the requests waiting and the batches in flight (gauges), and the requests refused
   * because the queues were full.
   */
  void bindTo(MeterRegistry meters) {
    sizes =
        DistributionSummary.builder("yizhan.settlement.batch.size")
            .description("Settlements per batch transaction (first tries; halves not counted)")
            .register(meters);
    refused =
        Counter.builder("yizhan.settlement.batch.refused")
            .description("Settle requests refused 503 because the batch queues were full")
            .register(meters);
    Gauge.builder("yizhan.settlement.batch.queued", this, b -> b.count(false))
        .description("Settle requests waiting in the lanes' queues")
        .register(meters);
    Gauge.builder("yizhan.settlement.batch.in.flight", this, b -> b.count(true))
        .description("Batch transactions in flight")
        .register(meters);
  }

  private double count(boolean inFlight) {
    synchronized (lock) {
      return inFlight ? sending : queued;
    }
  }

  /** Settles {@code member} in the next batch of its lane; completes on the caller's context. */
  Future<SettleResult> settle(SettlementBatch.Member member) {
    Waiting w = new Waiting(member, Promise.promise(), Vertx.currentContext());
    join(w);
    return w.answer().future().map(SettleResult.class::cast);
  }

  /**
   * Reverses in the next batch of the lane of the reversed settlement (its account's if it was
   * planned on one, else the shared lane), in arrival order with that lane's settlements.
   */
  Future<ReverseResult> reverse(SettlementBatch.Reversal reversal) {
    Waiting w = new Waiting(reversal, Promise.promise(), Vertx.currentContext());
    join(w);
    return w.answer().future().map(ReverseResult.class::cast);
  }

  /** The lane every claim that draws on no prepayment account shares. */
  static final int SHARED_LANE = 0;

  /**
   * The lane of a member of {@code lanes}: the account lane of the prepayment account it may draw
   * on (a reversal: the account its settlement was planned on), else the shared lane.
   */
  static int laneOf(SettlementBatch.Item i, int lanes) {
    if (i instanceof SettlementBatch.Reversal rv) {
      return rv.onAccount() ? accountLane(rv.officeCode(), rv.hospitalCode(), lanes) : SHARED_LANE;
    }
    SettleCommand cmd = ((SettlementBatch.Member) i).cmd();
    return cmd.mayDrawAssistance()
        ? accountLane(cmd.claim().officeCode(), cmd.claim().hospitalCode(), lanes)
        : SHARED_LANE;
  }

  /**
   * The lane of the prepayment account of {@code office} at {@code hospital}: one of the lanes
   * after the shared one (the shared one when {@code lanes} is 1); the same account always gives
   * the same lane.
   */
  static int accountLane(String office, String hospital, int lanes) {
    if (lanes == 1) {
      return SHARED_LANE;
    }
    int h = office.hashCode() * 31 + hospital.hashCode();
    // spread the bits (the codes differ in a digit or two, so their hashes in the low bits only)
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return 1 + Math.floorMod(h, lanes - 1);
  }

  private void join(Waiting w) {
    List<Batch> go;
    synchronized (lock) {
      Future<Object> twin = twinInFlight(w.member());
      if (twin != null) {
        twin.onComplete(done -> join(w));
        return;
      }
      Lane lane = lanes[laneOf(w.member(), lanes.length)];
      if (lane.queue.size() >= maxQueuedPerLane || queued >= maxQueued) {
        if (refused != null) {
          refused.increment();
        }
        answer(
            w,
            Future.failedFuture(
                Refusal.busy(
                    QUEUE_FULL,
                    "too many settlements are waiting for the database; retry later",
                    QUEUE_FULL_RETRY_SECONDS)));
        return;
      }
      track(w);
      lane.queue.add(w);
      queued++;
      if (!lane.sending && !lane.due) {
        if (lane.queue.size() >= maxSize || lingerMicros == 0) {
          makeDue(lane);
        } else if (!lane.timerSet) {
          lane.timerSet = true;
          vertx.timer(lingerMicros, TimeUnit.MICROSECONDS).onComplete(t -> lingered(lane));
        }
      }
      go = startable();
    }
    go.forEach(b -> send(b.lane, b.members, 1));
  }

  private void lingered(Lane lane) {
    List<Batch> go;
    synchronized (lock) {
      lane.timerSet = false;
      if (!lane.sending && !lane.due && !lane.queue.isEmpty()) {
        makeDue(lane);
      }
      go = startable();
    }
    go.forEach(b -> send(b.lane, b.members, 1));
  }

  /** A lane's batch was answered: its queue, grown meanwhile, goes at once. */
  private void sent(Lane lane) {
    List<Batch> go;
    synchronized (lock) {
      sending--;
      lane.sending = false;
      if (!lane.queue.isEmpty() && !lane.due) {
        makeDue(lane);
      }
      go = startable();
    }
    go.forEach(b -> send(b.lane, b.members, 1));
  }

  private void makeDue(Lane lane) {
    lane.due = true;
    due.add(lane);
  }

  private record Batch(Lane lane, List<Waiting> members) {}

  /** The due lanes' batches that may start now, each taking a slot; under {@link #lock}. */
  private List<Batch> startable() {
    if (due.isEmpty() || sending >= maxInFlight) {
      return List.of();
    }
    List<Batch> go = new ArrayList<>(2);
    while (!due.isEmpty() && sending < maxInFlight) {
      Lane lane = due.poll();
      lane.due = false;
      int n = Math.min(maxSize, lane.queue.size());
      List<Waiting> members = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        members.add(lane.queue.poll());
      }
      queued -= n;
      lane.sending = true;
      sending++;
      if (sizes != null) {
        sizes.record(n);
      }
      go.add(new Batch(lane, members));
    }
    return go;
  }

  private Future<Object> twinInFlight(SettlementBatch.Item i) {
    if (!(i instanceof SettlementBatch.Member m)) {
      return null; // a reversal's twin meets it on the settlement's row lock, or in its batch
    }
    Future<Object> twin = inFlight.get(claimKey(m));
    String key = idempotencyKey(m);
    if (twin == null && key != null) {
      twin = inFlight.get(key);
    }
    // answered, its entry about to go (another thread completes it and waits for the lock)
    return twin == null || twin.isComplete() ? null : twin;
  }

  private void track(Waiting w) {
    if (!(w.member() instanceof SettlementBatch.Member m)) {
      return;
    }
    String claim = claimKey(m);
    String key = idempotencyKey(m);
    Future<Object> mine = w.answer().future();
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

  /** A lane's batch, first try: it holds the lane and a slot until its first answer. */
  private void send(Lane lane, List<Waiting> members, int attempt) {
    run(members)
        .onComplete(
            ar -> {
              sent(lane);
              answered(members, attempt, ar);
            });
  }

  private Future<List<Object>> run(List<Waiting> members) {
    List<SettlementBatch.Item> list = new ArrayList<>(members.size());
    for (Waiting w : members) {
      list.add(w.member());
    }
    try {
      return batch.run(pool, list);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A half or a retry of a batch: runs outside the lanes and slots. */
  private void retry(List<Waiting> members, int attempt) {
    run(members).onComplete(ar -> answered(members, attempt, ar));
  }

  private void answered(List<Waiting> members, int attempt, AsyncResult<List<Object>> ar) {
    if (ar.succeeded()) {
      for (int i = 0; i < members.size(); i++) {
        answer(members.get(i), Future.succeededFuture(ar.result().get(i)));
      }
      return;
    }
    Throwable e = ar.cause();
    if (members.size() > 1 && e instanceof PgException) {
      int half = members.size() / 2;
      retry(new ArrayList<>(members.subList(0, half)), 1);
      retry(new ArrayList<>(members.subList(half, members.size())), 1);
      return;
    }
    if (members.size() == 1
        && attempt < SettlementStore.MAX_ATTEMPTS
        && SettlementStore.lostARace(e)) {
      retry(members, attempt + 1);
      return;
    }
    for (Waiting w : members) {
      answer(w, Future.failedFuture(e));
    }
  }

  private static void answer(Waiting w, AsyncResult<Object> result) {
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
