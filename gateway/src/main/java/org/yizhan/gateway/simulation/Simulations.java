package org.yizhan.gateway.simulation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Impact simulations as runs an agency starts and polls (issue 19, item 4): a candidate policy
 * replayed ({@link Replay}) over a period's stored settlements of its region and scheme ({@link
 * ClaimSource}), beside the version in force, on a worker thread of the instance that was asked.
 *
 * <p>Stored (migration V28, {@code simulation_run}): the run's row is written when it starts, its
 * progress and heartbeat every {@link #BEAT_SECONDS} while this instance runs it, and its figures
 * ({@link ImpactJson}) or its refusal when it ends; any instance answers a run's progress, figures
 * and CSV from that row. A RUNNING row whose heartbeat is older than {@link #STALE_SECONDS}
 * belonged to an instance that stopped: the first reader marks it FAILED (the simulation wrote
 * nothing else, so there is nothing to undo). The register imports and the coverage runs keep their
 * jobs the same way.
 *
 * <p>Bounded: the newest {@link #KEEP_PER_REGION} finished runs of a region are kept, one
 * simulation runs at a time per gateway instance ({@link #WORKERS}; a second is refused 429 {@code
 * SIMULATION_BUSY}), a period holds at most {@link #MAX_CLAIMS} settlements (more is refused before
 * any is read), a run stops after {@link #MAX_SECONDS}, memory holds the read-ahead's batches, one
 * person's figures, the accounts' drawdowns ({@link Accounts}) and the bounded result.
 *
 * <p>Read-only: the replay's transaction is {@code READ ONLY}, so the live tables cannot be
 * touched, and the engine is pure. Audited: the start, the end (with the totals) and every answer
 * that carries the figures.
 */
public final class Simulations {
  private static final Logger LOG = LoggerFactory.getLogger(Simulations.class);

  /** Simulations running at once per instance. */
  static final int WORKERS = 1;

  /** Settlements one simulation may replay: five years of a large city. */
  public static final long MAX_CLAIMS = 5_000_000;

  /** The longest a simulation may run, seconds. */
  public static final long MAX_SECONDS = 600;

  /** The longest period, days (two years, a leap day included). */
  public static final long MAX_PERIOD_DAYS = 731;

  /** Claims in the largest changes. */
  public static final int LARGEST_CHANGES = 50;

  /** How often a running simulation's progress and heartbeat are written, seconds. */
  static final long BEAT_SECONDS = 2;

  /** Finished runs kept per region (the oldest deleted as a run ends): their figures are MBs. */
  static final int KEEP_PER_REGION = 20;

  /** A running simulation whose heartbeat is older than this belonged to a stopped instance. */
  public static final long STALE_SECONDS = 30;

  /** Where a run stands. */
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
      Long version,
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

  static final String COLUMNS =
      "run_id, region, scheme, candidate_policy, candidate_version, period_from, period_to,"
          + " state, claims_done, claims_total, result, refusal_code, refusal_field,"
          + " refusal_message, requested_by, requested_at, finished_at";

  static final String INSERT =
      "INSERT INTO simulation_run (run_id, region, scheme, candidate_policy, candidate_version,"
          + " period_from, period_to, state, requested_by, requested_at, heartbeat_at)"
          + " VALUES ($1, $2, $3, $4, $5, $6, $7, 'RUNNING', $8, $9, $9)";

  static final String BEAT =
      "UPDATE simulation_run SET claims_done = $2, claims_total = $3, heartbeat_at = $4"
          + " WHERE run_id = $1 AND state = 'RUNNING'";

  static final String DONE =
      "UPDATE simulation_run SET state = 'DONE', claims_done = $2, claims_total = $3,"
          + " result = $4, in_force_policies = $5, finished_at = $6, heartbeat_at = $6"
          + " WHERE run_id = $1 AND state = 'RUNNING'";

  static final String FAILED =
      "UPDATE simulation_run SET state = 'FAILED', refusal_code = $2, refusal_field = $3,"
          + " refusal_message = $4, finished_at = $5 WHERE run_id = $1 AND state = 'RUNNING'";

  static final String FIND = "SELECT " + COLUMNS + " FROM simulation_run WHERE run_id = $1";

  /** The region's finished runs but the newest {@link #KEEP_PER_REGION}. */
  static final String PRUNE =
      "DELETE FROM simulation_run WHERE region = $1 AND state <> 'RUNNING' AND run_id NOT IN"
          + " (SELECT run_id FROM simulation_run WHERE region = $1 AND state <> 'RUNNING'"
          + " ORDER BY requested_at DESC LIMIT "
          + KEEP_PER_REGION
          + ")";

  /** Marks a run FAILED when its heartbeat is older than $2 (the first reader to see it dead). */
  static final String FAIL_STALE =
      "UPDATE simulation_run SET state = 'FAILED', finished_at = $3,"
          + " refusal_code = 'SIMULATION_INTERRUPTED', refusal_field = NULL,"
          + " refusal_message = 'the gateway instance running the simulation stopped; start it"
          + " again' WHERE run_id = $1 AND state = 'RUNNING' AND heartbeat_at < $2 RETURNING "
          + COLUMNS;

  /** A run of this instance: its live counters. */
  private static final class Job {
    final UUID id;
    final ManagerPrincipal owner;
    final Policy candidate;
    final LocalDate from;
    final LocalDate to;
    final AtomicLong done = new AtomicLong();
    volatile long total = -1;

    Job(UUID id, ManagerPrincipal owner, Policy candidate, LocalDate from, LocalDate to) {
      this.id = id;
      this.owner = owner;
      this.candidate = candidate;
      this.from = from;
      this.to = to;
    }
  }

  private final Map<UUID, Job> mine = new ConcurrentHashMap<>();
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
    vertx.setPeriodic(TimeUnit.SECONDS.toMillis(BEAT_SECONDS), t -> beat());
  }

  /**
   * Starts a simulation of pasted YAML: {@link #start(ManagerPrincipal, Policy, Long, LocalDate,
   * LocalDate)}.
   */
  public Future<Progress> start(
      ManagerPrincipal m, Policy candidate, LocalDate from, LocalDate to) {
    return start(m, candidate, null, from, to);
  }

  /**
   * Starts replaying {@code candidate} (stored version {@code version}, or null for pasted YAML)
   * over the discharges of {@code from}..{@code to}; the caller has checked that {@code m} is
   * agency staff of a region covering the candidate's. Answers once the run is stored and its start
   * audited.
   */
  public Future<Progress> start(
      ManagerPrincipal m, Policy candidate, Long version, LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      return Future.failedFuture(Refusal.invalid("to", "must not be before from " + from));
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_PERIOD_DAYS) {
      return Future.failedFuture(
          Refusal.invalid("to", "a period is at most " + MAX_PERIOD_DAYS + " days"));
    }
    Job job = new Job(UUID.randomUUID(), m, candidate, from, to);
    synchronized (mine) {
      if (mine.size() >= WORKERS) {
        return Future.failedFuture(
            Refusal.tooMany(
                "SIMULATION_BUSY",
                "a simulation is running on this gateway; try again when it is done",
                30));
      }
      mine.put(job.id, job);
    }
    OffsetDateTime now = now();
    Tuple row =
        Tuple.of(
            job.id,
            candidate.id().region(),
            candidate.id().scheme(),
            candidate.id().toString(),
            version,
            from,
            to,
            m.username());
    row.addValue(now);
    return pool.preparedQuery(INSERT)
        .execute(row)
        .compose(
            x ->
                audit(
                    m.actor(),
                    "SIMULATION_START",
                    candidate.id().region(),
                    new JsonObject()
                        .put("simulation", job.id.toString())
                        .put("policy", candidate.id().toString())
                        .put("version", version)
                        .put("from", from.toString())
                        .put("to", to.toString())))
        .onFailure(e -> ended(job, null, e))
        .map(
            v -> {
              worker
                  .executeBlocking(() -> run(job), false)
                  .onComplete(ar -> ended(job, ar.result(), ar.cause()));
              return new Progress(
                  job.id,
                  candidate.id().region(),
                  candidate.id().scheme(),
                  candidate.id().toString(),
                  version,
                  from,
                  to,
                  m.username(),
                  State.RUNNING,
                  -1,
                  0,
                  null,
                  now.toInstant(),
                  null,
                  null);
            });
  }

  /**
   * The run {@code id} if {@code m}'s region covers it (else not found), from the database: any
   * instance answers it; one whose instance stopped is answered FAILED.
   */
  public Future<Progress> progress(ManagerPrincipal m, UUID id) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              Row r = rows.size() == 0 ? null : rows.iterator().next();
              if (r == null || !Regions.covers(m.officeCode(), r.getString("region"))) {
                return Future.failedFuture(Refusal.notFound("simulation"));
              }
              if (!r.getString("state").equals("RUNNING") || mine.containsKey(id)) {
                return Future.succeededFuture(progress(r));
              }
              OffsetDateTime now = now();
              return pool.preparedQuery(FAIL_STALE)
                  .execute(Tuple.of(id, now.minusSeconds(STALE_SECONDS), now))
                  .map(
                      failed -> {
                        if (failed.size() == 0) {
                          return progress(r);
                        }
                        LOG.warn("simulation {} found dead (no heartbeat): marked FAILED", id);
                        return progress(failed.iterator().next());
                      });
            });
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

  /** A stored row as a poll answers it, with this instance's live counters when it runs it. */
  private Progress progress(Row r) {
    UUID id = r.getUUID("run_id");
    Job live = mine.get(id);
    State state = State.valueOf(r.getString("state"));
    String code = r.getString("refusal_code");
    String result = r.getString("result");
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    return new Progress(
        id,
        r.getString("region"),
        r.getString("scheme"),
        r.getString("candidate_policy"),
        r.getLong("candidate_version"),
        r.getLocalDate("period_from"),
        r.getLocalDate("period_to"),
        r.getString("requested_by"),
        state,
        live != null && state == State.RUNNING ? live.total : r.getLong("claims_total"),
        live != null && state == State.RUNNING ? live.done.get() : r.getLong("claims_done"),
        code == null
            ? null
            : new Refusal(
                Refusal.Kind.UNPROCESSABLE,
                code,
                r.getString("refusal_field"),
                r.getString("refusal_message")),
        r.getOffsetDateTime("requested_at").toInstant(),
        finished == null ? null : finished.toInstant(),
        result == null ? null : ImpactJson.read(result));
  }

  // ---- running (on the worker)

  private Impact run(Job job) throws Exception {
    long t0 = System.nanoTime();
    ClaimSource.Selection sel =
        ClaimSource.Selection.ofRegion(
            job.candidate.id().region(), job.candidate.id().scheme(), job.from, job.to);
    long deadline = t0 + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
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
        Accounts accounts = Accounts.load(c, sel);
        Replay replay = new Replay(engine.get(), job.candidate, LARGEST_CHANGES, accounts);
        boolean[] late = {false};
        ReadAhead.run(
            "policy-simulation-read",
            (sink, stop) -> ClaimSource.stream(c, sel, sink, stop),
            r -> {
              replay.accept(r);
              if (r instanceof ReplayClaim) {
                job.done.incrementAndGet();
              }
            },
            () -> late[0] = System.nanoTime() > deadline);
        if (late[0]) {
          throw new Refusal(
              Refusal.Kind.UNPROCESSABLE,
              "SIMULATION_TIME_LIMIT",
              "to",
              "to: the simulation ran past " + MAX_SECONDS + " s; simulate a shorter period");
        }
        accounts.balances(c);
        Impact impact = replay.finish();
        LOG.info(
            "simulation {}: {} settlements in {} ms",
            job.id,
            job.done.get(),
            (System.nanoTime() - t0) / 1_000_000);
        return impact;
      } finally {
        c.rollback();
      }
    }
  }

  /**
   * Stores the end of {@code job}: its figures, or its failure; then it is no longer this one's.
   */
  private void ended(Job job, Impact impact, Throwable e) {
    Future<?> stored;
    OffsetDateTime now = now();
    if (e == null) {
      stored =
          pool.preparedQuery(DONE)
              .execute(
                  Tuple.of(
                      job.id,
                      job.done.get(),
                      job.total,
                      ImpactJson.write(impact),
                      String.join(",", impact.inForcePolicies()),
                      now))
              .compose(
                  x ->
                      audit(
                          job.owner.actor(),
                          "SIMULATION_DONE",
                          job.candidate.id().region(),
                          new JsonObject()
                              .put("simulation", job.id.toString())
                              .put("claims", impact.claims())
                              .put("fundInForce", Fen.format(impact.inForce().fundFen()))
                              .put("fundCandidate", Fen.format(impact.candidate().fundFen()))));
    } else {
      Refusal r =
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
      stored =
          pool.preparedQuery(FAILED)
              .execute(Tuple.of(job.id, r.code(), r.field(), r.getMessage(), now));
    }
    stored
        .onComplete(ar -> mine.remove(job.id))
        .compose(x -> pool.preparedQuery(PRUNE).execute(Tuple.of(job.candidate.id().region())))
        .onFailure(
            x ->
                LOG.warn(
                    "simulation {}: storing its end or pruning old runs failed: {}",
                    job.id,
                    x.toString()));
  }

  /** Writes the progress and heartbeat of this instance's running simulations. */
  private void beat() {
    for (Job job : mine.values()) {
      pool.preparedQuery(BEAT)
          .execute(Tuple.of(job.id, job.done.get(), job.total, now()))
          .onFailure(e -> LOG.warn("simulation {}: heartbeat failed: {}", job.id, e.toString()));
    }
  }

  private Future<Void> audit(String actor, String action, String region, JsonObject details) {
    return pool.withTransaction(
        conn -> Audit.append(conn, actor, action, "region", region, details));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
