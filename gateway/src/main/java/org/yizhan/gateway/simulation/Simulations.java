package org.yizhan.gateway.simulation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.coverage.Regions;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * Impact simulations as jobs an agency starts and polls (issue 19, item 4): a candidate policy
 * replayed ({@link Replay}) over a period's stored settlements of its region and scheme ({@link
 * ClaimSource}), beside the version in force, on one worker thread.
 *
 * <p>Bounded: one simulation runs at a time per gateway instance ({@link #WORKERS}; a second is
 * refused 429 {@code SIMULATION_BUSY}), a period holds at most {@link #MAX_CLAIMS} settlements
 * (more is refused before any is read), a run stops after {@link #MAX_SECONDS}, memory holds one
 * chunk of the cursor, one person's figures and the bounded result, and at most {@link #MAX_JOBS}
 * jobs are remembered (the oldest finished forgotten first). Jobs live in this instance's memory,
 * as register imports do: an agency polls the instance it started on; the audit chain keeps who
 * simulated what.
 *
 * <p>Read-only: the replay's transaction is {@code READ ONLY}, so the live tables cannot be
 * touched, and the engine is pure. Audited: the start, the end (with the totals) and every answer
 * that carries the figures.
 */
public final class Simulations {
  private static final Logger LOG = LoggerFactory.getLogger(Simulations.class);

  /** Simulations running at once per instance. */
  static final int WORKERS = 1;

  /** Jobs remembered per instance. */
  static final int MAX_JOBS = 16;

  /** Settlements one simulation may replay: five years of a large city. */
  public static final long MAX_CLAIMS = 5_000_000;

  /** The longest a simulation may run, seconds. */
  public static final long MAX_SECONDS = 600;

  /** The longest period, days (two years, a leap day included). */
  public static final long MAX_PERIOD_DAYS = 731;

  /** Claims in the largest changes. */
  public static final int LARGEST_CHANGES = 50;

  /** Where a job stands. */
  public enum State {
    RUNNING,
    DONE,
    FAILED
  }

  /** What a poll answers; {@code impact} once DONE. */
  public record Progress(
      UUID id,
      String region,
      String scheme,
      String policyId,
      LocalDate from,
      LocalDate to,
      String startedBy,
      State state,
      long total,
      long done,
      Refusal refusal,
      Instant startedAt,
      Instant finishedAt,
      Impact impact) {}

  /** Where the replay reads from: the gateway's database over JDBC. */
  public record Target(String jdbcUrl, String user, String password) {}

  private final class Job {
    final UUID id = UUID.randomUUID();
    final ManagerPrincipal owner;
    final Policy candidate;
    final LocalDate from;
    final LocalDate to;
    final Instant startedAt = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    final AtomicLong done = new AtomicLong();
    volatile long total = -1;
    volatile State state = State.RUNNING;
    volatile Refusal refusal;
    volatile Instant finishedAt;
    volatile Impact impact;

    Job(ManagerPrincipal owner, Policy candidate, LocalDate from, LocalDate to) {
      this.owner = owner;
      this.candidate = candidate;
      this.from = from;
      this.to = to;
    }

    Progress progress() {
      return new Progress(
          id,
          candidate.id().region(),
          candidate.id().scheme(),
          candidate.id().toString(),
          from,
          to,
          owner.username(),
          state,
          total,
          done.get(),
          refusal,
          startedAt,
          finishedAt,
          impact);
    }
  }

  private final Map<UUID, Job> jobs = new LinkedHashMap<>();
  private final WorkerExecutor worker;
  private final Supplier<SettlementEngine> engine;
  private final Target target;
  private final Pool pool;
  private final Clock clock;

  /**
   * @param engine the engine in force when a simulation starts (its book is the "version in force")
   */
  public Simulations(
      Vertx vertx, Supplier<SettlementEngine> engine, Target target, Pool pool, Clock clock) {
    this.worker =
        vertx.createSharedWorkerExecutor(
            "policy-simulation", WORKERS, MAX_SECONDS + 60, TimeUnit.SECONDS);
    this.engine = engine;
    this.target = target;
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Starts replaying {@code candidate} over the discharges of {@code from}..{@code to}; the caller
   * has checked that {@code m} is agency staff of a region covering the candidate's. Answers once
   * the start is audited.
   */
  public Future<Progress> start(
      ManagerPrincipal m, Policy candidate, LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      return Future.failedFuture(Refusal.invalid("to", "must not be before from " + from));
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_PERIOD_DAYS) {
      return Future.failedFuture(
          Refusal.invalid("to", "a period is at most " + MAX_PERIOD_DAYS + " days"));
    }
    Job job;
    synchronized (jobs) {
      for (Job j : jobs.values()) {
        if (j.state == State.RUNNING) {
          return Future.failedFuture(
              Refusal.tooMany(
                  "SIMULATION_BUSY",
                  "a simulation is running on this gateway; try again when it is done",
                  30));
        }
      }
      forgetOldest();
      job = new Job(m, candidate, from, to);
      jobs.put(job.id, job);
    }
    Job started = job;
    return audit(
            m.actor(),
            "SIMULATION_START",
            started,
            new JsonObject()
                .put("simulation", started.id.toString())
                .put("policy", candidate.id().toString())
                .put("from", from.toString())
                .put("to", to.toString()))
        .onFailure(e -> fail(started, e))
        .map(
            v -> {
              worker
                  .executeBlocking(() -> run(started), false)
                  .onSuccess(impact -> finish(started, impact))
                  .onFailure(e -> fail(started, e));
              return started.progress();
            });
  }

  /** The job {@code id} if {@code m}'s region covers it; otherwise not found. */
  public Progress progress(ManagerPrincipal m, UUID id) {
    Job job;
    synchronized (jobs) {
      job = jobs.get(id);
    }
    if (job == null || !Regions.covers(m.officeCode(), job.candidate.id().region())) {
      throw Refusal.notFound("simulation");
    }
    return job.progress();
  }

  /** Audits that {@code m} was answered {@code p}'s figures ({@code action}: READ or EXPORT). */
  public Future<Progress> audited(ManagerPrincipal m, Progress p, String action) {
    if (p.impact() == null) {
      return Future.succeededFuture(p);
    }
    return audit(
            m.actor(), action, p.region(), new JsonObject().put("simulation", p.id().toString()))
        .map(v -> p);
  }

  private Impact run(Job job) throws SQLException {
    ClaimSource.Selection sel =
        ClaimSource.Selection.ofRegion(
            job.candidate.id().region(), job.candidate.id().scheme(), job.from, job.to);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
    try (Connection c =
        DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
      try {
        ClaimSource.begin(c);
        long total = ClaimSource.count(c, sel);
        if (total > MAX_CLAIMS) {
          throw new Refusal(
              Refusal.Kind.UNPROCESSABLE,
              "SIMULATION_TOO_LARGE",
              "to",
              "to: the period holds "
                  + total
                  + " settlements, more than "
                  + MAX_CLAIMS
                  + "; simulate a shorter one");
        }
        job.total = total;
        Replay replay = new Replay(engine.get(), job.candidate, LARGEST_CHANGES);
        boolean[] late = {false};
        ClaimSource.stream(
            c,
            sel,
            rc -> {
              replay.accept(rc);
              job.done.incrementAndGet();
            },
            () -> (job.done.get() & 1023) == 0 && (late[0] = System.nanoTime() > deadline));
        if (late[0]) {
          throw new Refusal(
              Refusal.Kind.UNPROCESSABLE,
              "SIMULATION_TIME_LIMIT",
              "to",
              "to: the simulation ran past " + MAX_SECONDS + " s; simulate a shorter period");
        }
        return replay.finish();
      } finally {
        c.rollback();
      }
    }
  }

  private void finish(Job job, Impact impact) {
    job.impact = impact;
    job.finishedAt = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    job.state = State.DONE;
    audit(
            job.owner.actor(),
            "SIMULATION_DONE",
            job,
            new JsonObject()
                .put("simulation", job.id.toString())
                .put("claims", impact.claims())
                .put("fundInForce", Fen.format(impact.inForce().fundFen()))
                .put("fundCandidate", Fen.format(impact.candidate().fundFen())))
        .onFailure(e -> LOG.warn("simulation {}: the audit of its end failed", job.id, e));
  }

  private void fail(Job job, Throwable e) {
    job.refusal =
        e instanceof Refusal
            ? (Refusal) e
            : new Refusal(
                Refusal.Kind.UNAVAILABLE,
                "SIMULATION_FAILED",
                null,
                "the simulation failed; see the gateway's log");
    if (!(e instanceof Refusal)) {
      LOG.error("simulation {} failed", job.id, e);
    }
    job.finishedAt = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    job.state = State.FAILED;
  }

  private Future<Void> audit(String actor, String action, Job job, JsonObject details) {
    return audit(actor, action, job.candidate.id().region(), details);
  }

  private Future<Void> audit(String actor, String action, String region, JsonObject details) {
    return pool.withTransaction(
        conn -> Audit.append(conn, actor, action, "region", region, details));
  }

  /** Forgets the oldest finished jobs while the list is full (the caller holds the lock). */
  private void forgetOldest() {
    Iterator<Job> it = jobs.values().iterator();
    while (jobs.size() >= MAX_JOBS && it.hasNext()) {
      if (it.next().state != State.RUNNING) {
        it.remove();
      }
    }
  }
}
