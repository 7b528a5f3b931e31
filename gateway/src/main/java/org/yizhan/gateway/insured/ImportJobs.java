package org.yizhan.gateway.insured;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * Register imports as jobs an agency starts and polls, stored in PostgreSQL ({@code
 * insured_import}, migration V20) so that any instance answers a job's progress and result.
 *
 * <p>The file arrives in one request or in parts (each within the HTTP body limit) appended to a
 * temporary file on the instance that received the first part: later parts must reach that same
 * instance (another answers 409 {@code IMPORT_ELSEWHERE}). Then one worker thread runs the import
 * ({@link RegisterImport}) while the job's counters (rows read, validated, written) are written to
 * its row every {@link #BEAT_SECONDS} with a heartbeat. A job whose heartbeat is older than {@link
 * #STALE_SECONDS} belonged to an instance that stopped (crashed, or restarted mid-import): the
 * first poll marks it FAILED. The import is one transaction, so a failed job wrote nothing.
 *
 * <p>A refused file keeps every bad line found (up to {@link RegisterImport#MAX_REFUSALS}) in
 * {@code insured_import_refusal}, each with its line, field and code.
 *
 * <p>Bounded: one import runs at a time per instance ({@link #WORKERS}), at most {@link #MAX_JOBS}
 * jobs are open on an instance, a file holds at most {@link #MAX_FILE_BYTES}.
 */
public final class ImportJobs {
  private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);

  /** The refusal of a file over {@link #MAX_FILE_BYTES}; the front door answers it 413. */
  public static final String FILE_TOO_LARGE = "FILE_TOO_LARGE";

  /** Imports running at once per instance: one (the merge locks the register against writers). */
  static final int WORKERS = 1;

  /** Jobs open (uploading or running) on one instance at most. */
  static final int MAX_JOBS = 64;

  /** The largest register file, bytes (16 GiB: some 100 million rows). */
  static final long MAX_FILE_BYTES = 16L << 30;

  /** The longest one import may run before the worker's blocked-thread warning, minutes. */
  static final long MAX_IMPORT_MINUTES = 240;

  /** How often an open job's counters and heartbeat are written, seconds. */
  static final long BEAT_SECONDS = 2;

  /** An open job whose heartbeat is older than this belonged to a stopped instance, seconds. */
  public static final long STALE_SECONDS = 60;

  /** Where a job stands. */
  public enum State {
    UPLOADING,
    RUNNING,
    DONE,
    REFUSED,
    FAILED
  }

  /** One bad line of a refused file. */
  public record LineRefusal(Long line, String code, String field, String message) {}

  /** What a poll answers. */
  public record Progress(
      UUID id,
      String region,
      State state,
      long bytes,
      long rowsRead,
      long rowsValidated,
      long rowsWritten,
      long rowsUnchanged,
      Refusal refusal,
      List<LineRefusal> refusals,
      String startedBy,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt) {}

  /** A job open on this instance: its file and its live counters. */
  private static final class Job {
    final UUID id = UUID.randomUUID();
    final ManagerPrincipal owner;
    final Path file;

    /** Whether the file is the job's own upload (deleted when done), not one it was given. */
    final boolean upload;

    final MessageDigest sha;
    final RegisterImport.Counters counters = new RegisterImport.Counters();
    volatile State state = State.UPLOADING;
    volatile long bytes;

    Job(ManagerPrincipal owner, Path file, boolean upload) {
      this.owner = owner;
      this.file = file;
      this.upload = upload;
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static final String COLUMNS =
      "import_id, region, state, bytes, rows_read, rows_validated, rows_written, rows_unchanged,"
          + " refusal_code, refusal_field, refusal_message, started_by, created_at, started_at,"
          + " finished_at";

  static final String INSERT =
      "INSERT INTO insured_import (import_id, region, state, started_by, created_at,"
          + " heartbeat_at) VALUES ($1, $2, 'UPLOADING', $3, $4, $4)";

  static final String BEAT =
      "UPDATE insured_import SET bytes = $2, rows_read = $3, rows_validated = $4,"
          + " rows_written = $5, rows_unchanged = $6, heartbeat_at = $7"
          + " WHERE import_id = $1 AND state IN ('UPLOADING', 'RUNNING')";

  static final String STARTED =
      "UPDATE insured_import SET state = 'RUNNING', bytes = $2, file_sha256 = $3,"
          + " started_at = $4, heartbeat_at = $4 WHERE import_id = $1";

  static final String ENDED =
      "UPDATE insured_import SET state = $2, bytes = $3, rows_read = $4, rows_validated = $5,"
          + " rows_written = $6, rows_unchanged = $7, refusal_code = $8, refusal_field = $9,"
          + " refusal_message = $10, finished_at = $11, heartbeat_at = $11 WHERE import_id = $1";

  static final String REFUSAL =
      "INSERT INTO insured_import_refusal (import_id, seq, line, code, field, message)"
          + " VALUES ($1, $2, $3, $4, $5, $6)";

  static final String FIND = "SELECT " + COLUMNS + " FROM insured_import WHERE import_id = $1";

  static final String FAIL_STALE =
      "UPDATE insured_import SET state = 'FAILED', finished_at = $3, refusal_code ="
          + " 'IMPORT_INTERRUPTED', refusal_field = NULL, refusal_message = 'the instance running"
          + " the import stopped before it finished; nothing was imported; upload the file again'"
          + " WHERE import_id = $1 AND state IN ('UPLOADING', 'RUNNING') AND heartbeat_at < $2"
          + " RETURNING "
          + COLUMNS;

  static final String REFUSALS =
      "SELECT line, code, field, message FROM insured_import_refusal WHERE import_id = $1"
          + " ORDER BY seq";

  private final Map<UUID, Job> open = new ConcurrentHashMap<>();
  private final WorkerExecutor worker;
  private final RegisterImport importer;
  private final Pool pool;
  private final EnrolmentCache enrolments;
  private final Clock clock;

  /**
   * @param jdbcUrl the gateway's database, reached over JDBC for COPY
   */
  public ImportJobs(
      Vertx vertx,
      Pool pool,
      String jdbcUrl,
      String user,
      String password,
      Regions regions,
      EnrolmentCache enrolments,
      Clock clock) {
    this.enrolments = enrolments;
    this.worker =
        vertx.createSharedWorkerExecutor(
            "insured-import", WORKERS, MAX_IMPORT_MINUTES, TimeUnit.MINUTES);
    this.importer =
        new RegisterImport(new RegisterImport.Target(jdbcUrl, user, password), regions, clock);
    this.pool = pool;
    this.clock = clock;
    vertx.setPeriodic(TimeUnit.SECONDS.toMillis(BEAT_SECONDS), t -> beat());
  }

  /** A new job with the file's first part; started at once unless {@code more} parts follow. */
  public Future<Progress> create(ManagerPrincipal m, Buffer part, boolean more) {
    if (open.size() >= MAX_JOBS) {
      return Future.failedFuture(
          new Refusal(
              Refusal.Kind.UNAVAILABLE,
              "BUSY",
              null,
              "too many register imports under way; retry when one has finished"));
    }
    return worker
        .<Job>executeBlocking(
            () -> new Job(m, Files.createTempFile("yizhan-register-", ".upload"), true), false)
        .compose(j -> recordNew(j).map(j))
        .compose(j -> worker.<Job>executeBlocking(() -> append(j, part), false))
        .compose(j -> finish(j, more));
  }

  /**
   * Imports a file already on this host (an operator's load of a province's register, or the import
   * benchmark), for the agency {@code m}; the file is read, never changed or deleted.
   */
  public Future<Progress> importFile(ManagerPrincipal m, Path file) {
    return worker
        .<Job>executeBlocking(
            () -> {
              Job j = new Job(m, file, false);
              j.bytes = Files.size(file);
              try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                  j.sha.update(buf, 0, n);
                }
              }
              return j;
            },
            false)
        .compose(j -> recordNew(j).map(j))
        .compose(j -> finish(j, false));
  }

  /** Appends a part to an uploading job of the agency; starts it unless {@code more} follow. */
  public Future<Progress> append(ManagerPrincipal m, UUID id, Buffer part, boolean more) {
    Job j = open.get(id);
    if (j == null) {
      // not open here: another instance's upload, a finished job, or none of the agency's
      return progress(m, id)
          .compose(
              p ->
                  Future.failedFuture(
                      p.state() == State.UPLOADING
                          ? new Refusal(
                              Refusal.Kind.CONFLICT,
                              "IMPORT_ELSEWHERE",
                              "id",
                              "id: the earlier parts of this upload are on another instance of"
                                  + " the gateway; send every part to the same instance, or"
                                  + " upload the file again")
                          : started()));
    }
    if (!j.owner.officeCode().equals(m.officeCode())) {
      return Future.failedFuture(Refusal.notFound("import " + id));
    }
    if (j.state != State.UPLOADING) {
      return Future.failedFuture(started());
    }
    return worker.<Job>executeBlocking(() -> append(j, part), false).compose(x -> finish(j, more));
  }

  private static Refusal started() {
    return new Refusal(
        Refusal.Kind.CONFLICT,
        "IMPORT_STARTED",
        "id",
        "id: the import has started; its file is complete");
  }

  /**
   * The progress of a job of the agency's region (another's is not found), from the database: any
   * instance answers it; a job whose instance stopped is answered FAILED.
   */
  public Future<Progress> progress(ManagerPrincipal m, UUID id) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0
                  || !rows.iterator().next().getString("region").equals(m.officeCode())) {
                throw Refusal.notFound("import " + id);
              }
              Row r = rows.iterator().next();
              State s = State.valueOf(r.getString("state"));
              if ((s == State.UPLOADING || s == State.RUNNING) && !open.containsKey(id)) {
                OffsetDateTime now = now();
                return pool.preparedQuery(FAIL_STALE)
                    .execute(Tuple.of(id, now.minusSeconds(STALE_SECONDS), now))
                    .map(failed -> failed.size() == 0 ? r : failed.iterator().next());
              }
              return Future.succeededFuture(r);
            })
        .compose(
            r ->
                pool.preparedQuery(REFUSALS)
                    .execute(Tuple.of(id))
                    .map(lines -> live(progress(r, lines))));
  }

  /** {@code p} with the live counters when its job is open here (the row lags a beat). */
  private Progress live(Progress p) {
    Job j = open.get(p.id());
    if (j == null || (p.state() != State.UPLOADING && p.state() != State.RUNNING)) {
      return p;
    }
    RegisterImport.Counters c = j.counters;
    return new Progress(
        p.id(),
        p.region(),
        p.state(),
        j.bytes,
        c.read.get(),
        c.validated.get(),
        c.written.get(),
        c.unchanged.get(),
        p.refusal(),
        p.refusals(),
        p.startedBy(),
        p.createdAt(),
        p.startedAt(),
        p.finishedAt());
  }

  private static Progress progress(Row r, RowSet<Row> lines) {
    List<LineRefusal> refusals = new ArrayList<>();
    for (Row l : lines) {
      refusals.add(
          new LineRefusal(
              l.getLong("line"),
              l.getString("code"),
              l.getString("field"),
              l.getString("message")));
    }
    String code = r.getString("refusal_code");
    return new Progress(
        r.getUUID("import_id"),
        r.getString("region"),
        State.valueOf(r.getString("state")),
        r.getLong("bytes"),
        r.getLong("rows_read"),
        r.getLong("rows_validated"),
        r.getLong("rows_written"),
        r.getLong("rows_unchanged"),
        code == null
            ? null
            : new Refusal(
                Refusal.Kind.UNPROCESSABLE,
                code,
                r.getString("refusal_field"),
                r.getString("refusal_message")),
        List.copyOf(refusals),
        r.getString("started_by"),
        instant(r, "created_at"),
        instant(r, "started_at"),
        instant(r, "finished_at"));
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private Future<Void> recordNew(Job j) {
    open.put(j.id, j);
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(j.id, j.owner.officeCode(), j.owner.actor(), now()))
        .<Void>mapEmpty()
        .onFailure(e -> forget(j));
  }

  private Job append(Job j, Buffer part) throws IOException {
    synchronized (j) {
      if (j.bytes + part.length() > MAX_FILE_BYTES) {
        Files.deleteIfExists(j.file);
        Refusal r =
            new Refusal(
                Refusal.Kind.INVALID,
                FILE_TOO_LARGE,
                "file",
                "file: larger than " + MAX_FILE_BYTES + " bytes");
        end(j, State.REFUSED, r, List.of());
        throw r;
      }
      byte[] bytes = part.getBytes();
      try (OutputStream out = Files.newOutputStream(j.file, StandardOpenOption.APPEND)) {
        out.write(bytes);
      }
      j.sha.update(bytes);
      j.bytes += bytes.length;
      return j;
    }
  }

  private Future<Progress> finish(Job j, boolean more) {
    Future<Void> started = more ? Future.succeededFuture() : start(j);
    return started.compose(v -> progress(j.owner, j.id));
  }

  private Future<Void> start(Job j) {
    j.state = State.RUNNING;
    String sha = HexFormat.of().formatHex(j.sha.digest());
    return pool.preparedQuery(STARTED)
        .execute(Tuple.of(j.id, j.bytes, sha, now()))
        .onSuccess(x -> run(j, sha))
        .onFailure(e -> forget(j))
        .mapEmpty();
  }

  private void run(Job j, String sha) {
    worker
        .executeBlocking(
            () -> {
              importer.run(j.owner, j.file, sha, j.counters);
              return null;
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                LOG.info(
                    "register import {} of {}: {} rows, {} written",
                    j.id,
                    RegisterImport.describe(j.owner, sha),
                    j.counters.read.get(),
                    j.counters.written.get());
                // committed: this instance forgets every cached person before anyone hears it is
                // done (the import's NOTIFY does the same on every other instance)
                enrolments.invalidateAll();
                end(j, State.DONE, null, List.of());
              } else if (ar.cause() instanceof Refusal r) {
                LOG.info(
                    "register import {} of {} refused: {}",
                    j.id,
                    RegisterImport.describe(j.owner, sha),
                    r.code());
                List<Refusal> all = j.counters.refusals();
                end(j, State.REFUSED, r, all.isEmpty() ? List.of(r) : all);
              } else {
                LOG.error("register import {} failed: {}", j.id, ar.cause().toString());
                end(
                    j,
                    State.FAILED,
                    new Refusal(
                        Refusal.Kind.UNAVAILABLE,
                        "IMPORT_FAILED",
                        null,
                        "the import failed; nothing was imported"),
                    List.of());
              }
            });
  }

  /** Records the job's end (its refusals with it), then forgets it here. */
  private void end(Job j, State state, Refusal refusal, List<Refusal> refusals) {
    j.state = state;
    OffsetDateTime now = now();
    RegisterImport.Counters c = j.counters;
    List<Tuple> lines = new ArrayList<>();
    for (Refusal r : refusals) {
      lines.add(
          Tuple.of(j.id, lines.size() + 1, line(r.field()), r.code(), r.field(), r.getMessage()));
    }
    pool.withTransaction(
            conn ->
                conn.preparedQuery(ENDED)
                    .execute(
                        Tuple.from(
                            new Object[] {
                              j.id,
                              state.name(),
                              j.bytes,
                              c.read.get(),
                              c.validated.get(),
                              c.written.get(),
                              c.unchanged.get(),
                              refusal == null ? null : refusal.code(),
                              refusal == null ? null : refusal.field(),
                              refusal == null ? null : refusal.getMessage(),
                              now
                            }))
                    .compose(
                        x ->
                            lines.isEmpty()
                                ? Future.succeededFuture()
                                : conn.preparedQuery(REFUSAL).executeBatch(lines)))
        .onComplete(ar -> forget(j))
        .onFailure(e -> LOG.error("register import {}: its end not recorded: {}", j.id, e));
  }

  private void forget(Job j) {
    open.remove(j.id);
    if (j.upload) {
      try {
        Files.deleteIfExists(j.file);
      } catch (IOException e) {
        LOG.warn("register import {}: temporary file not deleted: {}", j.id, e.toString());
      }
    }
  }

  /** Writes the counters and heartbeat of the jobs open here. */
  private void beat() {
    OffsetDateTime now = now();
    for (Job j : open.values()) {
      RegisterImport.Counters c = j.counters;
      pool.preparedQuery(BEAT)
          .execute(
              Tuple.from(
                  new Object[] {
                    j.id,
                    j.bytes,
                    c.read.get(),
                    c.validated.get(),
                    c.written.get(),
                    c.unchanged.get(),
                    now
                  }))
          .onFailure(e -> LOG.warn("register import {}: heartbeat failed: {}", j.id, e.toString()));
    }
  }

  private static final Pattern LINE = Pattern.compile("^line ([0-9]+)");

  /** The line a refusal's field names ({@code line 12: valid_from}), or null (the whole file). */
  static Long line(String field) {
    if (field == null) {
      return null;
    }
    Matcher m = LINE.matcher(field);
    return m.find() ? Long.parseLong(m.group(1)) : null;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
