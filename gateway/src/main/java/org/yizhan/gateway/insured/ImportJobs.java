package org.yizhan.gateway.insured;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * Register imports as jobs an agency starts and polls: the file arrives in one request or in parts
 * (each within the HTTP body limit, appended to a temporary file), then one worker thread runs the
 * import ({@link RegisterImport}) while the job's counters (rows read, validated, written) answer
 * the polls.
 *
 * <p>Bounded: one import runs at a time per gateway instance ({@link #WORKERS}), at most {@link
 * #MAX_JOBS} jobs are remembered (the oldest finished forgotten first), a file holds at most {@link
 * #MAX_FILE_BYTES}. Jobs live in this instance's memory: an agency polls the instance it uploaded
 * to (the audit log keeps every finished import).
 */
public final class ImportJobs {
  private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);

  /** The refusal of a file over {@link #MAX_FILE_BYTES}; the front door answers it 413. */
  public static final String FILE_TOO_LARGE = "FILE_TOO_LARGE";

  /** Imports running at once per instance: one (the merge locks the register against writers). */
  static final int WORKERS = 1;

  /** Jobs remembered. */
  static final int MAX_JOBS = 64;

  /** The largest register file, bytes (16 GiB: some 100 million rows). */
  static final long MAX_FILE_BYTES = 16L << 30;

  /** The longest one import may run before the worker's blocked-thread warning, minutes. */
  static final long MAX_IMPORT_MINUTES = 240;

  /** Where a job stands. */
  public enum State {
    UPLOADING,
    RUNNING,
    DONE,
    REFUSED,
    FAILED
  }

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
      Instant startedAt,
      Instant finishedAt) {}

  private final class Job {
    final UUID id = UUID.randomUUID();
    final ManagerPrincipal owner;
    final Path file;

    /** Whether the file is the job's own upload (deleted when done), not one it was given. */
    final boolean upload;

    final MessageDigest sha;
    final RegisterImport.Counters counters = new RegisterImport.Counters();
    volatile State state = State.UPLOADING;
    volatile long bytes;
    volatile Refusal refusal;
    volatile Instant startedAt;
    volatile Instant finishedAt;

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

    Progress progress() {
      return new Progress(
          id,
          owner.officeCode(),
          state,
          bytes,
          counters.read.get(),
          counters.validated.get(),
          counters.written.get(),
          counters.unchanged.get(),
          refusal,
          startedAt,
          finishedAt);
    }
  }

  private final Map<UUID, Job> jobs = new LinkedHashMap<>();
  private final WorkerExecutor worker;
  private final RegisterImport importer;
  private final Clock clock;

  /**
   * @param jdbcUrl the gateway's database, reached over JDBC for COPY
   */
  public ImportJobs(
      Vertx vertx, String jdbcUrl, String user, String password, Regions regions, Clock clock) {
    this.worker =
        vertx.createSharedWorkerExecutor(
            "insured-import", WORKERS, MAX_IMPORT_MINUTES, TimeUnit.MINUTES);
    this.importer =
        new RegisterImport(new RegisterImport.Target(jdbcUrl, user, password), regions, clock);
    this.clock = clock;
  }

  /** A new job with the file's first part; started at once unless {@code more} parts follow. */
  public Future<Progress> create(ManagerPrincipal m, Buffer part, boolean more) {
    return worker
        .<Job>executeBlocking(
            () -> {
              Path file = Files.createTempFile("yizhan-register-", ".csv");
              Job j = new Job(m, file, true);
              synchronized (jobs) {
                forgetOld();
                jobs.put(j.id, j);
              }
              append(j, part);
              return j;
            },
            false)
        .map(j -> finish(j, more));
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
              synchronized (jobs) {
                forgetOld();
                jobs.put(j.id, j);
              }
              return j;
            },
            false)
        .map(j -> finish(j, false));
  }

  /** Appends a part to an uploading job of the agency; starts it unless {@code more} follow. */
  public Future<Progress> append(ManagerPrincipal m, UUID id, Buffer part, boolean more) {
    Job j = find(m, id);
    if (j.state != State.UPLOADING) {
      return Future.failedFuture(
          new Refusal(
              Refusal.Kind.CONFLICT,
              "IMPORT_STARTED",
              "id",
              "id: the import has started; its file is complete"));
    }
    return worker.<Job>executeBlocking(() -> append(j, part), false).map(x -> finish(j, more));
  }

  /** The progress of a job of the agency's region (another's is not found). */
  public Progress progress(ManagerPrincipal m, UUID id) {
    return find(m, id).progress();
  }

  private Job find(ManagerPrincipal m, UUID id) {
    Job j;
    synchronized (jobs) {
      j = jobs.get(id);
    }
    if (j == null || !j.owner.officeCode().equals(m.officeCode())) {
      throw Refusal.notFound("import " + id);
    }
    return j;
  }

  private Job append(Job j, Buffer part) throws IOException {
    synchronized (j) {
      if (j.bytes + part.length() > MAX_FILE_BYTES) {
        j.state = State.REFUSED;
        j.refusal =
            new Refusal(
                Refusal.Kind.INVALID,
                FILE_TOO_LARGE,
                "file",
                "file: larger than " + MAX_FILE_BYTES + " bytes");
        Files.deleteIfExists(j.file);
        throw j.refusal;
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

  private Progress finish(Job j, boolean more) {
    if (!more) {
      start(j);
    }
    return j.progress();
  }

  private void start(Job j) {
    j.state = State.RUNNING;
    j.startedAt = Instant.now(clock);
    String sha = HexFormat.of().formatHex(j.sha.digest());
    worker
        .executeBlocking(
            () -> {
              importer.run(j.owner, j.file, sha, j.counters);
              return null;
            },
            false)
        .onComplete(
            ar -> {
              j.finishedAt = Instant.now(clock);
              if (ar.succeeded()) {
                j.state = State.DONE;
                LOG.info(
                    "register import {} of {}: {} rows, {} written",
                    j.id,
                    RegisterImport.describe(j.owner, sha),
                    j.counters.read.get(),
                    j.counters.written.get());
              } else if (ar.cause() instanceof Refusal) {
                j.state = State.REFUSED;
                j.refusal = (Refusal) ar.cause();
                LOG.info(
                    "register import {} of {} refused: {}",
                    j.id,
                    RegisterImport.describe(j.owner, sha),
                    j.refusal.code());
              } else {
                j.state = State.FAILED;
                j.refusal =
                    new Refusal(
                        Refusal.Kind.UNAVAILABLE,
                        "IMPORT_FAILED",
                        null,
                        "the import failed; nothing was imported");
                LOG.error("register import {} failed: {}", j.id, ar.cause().toString());
              }
              try {
                if (j.upload) {
                  Files.deleteIfExists(j.file);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  private void forgetOld() {
    if (jobs.size() < MAX_JOBS) {
      return;
    }
    jobs.values()
        .removeIf(
            j ->
                jobs.size() >= MAX_JOBS
                    && (j.state == State.DONE
                        || j.state == State.REFUSED
                        || j.state == State.FAILED));
    if (jobs.size() >= MAX_JOBS) {
      throw new Refusal(
          Refusal.Kind.UNAVAILABLE,
          "BUSY",
          null,
          "too many register imports under way; retry when one has finished");
    }
  }
}
