package org.yizhan.gateway.coverage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.coverage.CoverageStore.MatchPage;
import org.yizhan.gateway.coverage.CoverageStore.MatchRow;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * 应保尽保 matching as a background run stored in PostgreSQL: a region of a million poor people takes
 * longer than a request may last, so the matching is started, runs on a worker thread of the
 * instance that was asked, and is read (progress, counts, pages, the CSV) by any instance from the
 * tables of migration V19.
 *
 * <p>The run: the scope's identity rows are cut into chunks of {@link #CHUNK_IDENTITIES} by ID
 * number (a person's rows never split, their ID number being the cut), and each chunk is the
 * matching statement ({@link CoverageStore#MATCHED}) on its range, inserted into {@code
 * coverage_run_row}. All chunks run in ONE repeatable-read transaction on the run's own JDBC
 * connection (outside the reactive pool, like the register import): one snapshot for the whole
 * scope, and nothing visible until it commits. Progress (identity rows done of the total) is
 * written after each chunk on a second, auto-committing connection, and a timer beats the run's
 * heartbeat every {@link #HEARTBEAT_SECONDS} while this instance is alive.
 *
 * <p>Never half-shown as complete: the run turns DONE, with its counts, only after its rows are
 * committed, and rows are read only of a DONE run. If the instance dies, the transaction rolls
 * back, the heartbeat stops, and the first reader that finds it older than {@link #STALE_SECONDS}
 * marks the run FAILED. Bounded: one run at a time per instance ({@link #WORKERS}), one running run
 * per scope and date (a second request joins it), the newest {@link #KEEP_PER_SCOPE} runs of a
 * scope kept.
 */
public final class CoverageRuns {
  private static final Logger LOG = LoggerFactory.getLogger(CoverageRuns.class);

  /** Runs at once per instance. */
  static final int WORKERS = 1;

  /** Identity rows matched per chunk (the unit of progress). */
  static final int CHUNK_IDENTITIES = 50_000;

  /** How often a running run's heartbeat is written, seconds. */
  static final long HEARTBEAT_SECONDS = 10;

  /** A running run whose heartbeat is older than this is dead (its instance stopped), seconds. */
  public static final long STALE_SECONDS = 90;

  /** The longest a run may take before the worker's blocked-thread warning, minutes. */
  static final long MAX_RUN_MINUTES = 60;

  /** Runs of one scope kept (the oldest finished ones deleted, their rows with them). */
  static final int KEEP_PER_SCOPE = 3;

  /** Where a run stands. */
  public enum State {
    RUNNING,
    DONE,
    FAILED
  }

  /** A run as any instance reads it. */
  public record Run(
      UUID id,
      Scope scope,
      LocalDate date,
      State state,
      long identitiesDone,
      long identitiesTotal,
      Map<Outcome, Long> counts,
      String failure,
      String requestedBy,
      Instant requestedAt,
      Instant finishedAt) {}

  /** Where the database is, for the run's own JDBC connections. */
  public record Target(String jdbcUrl, String user, String password) {}

  static final String COLUMNS =
      "run_id, scope_kind, scope_code, match_date, state, identities_done, identities_total,"
          + " subsidised, not_subsidised, elsewhere, not_enrolled, failure, requested_by,"
          + " requested_at, heartbeat_at, finished_at";

  static final String INSERT =
      "INSERT INTO coverage_run (run_id, scope_kind, scope_code, match_date, state, requested_by,"
          + " requested_at, heartbeat_at) VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, $6)"
          + " ON CONFLICT (scope_kind, scope_code, match_date) WHERE state = 'RUNNING' DO NOTHING";

  static final String RUNNING =
      "SELECT "
          + COLUMNS
          + " FROM coverage_run WHERE scope_kind = $1 AND scope_code = $2 AND match_date = $3"
          + " AND state = 'RUNNING'";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM coverage_run WHERE run_id = $1";

  static final String LATEST =
      "SELECT "
          + COLUMNS
          + " FROM coverage_run WHERE scope_kind = $1 AND scope_code = $2"
          + " ORDER BY requested_at DESC LIMIT 1";

  /** Marks a run FAILED when its heartbeat is older than $2 (the first reader to see it dead). */
  static final String FAIL_STALE =
      "UPDATE coverage_run SET state = 'FAILED', finished_at = $3,"
          + " failure = 'the instance running it stopped; start the matching again'"
          + " WHERE run_id = $1 AND state = 'RUNNING' AND heartbeat_at < $2 RETURNING "
          + COLUMNS;

  static final String BEAT =
      "UPDATE coverage_run SET heartbeat_at = $2 WHERE run_id = $1 AND state = 'RUNNING'";

  static final String PAGE =
      "SELECT person_id_no, office_code, person_name, categories, outcome, regions"
          + " FROM coverage_run_row WHERE run_id = $1 AND ($2::varchar IS NULL OR outcome = $2)"
          + " ORDER BY person_id_no LIMIT $3 OFFSET $4";

  static final String ALL =
      "SELECT person_id_no, office_code, person_name, categories, outcome, regions"
          + " FROM coverage_run_row WHERE run_id = $1 AND ($2::varchar IS NULL OR outcome = $2)"
          + " ORDER BY array_position(ARRAY['NOT_ENROLLED','NOT_SUBSIDISED','ELSEWHERE',"
          + "'SUBSIDISED']::varchar[], outcome::varchar), person_id_no LIMIT $3";

  // ---- the run's JDBC statements ($n rewritten to ? by jdbc())

  /** Every {@value #CHUNK_IDENTITIES}th identity row's ID number of the scope: the cuts. */
  static final String CUTS =
      "SELECT person_id_no FROM (SELECT person_id_no, row_number() OVER (ORDER BY person_id_no)"
          + " AS n FROM person_identity WHERE superseded_at IS NULL AND confirmed"
          + " AND person_id_no >= $1 AND person_id_no < $2) x WHERE n % "
          + CHUNK_IDENTITIES
          + " = 0 ORDER BY person_id_no";

  static final String TOTAL =
      "SELECT count(*) FROM person_identity WHERE superseded_at IS NULL AND confirmed"
          + " AND person_id_no >= $1 AND person_id_no < $2";

  /** One chunk: $1..$2 its ID numbers, $3 the date, $4 the run. */
  static final String CHUNK =
      "INSERT INTO coverage_run_row (run_id, person_id_no, office_code, person_name, categories,"
          + " outcome, regions) "
          + CoverageStore.MATCHED
          + " SELECT $4, person_id_no, office_code, person_name, categories, outcome, regions"
          + " FROM matched";

  static final String PROGRESS =
      "UPDATE coverage_run SET identities_done = $2, identities_total = $3, heartbeat_at = $4"
          + " WHERE run_id = $1 AND state = 'RUNNING'";

  static final String COUNTS =
      "SELECT outcome, count(*) FROM coverage_run_row WHERE run_id = $1 GROUP BY outcome";

  static final String DONE =
      "UPDATE coverage_run SET state = 'DONE', subsidised = $2, not_subsidised = $3,"
          + " elsewhere = $4, not_enrolled = $5, identities_done = identities_total,"
          + " finished_at = $6, heartbeat_at = $6 WHERE run_id = $1 AND state = 'RUNNING'";

  static final String FAILED =
      "UPDATE coverage_run SET state = 'FAILED', failure = $2, finished_at = $3"
          + " WHERE run_id = $1 AND state = 'RUNNING'";

  /** The scope's finished runs but the newest few, their rows with them (ON DELETE CASCADE). */
  static final String FORGET =
      "DELETE FROM coverage_run WHERE scope_kind = $1 AND scope_code = $2 AND state <> 'RUNNING'"
          + " AND run_id NOT IN (SELECT run_id FROM coverage_run WHERE scope_kind = $1"
          + " AND scope_code = $2 ORDER BY requested_at DESC LIMIT "
          + KEEP_PER_SCOPE
          + ")";

  private final Pool pool;
  private final CoverageStore store;
  private final WorkerExecutor worker;
  private final Target target;
  private final Clock clock;
  private final Set<UUID> mine = ConcurrentHashMap.newKeySet();

  public CoverageRuns(Vertx vertx, Pool pool, Target target, Clock clock) {
    this.pool = pool;
    this.store = new CoverageStore(pool, clock);
    this.worker =
        vertx.createSharedWorkerExecutor(
            "coverage-run", WORKERS, MAX_RUN_MINUTES, TimeUnit.MINUTES);
    this.target = target;
    this.clock = clock;
    vertx.setPeriodic(TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS), id -> beat());
  }

  /**
   * Starts the matching of {@code scope} on {@code date}, or joins the one running; audited ({@code
   * COVERAGE_RUN}).
   */
  public Future<Run> start(ManagerPrincipal m, Scope scope, LocalDate date) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = now();
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(id, scope.kind(), scope.code(), date, m.actor(), now))
        .compose(
            inserted -> {
              if (inserted.rowCount() == 1) {
                mine.add(id);
                worker
                    .executeBlocking(() -> run(id, scope, date), false)
                    .onComplete(ar -> finished(id, scope, ar.cause()));
              }
              return pool.preparedQuery(RUNNING)
                  .execute(Tuple.of(scope.kind(), scope.code(), date))
                  .compose(
                      rows ->
                          rows.size() == 0 ? latest(scope) : Future.succeededFuture(runOf(rows)));
            })
        .compose(
            run ->
                store.audited(
                    m,
                    "COVERAGE_RUN",
                    scope,
                    new JsonObject().put("date", date.toString()).put("run", run.id().toString()),
                    Future.succeededFuture(run)));
  }

  /** The run {@code id} if {@code m} may see its scope (else not found); a dead one FAILED. */
  public Future<Run> find(ManagerPrincipal m, UUID id, boolean agency) {
    return byId(id)
        .map(
            r -> {
              if (r == null || !CoverageAccess.sees(m, agency, r.scope())) {
                throw Refusal.notFound("matching run " + id);
              }
              return r;
            });
  }

  /** The newest run of {@code scope}, or null. */
  public Future<Run> latest(Scope scope) {
    return pool.preparedQuery(LATEST)
        .execute(Tuple.of(scope.kind(), scope.code()))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : alive(runOf(rows)));
  }

  /** A page of a DONE run; audited like a synchronous look ({@code COVERAGE_VIEW}). */
  public Future<MatchPage> page(ManagerPrincipal m, Run r, Outcome outcome, int page, int size) {
    if (size < 1 || size > CoverageStore.MAX_PAGE_SIZE || page < 1) {
      throw new IllegalArgumentException("page " + page + " of size " + size);
    }
    String o = outcome == null ? null : outcome.name();
    return store.audited(
        m,
        "COVERAGE_VIEW",
        r.scope(),
        runDetails(r, o).put("page", page),
        pool.preparedQuery(PAGE)
            .execute(Tuple.of(r.id(), o, size, (long) (page - 1) * size))
            .map(
                rows -> new MatchPage(r.date(), r.counts(), outcome, matchRows(rows), page, size)));
  }

  /** Every row of an outcome (or of all) of a DONE run, for the CSV; audited. */
  public Future<List<MatchRow>> all(ManagerPrincipal m, Run r, Outcome outcome) {
    String o = outcome == null ? null : outcome.name();
    return store.audited(
        m,
        "COVERAGE_EXPORT",
        r.scope(),
        runDetails(r, o),
        pool.preparedQuery(ALL)
            .execute(Tuple.of(r.id(), o, CoverageStore.MAX_EXPORT_ROWS + 1))
            .map(
                rows -> {
                  if (rows.size() > CoverageStore.MAX_EXPORT_ROWS) {
                    throw CoverageStore.tooMany("outcome");
                  }
                  return matchRows(rows);
                }));
  }

  // ---- reading

  private Future<Run> byId(UUID id) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : alive(runOf(rows)));
  }

  /** {@code r}, or, when it is RUNNING with a stale heartbeat, {@code r} marked FAILED. */
  private Future<Run> alive(Run r) {
    if (r.state() != State.RUNNING) {
      return Future.succeededFuture(r);
    }
    OffsetDateTime now = now();
    OffsetDateTime stale = now.minusSeconds(STALE_SECONDS);
    return pool.preparedQuery(FAIL_STALE)
        .execute(Tuple.of(r.id(), stale, now))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return r;
              }
              LOG.warn("coverage run {} found dead (no heartbeat): marked FAILED", r.id());
              return runOf(rows);
            });
  }

  private static Run runOf(RowSet<Row> rows) {
    Row r = rows.iterator().next();
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    State state = State.valueOf(r.getString("state"));
    if (state == State.DONE) {
      counts.put(Outcome.SUBSIDISED, r.getLong("subsidised"));
      counts.put(Outcome.NOT_SUBSIDISED, r.getLong("not_subsidised"));
      counts.put(Outcome.ELSEWHERE, r.getLong("elsewhere"));
      counts.put(Outcome.NOT_ENROLLED, r.getLong("not_enrolled"));
    }
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    return new Run(
        r.getUUID("run_id"),
        new Scope(r.getString("scope_kind"), r.getString("scope_code")),
        r.getLocalDate("match_date"),
        state,
        r.getLong("identities_done"),
        r.getLong("identities_total"),
        counts,
        r.getString("failure"),
        r.getString("requested_by"),
        r.getOffsetDateTime("requested_at").toInstant(),
        finished == null ? null : finished.toInstant());
  }

  private static List<MatchRow> matchRows(RowSet<Row> rows) {
    List<MatchRow> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(CoverageStore.matchRow(r));
    }
    return out;
  }

  private static JsonObject runDetails(Run r, String outcome) {
    return new JsonObject()
        .put("date", r.date().toString())
        .put("run", r.id().toString())
        .put("outcome", outcome);
  }

  // ---- running (on the worker)

  /** Runs the matching of {@code scope}: blocking, on the run's worker. */
  private Void run(UUID id, Scope scope, LocalDate date) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection rows = connect();
        Connection progress = connect()) {
      rows.setAutoCommit(false);
      rows.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = rows.createStatement()) {
        s.execute(CoverageStore.WORK_MEM);
        s.execute(CoverageStore.NO_JIT);
      }
      List<String> cuts = new ArrayList<>();
      long total;
      try (PreparedStatement p = prepare(rows, TOTAL, scope.idFrom(), scope.idBefore())) {
        try (ResultSet r = p.executeQuery()) {
          r.next();
          total = r.getLong(1);
        }
      }
      try (PreparedStatement p = prepare(rows, CUTS, scope.idFrom(), scope.idBefore());
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          cuts.add(r.getString(1));
        }
      }
      progress(progress, id, 0, total);
      cuts.add(scope.idBefore());
      String from = scope.idFrom();
      long done = 0;
      try (PreparedStatement chunk = prepare(rows, CHUNK)) {
        for (String before : cuts) {
          bind(chunk, CHUNK, from, before, date, id);
          chunk.executeUpdate();
          done = Math.min(total, done + CHUNK_IDENTITIES);
          progress(progress, id, done, total);
          from = before;
        }
      }
      Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        counts.put(o, 0L);
      }
      try (PreparedStatement p = prepare(rows, COUNTS, id);
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          counts.put(Outcome.valueOf(r.getString(1)), r.getLong(2));
        }
      }
      rows.commit();
      try (PreparedStatement p =
          prepare(
              progress,
              DONE,
              id,
              counts.get(Outcome.SUBSIDISED),
              counts.get(Outcome.NOT_SUBSIDISED),
              counts.get(Outcome.ELSEWHERE),
              counts.get(Outcome.NOT_ENROLLED),
              Timestamp.from(Instant.now(clock)))) {
        if (p.executeUpdate() != 1) {
          throw new IllegalStateException("run " + id + " was no longer running at its end");
        }
      }
      LOG.info(
          "coverage run {} of {} {}: {} identity rows in {} ms",
          id,
          scope.kind(),
          scope.code(),
          total,
          (System.nanoTime() - t0) / 1_000_000);
      return null;
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }

  private void progress(Connection c, UUID id, long done, long total) throws SQLException {
    try (PreparedStatement p =
        prepare(c, PROGRESS, id, done, total, Timestamp.from(Instant.now(clock)))) {
      p.executeUpdate();
    }
  }

  private void finished(UUID id, Scope scope, Throwable failure) {
    mine.remove(id);
    Future<?> after;
    if (failure == null) {
      after = Future.succeededFuture();
    } else {
      LOG.error("coverage run {} failed: {}", id, failure.toString());
      after =
          pool.preparedQuery(FAILED)
              .execute(Tuple.of(id, "the matching failed; start it again", now()));
    }
    after
        .compose(x -> pool.preparedQuery(FORGET).execute(Tuple.of(scope.kind(), scope.code())))
        .onFailure(e -> LOG.warn("coverage run {}: could not tidy up: {}", id, e.toString()));
  }

  /** Beats the heartbeat of this instance's running runs. */
  private void beat() {
    for (UUID id : mine) {
      pool.preparedQuery(BEAT)
          .execute(Tuple.of(id, now()))
          .onFailure(e -> LOG.warn("coverage run {}: heartbeat failed: {}", id, e.toString()));
    }
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  // ---- $n for JDBC

  private static final Pattern PARAM = Pattern.compile("\\$([0-9]+)");

  /**
   * {@code sql} written with the reactive client's {@code $n} parameters, prepared for JDBC (each
   * {@code $n} a {@code ?}) and bound with {@code args} ({@code args[n - 1]} wherever {@code $n}
   * is). One text per statement serves both clients.
   */
  static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement p = c.prepareStatement(PARAM.matcher(sql).replaceAll("?"));
    if (args.length > 0) {
      bind(p, sql, args);
    }
    return p;
  }

  static void bind(PreparedStatement p, String sql, Object... args) throws SQLException {
    Matcher m = PARAM.matcher(sql);
    int i = 0;
    while (m.find()) {
      Object a = args[Integer.parseInt(m.group(1)) - 1];
      i++;
      if (a instanceof LocalDate d) {
        p.setObject(i, d);
      } else {
        p.setObject(i, a);
      }
    }
  }
}
