package org.yizhan.load.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.yizhan.core.model.IdNumber;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.gateway.config.PolicyFiles;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.insured.EnrolmentCache;
import org.yizhan.gateway.insured.ImportJobs;
import org.yizhan.gateway.insured.Regions;
import org.yizhan.gateway.security.ManagerAuth;

/**
 * Times the insured register's bulk import (issue 15, docs/performance.md): generates a register
 * file of N rows (default 1,000,000; UTF-8, the Chinese headers, valid ID numbers of 445202 and
 * 445281, a card number on every row), then imports it into an empty register of a fresh embedded
 * PostgreSQL (durability as shipped: fsync and synchronous_commit on) through the same job the
 * agency API starts, and prints rows/s for the whole import and the time of each phase (read and
 * COPY into staging; set-based checks; merge and commit). A second run imports the same file again
 * (every row unchanged): the cost of a re-import.
 *
 * <pre>
 * java -cp "$(cat load-tests/target/classpath.txt):load-tests/target/classes" \
 *   org.yizhan.load.bench.RegisterImportBench [rows]
 * </pre>
 */
public final class RegisterImportBench {
  private RegisterImportBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path work = Files.createTempDirectory("yizhan-register-bench");
    Path file = work.resolve("register.csv");
    long genStart = System.nanoTime();
    write(file, rows);
    System.out.printf(
        "generated %,d rows (%,d bytes) in %.1f s%n",
        rows, Files.size(file), (System.nanoTime() - genStart) / 1e9);
    Database db = Database.startEmbedded(work.resolve("pg"), 0);
    Vertx vertx = Vertx.vertx();
    try {
      db.migrate();
      Pool pool =
          PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(2))
              .connectingTo(db.connectOptions())
              .using(vertx)
              .build();
      // the shipped policies (of 445200, among others): the regions an enrolment may be in
      PolicyBook book =
          PolicyFiles.load(Path.of(System.getProperty("yizhan.config", "config"), "policies"));
      ImportJobs jobs =
          new ImportJobs(
              vertx,
              pool,
              db.jdbcUrl(),
              db.user(),
              db.password(),
              new Regions(List.of("445202", "445281"), () -> book),
              new EnrolmentCache(vertx, pool, 0),
              Clock.systemUTC());
      ManagerAuth.ManagerPrincipal agency =
          new ManagerAuth.ManagerPrincipal("bench", "揭阳市医保局", "445200", ManagerAuth.Role.AGENCY);
      run("first import (empty register)", jobs, agency, file, rows);
      run("re-import (every row unchanged)", jobs, agency, file, rows);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      db.close();
    }
  }

  private static void run(
      String what, ImportJobs jobs, ManagerAuth.ManagerPrincipal agency, Path file, int rows)
      throws Exception {
    long start = System.nanoTime();
    UUID id = jobs.importFile(agency, file).toCompletionStage().toCompletableFuture().get().id();
    long staged = 0;
    long validated = 0;
    ImportJobs.Progress p;
    while (true) {
      p = jobs.progress(agency, id).toCompletionStage().toCompletableFuture().get();
      long now = System.nanoTime();
      if (staged == 0 && p.rowsRead() == rows && p.rowsValidated() == 0) {
        staged = now;
      }
      if (validated == 0 && p.rowsValidated() == rows) {
        validated = now;
      }
      if (p.state() != ImportJobs.State.RUNNING && p.state() != ImportJobs.State.UPLOADING) {
        break;
      }
      Thread.sleep(20);
    }
    long end = System.nanoTime();
    if (p.state() != ImportJobs.State.DONE) {
      throw new IllegalStateException(what + ": " + p.state() + " " + p.refusal());
    }
    double seconds = (end - start) / 1e9;
    System.out.printf(
        "%s: %,d rows, %,d written, in %.1f s = %,.0f rows/s"
            + " (read+COPY %.1f s, checks %.1f s, merge+commit %.1f s)%n",
        what,
        p.rowsRead(),
        p.rowsWritten(),
        seconds,
        p.rowsRead() / seconds,
        staged == 0 ? Double.NaN : (staged - start) / 1e9,
        staged == 0 || validated == 0 ? Double.NaN : (validated - staged) / 1e9,
        validated == 0 ? Double.NaN : (end - validated) / 1e9);
  }

  /** The register file: one enrolment per person, half of them with a card. */
  static void write(Path file, int rows) throws IOException {
    DateTimeFormatter basic = DateTimeFormatter.BASIC_ISO_DATE;
    LocalDate first = LocalDate.of(1940, 1, 1);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("身份证号,姓名,参保地,险种,参保开始日期,参保终止日期,缴费年度,缴费状态,社保卡号\n");
      for (int i = 0; i < rows; i++) {
        String area = i % 2 == 0 ? "445202" : "445281";
        LocalDate birth = first.plusDays(i / 1000);
        String id =
            IdNumber.withCheckDigit(area + birth.format(basic) + String.format("%03d", i % 1000))
                .value();
        w.write(id);
        w.write(",参保人");
        w.write(Integer.toString(i % 1000));
        w.write(',');
        w.write(area);
        w.write(",城乡居民,2018-01-01,,2018,");
        w.write(i % 10 == 0 ? "资助参保" : "已缴费");
        w.write(',');
        if (i % 2 == 0) {
          w.write("C");
          w.write(String.format("%011d", i));
        }
        w.write('\n');
      }
    }
  }
}
