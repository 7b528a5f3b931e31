package org.yizhan.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * An office's roster imported as a job the clerk watches and decides on: the file is uploaded in
 * parts, checked into a plan (how many identities are new, changed, ended, unchanged, and the first
 * refused lines), shown, and written only when the clerk confirms; cancelled, nothing is written.
 *
 * <p>Why jobs in the database: a county's roster is hundreds of thousands of rows, more than one
 * request may carry or one request's timeout may wait for, and two gateway instances may stand
 * behind one address. Every part, the job's state and progress, and its plan are rows of {@code
 * roster_import*} (migration V22), so a part, a poll or the confirmation may reach either instance.
 * The two long steps run on this instance's import workers ({@link RosterImportRun}, {@link
 * RosterImportApply}) and write their progress and heartbeat to the job; a step whose heartbeat
 * stops (its gateway died) shows as interrupted, and a confirmation interrupted so may be given
 * again (its transaction rolled back).
 *
 * <p>The rules of the old one-request import hold: a file imports whole or not at all (any refused
 * line, and the confirm button is not offered), refusals name their line and column and never a
 * value, one audit entry per applied file. A confirmation applies exactly the plan previewed; if
 * any current identity of the file's persons changed in between, the job becomes STALE ({@value
 * #ROSTER_CHANGED}) and nothing is written.
 *
 * <p>Bounded: parts of at most {@link #PART_BYTES_MAX}, files of at most {@link #FILE_BYTES_MAX}
 * and {@link IdentityRoster#MAX_ROWS} rows, {@link #OPEN_PER_OFFICE_MAX} open jobs per office,
 * {@link #WORKERS} steps at once per instance and {@link #QUEUED_MAX} waiting, previews confirmable
 * for {@link #PREVIEW_MINUTES} minutes, jobs kept {@link #KEPT_HOURS} hours.
 */
public final class RosterImports {
  private static final Logger LOG = LoggerFactory.getLogger(RosterImports.class);

  /** The largest part of an upload, bytes: well within the HTTP body limit (2 MiB). */
  public static final int PART_BYTES_MAX = 1 << 20;

  /** The largest roster file, bytes: 300,000 exported rows take about 45 MiB. */
  public static final long FILE_BYTES_MAX = 64L << 20;

  /** Refused lines kept and shown per job (all are counted). */
  public static final int REFUSED_SHOWN = 20;

  /** How long a preview may be confirmed, minutes. */
  static final long PREVIEW_MINUTES = 60;

  /** A checking or applying job silent this long was interrupted, seconds. */
  static final long HEARTBEAT_SECONDS = 120;

  /** How long a job (and what is left of its file and plan) is kept, hours. */
  static final long KEPT_HOURS = 24;

  /** Jobs of one office not yet finished (uploading, checking, previewed, applying). */
  static final int OPEN_PER_OFFICE_MAX = 5;

  /** Checks and applies running at once on one instance. */
  static final int WORKERS = 2;

  /** Checks and applies running or waiting on one instance; beyond, 503 BUSY. */
  static final int QUEUED_MAX = 8;

  /** The longest one step may run before the worker's blocked-thread warning, minutes. */
  static final long STEP_MINUTES_MAX = 30;

  public static final String ROSTER_CHANGED = "ROSTER_CHANGED";

  /** Where a job stands (the table's CHECK lists the same). */
  public enum State {
    UPLOADING,
    CHECKING,
    PREVIEW,
    REFUSED,
    APPLYING,
    APPLIED,
    CANCELLED,
    STALE,
    FAILED
  }

  /** A refused line: its number (0 for the whole file) and the refusal, as the API answers one. */
  public record RefusedLine(int line, String kind, String code, String field, String message) {
    /** The refusal itself (the one-request import answers the first one so). */
    public Refusal refusal() {
      return new Refusal(Refusal.Kind.valueOf(kind), code, field, message);
    }
  }

  /** Why a job stopped without applying (STALE, FAILED). */
  public record Failure(String code, String field, String message) {}

  /** A job as a poll sees it. */
  public record Status(
      UUID id,
      State state,
      boolean interrupted,
      long declaredBytes,
      long receivedBytes,
      long done,
      long total,
      int rows,
      int registered,
      int changed,
      int ended,
      int unchanged,
      int refusedLines,
      List<RefusedLine> refused,
      Failure failure,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt) {}

  private final Pool pool;
  private final IdentityDirectory directory;
  private final Clock clock;
  private final WorkerExecutor worker;
  private final RosterImportRun run;
  private final RosterImportApply applier;
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * @param jdbcUrl the gateway's database, reached over JDBC (COPY) by the import's steps
   */
  public RosterImports(
      Vertx vertx,
      IdentityService identities,
      String jdbcUrl,
      String user,
      String password,
      Clock clock) {
    this.pool = identities.pool();
    this.directory = identities.directory();
    this.clock = clock;
    this.worker =
        vertx.createSharedWorkerExecutor(
            "roster-import", WORKERS, STEP_MINUTES_MAX, TimeUnit.MINUTES);
    this.run = new RosterImportRun(new RosterImportRun.Target(jdbcUrl, user, password), clock);
    this.applier = new RosterImportApply(run, clock);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock)
        .withOffsetSameInstant(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.MICROS);
  }

  // ---- SQL (the job's small steps, on the reactive pool)

  static final String OPEN =
      "SELECT count(*) FROM roster_import WHERE office_code = $1 AND created_at > $2"
          + " AND state IN ('UPLOADING', 'CHECKING', 'PREVIEW', 'APPLYING')";

  static final String CREATE =
      "INSERT INTO roster_import (id, office_code, created_by, created_at, updated_at, state,"
          + " content_type, declared_bytes) VALUES ($1, $2, $3, $4, $4, 'UPLOADING', $5, $6)"
          + " RETURNING *";

  static final String JOB = "SELECT * FROM roster_import WHERE id = $1 AND office_code = $2";

  static final String LOCK_UPLOADING =
      "SELECT declared_bytes FROM roster_import WHERE id = $1 AND office_code = $2"
          + " AND state = 'UPLOADING' FOR UPDATE";

  static final String PUT_PART =
      "INSERT INTO roster_import_part (import_id, seq, bytes) VALUES ($1, $2, $3)"
          + " ON CONFLICT (import_id, seq) DO UPDATE SET bytes = EXCLUDED.bytes";

  static final String RECEIVED =
      "UPDATE roster_import SET received_bytes = (SELECT coalesce(sum(length(bytes)), 0)"
          + " FROM roster_import_part WHERE import_id = $1), updated_at = $2 WHERE id = $1"
          + " RETURNING *";

  static final String CLAIM_CHECK =
      "UPDATE roster_import SET state = 'CHECKING', updated_at = $3, done = 0,"
          + " total = declared_bytes WHERE id = $1 AND office_code = $2 AND state = 'UPLOADING'"
          + " AND received_bytes = declared_bytes RETURNING *";

  static final String CLAIM_APPLY =
      "UPDATE roster_import SET state = 'APPLYING', updated_at = $3, done = 0,"
          + " total = registered + changed + ended WHERE id = $1 AND office_code = $2"
          + " AND (state = 'PREVIEW' OR (state = 'APPLYING' AND updated_at < $4))"
          + " AND checked_at > $5 RETURNING *";

  static final String CANCEL =
      "UPDATE roster_import SET state = 'CANCELLED', updated_at = $3, finished_at = $3"
          + " WHERE id = $1 AND office_code = $2"
          + " AND state IN ('UPLOADING', 'CHECKING', 'PREVIEW', 'REFUSED') RETURNING *";

  static final String DROP_PARTS = "DELETE FROM roster_import_part WHERE import_id = $1";

  static final String DROP_ROWS = "DELETE FROM roster_import_row WHERE import_id = $1";

  static final String FAILED =
      "UPDATE roster_import SET state = 'FAILED', updated_at = $2, finished_at = $2, failure = $3"
          + " WHERE id = $1 AND state IN ('CHECKING', 'APPLYING')";

  static final String DROP_JOB = "DELETE FROM roster_import WHERE id = $1";

  static final String PURGE = "DELETE FROM roster_import WHERE created_at < $1";

  // ---- the steps

  /** A new job for a file of {@code bytes}, its parts to follow. */
  public Future<Status> create(ManagerPrincipal m, long bytes, String contentType) {
    if (bytes < 1 || bytes > FILE_BYTES_MAX) {
      return Future.failedFuture(tooLarge(bytes));
    }
    OffsetDateTime now = now();
    return pool.preparedQuery(OPEN)
        .execute(Tuple.of(m.officeCode(), now.minusHours(KEPT_HOURS)))
        .compose(
            open -> {
              if (open.iterator().next().getLong(0) >= OPEN_PER_OFFICE_MAX) {
                return Future.failedFuture(
                    new Refusal(
                        Refusal.Kind.TOO_MANY,
                        "IMPORTS_OPEN",
                        null,
                        "the office has "
                            + OPEN_PER_OFFICE_MAX
                            + " roster imports under way; confirm or cancel one first"));
              }
              return pool.preparedQuery(CREATE)
                  .execute(
                      Tuple.of(
                          UUID.randomUUID(), m.officeCode(), m.actor(), now, contentType, bytes));
            })
        .map(rows -> status(rows.iterator().next()));
  }

  /** Stores part {@code seq} (from 0) of an uploading job; sending a part again replaces it. */
  public Future<Status> part(ManagerPrincipal m, UUID id, int seq, byte[] bytes) {
    if (bytes.length == 0 || bytes.length > PART_BYTES_MAX) {
      return Future.failedFuture(
          Refusal.invalid("part", "must hold 1 to " + PART_BYTES_MAX + " bytes"));
    }
    return putPart(m, id, seq, bytes);
  }

  private Future<Status> putPart(ManagerPrincipal m, UUID id, int seq, byte[] bytes) {
    if (seq < 0 || seq > FILE_BYTES_MAX / 1024) {
      return Future.failedFuture(Refusal.invalid("seq", "must be 0 to " + FILE_BYTES_MAX / 1024));
    }
    return pool.withTransaction(
        c ->
            c.preparedQuery(LOCK_UPLOADING)
                .execute(Tuple.of(id, m.officeCode()))
                .compose(
                    job -> {
                      if (job.size() == 0) {
                        return notUploading(m, id);
                      }
                      long declared = job.iterator().next().getLong(0);
                      return c.preparedQuery(PUT_PART)
                          .execute(Tuple.of(id, seq, io.vertx.core.buffer.Buffer.buffer(bytes)))
                          .compose(x -> c.preparedQuery(RECEIVED).execute(Tuple.of(id, now())))
                          .compose(
                              rows -> {
                                Status s = status(rows.iterator().next());
                                if (s.receivedBytes() > declared) {
                                  return Future.failedFuture(
                                      Refusal.invalid(
                                          "part",
                                          "the parts hold more than the "
                                              + declared
                                              + " bytes the import was created for"));
                                }
                                return Future.succeededFuture(s);
                              });
                    }));
  }

  /** Starts checking a job whose parts are all in; answers at once (poll {@link #status}). */
  public Future<Status> check(ManagerPrincipal m, UUID id) {
    return claimCheck(m, id).map(s -> s.status);
  }

  private record Started(Status status, Future<Void> step) {}

  private Future<Started> claimCheck(ManagerPrincipal m, UUID id) {
    if (queued.get() >= QUEUED_MAX) {
      return Future.failedFuture(busy());
    }
    return pool.preparedQuery(CLAIM_CHECK)
        .execute(Tuple.of(id, m.officeCode(), now()))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return status(m, id)
                    .compose(
                        s ->
                            Future.failedFuture(
                                s.state() == State.UPLOADING
                                    ? Refusal.conflict(
                                        "IMPORT_INCOMPLETE",
                                        "part",
                                        "part: "
                                            + s.receivedBytes()
                                            + " of "
                                            + s.declaredBytes()
                                            + " bytes have arrived; send the other parts first")
                                    : notReady(s)));
              }
              Status s = status(rows.iterator().next());
              return Future.succeededFuture(new Started(s, start(id, m, false)));
            });
  }

  /** Applies a previewed job (answers at once; poll {@link #status}). */
  public Future<Status> confirm(ManagerPrincipal m, UUID id) {
    return claimApply(m, id).map(s -> s.status);
  }

  private Future<Started> claimApply(ManagerPrincipal m, UUID id) {
    if (queued.get() >= QUEUED_MAX) {
      return Future.failedFuture(busy());
    }
    OffsetDateTime now = now();
    return pool.preparedQuery(CLAIM_APPLY)
        .execute(
            Tuple.of(
                id,
                m.officeCode(),
                now,
                now.minusSeconds(HEARTBEAT_SECONDS),
                now.minusMinutes(PREVIEW_MINUTES)))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return status(m, id).compose(s -> Future.failedFuture(notConfirmable(s)));
              }
              Status s = status(rows.iterator().next());
              return Future.succeededFuture(new Started(s, start(id, m, true)));
            });
  }

  /** Cancels a job not yet applying: its file and plan are dropped, nothing is written. */
  public Future<Status> cancel(ManagerPrincipal m, UUID id) {
    return pool.withTransaction(
        c ->
            c.preparedQuery(CANCEL)
                .execute(Tuple.of(id, m.officeCode(), now()))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return status(m, id).compose(s -> Future.failedFuture(notReady(s)));
                      }
                      Status s = status(rows.iterator().next());
                      return c.preparedQuery(DROP_PARTS)
                          .execute(Tuple.of(id))
                          .compose(x -> c.preparedQuery(DROP_ROWS).execute(Tuple.of(id)))
                          .map(x -> s);
                    }));
  }

  /** A job of the manager's office (another office's is not found). */
  public Future<Status> status(ManagerPrincipal m, UUID id) {
    return pool.preparedQuery(JOB)
        .execute(Tuple.of(id, m.officeCode()))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(Refusal.notFound("roster import " + id))
                    : Future.succeededFuture(status(rows.iterator().next())));
  }

  /**
   * The import in one request (the API's {@code POST /identities/import}, for scripts and small
   * files): the same job, checked and, when nothing is refused, applied at once; a refused file
   * fails with its first refused line.
   */
  public Future<Status> importWhole(ManagerPrincipal m, byte[] file, String contentType) {
    if (file == null || file.length == 0) {
      return Future.failedFuture(
          IdentityRoster.refused(
              "line 1",
              "header",
              "the file is empty; expected " + String.join(",", IdentityRoster.HEADER)));
    }
    return create(m, file.length, contentType)
        .compose(
            job ->
                whole(m, job.id(), file)
                    .recover(
                        e ->
                            // a refused one-request import leaves nothing behind, its job neither
                            pool.preparedQuery(DROP_JOB)
                                .execute(Tuple.of(job.id()))
                                .transform(x -> Future.<Status>failedFuture(e))));
  }

  private Future<Status> whole(ManagerPrincipal m, UUID id, byte[] file) {
    return putPart(m, id, 0, file)
        .compose(s -> claimCheck(m, id))
        .compose(started -> started.step().compose(x -> status(m, id)))
        .compose(
            s -> {
              if (s.state() == State.REFUSED) {
                return Future.failedFuture(s.refused().get(0).refusal());
              }
              return claimApply(m, id)
                  .compose(started -> started.step().compose(x -> status(m, id)));
            })
        .compose(
            s ->
                s.state() == State.APPLIED
                    ? Future.succeededFuture(s)
                    : Future.failedFuture(notConfirmable(s)));
  }

  /** Forgets jobs older than {@link #KEPT_HOURS} with what is left of their files and plans. */
  public Future<Integer> purge() {
    return pool.preparedQuery(PURGE)
        .execute(Tuple.of(now().minusHours(KEPT_HOURS)))
        .map(RowSet::rowCount);
  }

  /** Runs a step on the import workers; a fault leaves the job FAILED (nothing written). */
  private Future<Void> start(UUID id, ManagerPrincipal m, boolean apply) {
    queued.incrementAndGet();
    return worker
        .<Void>executeBlocking(
            () -> {
              try {
                if (apply) {
                  applier.apply(id, m);
                } else {
                  run.check(id, m);
                }
              } catch (RosterImportRun.Gone gone) {
                LOG.info("roster import {} was cancelled or taken over while it ran", id);
              }
              return null;
            },
            false)
        .andThen(ar -> queued.decrementAndGet())
        .andThen(
            ar -> {
              if (apply) {
                directory.invalidateAll();
              }
            })
        .recover(
            e -> {
              LOG.error(
                  "roster import {} failed while {}: {}",
                  id,
                  apply ? "applying" : "checking",
                  e.toString());
              JsonObject f =
                  new JsonObject()
                      .put("code", "IMPORT_FAILED")
                      .putNull("field")
                      .put("message", "the import failed; nothing was imported");
              return pool.preparedQuery(FAILED)
                  .execute(Tuple.of(id, now(), f.encode()))
                  .<Void>mapEmpty()
                  .otherwiseEmpty();
            });
  }

  // ---- answers

  Status status(Row r) {
    OffsetDateTime updated = r.getOffsetDateTime("updated_at");
    State state = State.valueOf(r.getString("state"));
    boolean working = state == State.CHECKING || state == State.APPLYING;
    OffsetDateTime checked = r.getOffsetDateTime("checked_at");
    List<RefusedLine> refused = new ArrayList<>();
    for (Object o : new JsonArray(r.getString("refused"))) {
      JsonObject l = (JsonObject) o;
      refused.add(
          new RefusedLine(
              l.getInteger("line"),
              l.getString("kind"),
              l.getString("code"),
              l.getString("field"),
              l.getString("message")));
    }
    String failure = r.getString("failure");
    Failure f = null;
    if (failure != null) {
      JsonObject j = new JsonObject(failure);
      f = new Failure(j.getString("code"), j.getString("field"), j.getString("message"));
    }
    return new Status(
        r.getUUID("id"),
        state,
        working && updated.isBefore(now().minusSeconds(HEARTBEAT_SECONDS)),
        r.getLong("declared_bytes"),
        r.getLong("received_bytes"),
        r.getLong("done"),
        r.getLong("total"),
        r.getInteger("rows_read"),
        r.getInteger("registered"),
        r.getInteger("changed"),
        r.getInteger("ended"),
        r.getInteger("unchanged"),
        r.getInteger("refused_lines"),
        refused,
        f,
        r.getOffsetDateTime("created_at"),
        state == State.PREVIEW && checked != null ? checked.plusMinutes(PREVIEW_MINUTES) : null);
  }

  private <T> Future<T> notUploading(ManagerPrincipal m, UUID id) {
    return status(m, id).compose(s -> Future.failedFuture(notReady(s)));
  }

  private static Refusal notReady(Status s) {
    return Refusal.conflict(
        "IMPORT_NOT_READY",
        "state",
        "state: the import is " + s.state() + ", which does not allow this step");
  }

  private Refusal notConfirmable(Status s) {
    if (s.state() == State.PREVIEW) {
      return Refusal.conflict(
          "IMPORT_EXPIRED",
          "state",
          "state: the preview is older than "
              + PREVIEW_MINUTES
              + " minutes; nothing was imported; upload the file again");
    }
    if (s.state() == State.REFUSED) {
      return Refusal.conflict(
          "IMPORT_REFUSED_LINES",
          "state",
          "state: the file has " + s.refusedLines() + " refused lines; nothing was imported");
    }
    if (s.state() == State.STALE && s.failure() != null) {
      return Refusal.conflict(ROSTER_CHANGED, s.failure().field(), s.failure().message());
    }
    if (s.state() == State.FAILED) {
      return new Refusal(
          Refusal.Kind.UNAVAILABLE,
          "IMPORT_FAILED",
          null,
          "the import failed; nothing was imported");
    }
    return notReady(s);
  }

  private static Refusal tooLarge(long bytes) {
    return new Refusal(
        Refusal.Kind.INVALID,
        "FILE_TOO_LARGE",
        "bytes",
        "bytes: a roster file holds 1 to "
            + FILE_BYTES_MAX
            + " bytes ("
            + (FILE_BYTES_MAX >> 20)
            + " MiB), not "
            + bytes);
  }

  private static Refusal busy() {
    return new Refusal(
        Refusal.Kind.UNAVAILABLE,
        "BUSY",
        null,
        "the gateway is checking as many roster imports as it may; retry in a minute");
  }
}
