package org.yizhan.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.identity.RosterImports;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.metrics.PrepaymentGauges;
import org.yizhan.gateway.security.RequestVerifier;

/**
 * The gateway's periodic jobs, in one verticle of their own: the prepayment gauges refreshed from
 * the ledger, the request nonces older than the signature window forgotten, and roster imports
 * older than a day forgotten. Each job only starts a call that does not block and logs its failure
 * at DEBUG (the next round tries again).
 *
 * <p>Undeploying the verticle cancels its timers, so a stopping gateway sends no more housekeeping
 * queries to a pool it is about to close.
 */
final class Housekeeping extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

  /** How often nonces older than the signature window are deleted, milliseconds. */
  static final long NONCE_PURGE_MILLIS = 60_000;

  /** How often roster imports older than a day are forgotten (with their files), milliseconds. */
  static final long ROSTER_IMPORT_PURGE_MILLIS = 3_600_000;

  /**
   * One periodic job: its name (for the reader), its period in milliseconds, whether it also runs
   * once at start, and what it does.
   */
  record Job(String name, long periodMillis, boolean atStart, Runnable task) {
    Job {
      if (periodMillis < 1) {
        throw new IllegalArgumentException(
            name + ": periodMillis must be at least 1: " + periodMillis);
      }
    }
  }

  private final List<Job> jobs;
  private final List<Long> timers = new ArrayList<>();

  Housekeeping(List<Job> jobs) {
    this.jobs = List.copyOf(jobs);
  }

  /**
   * The gateway's jobs: the gauges now and every {@link PrepaymentGauges#REFRESH_SECONDS}, nonces.
   */
  static Housekeeping of(
      LedgerService ledger,
      PrepaymentGauges gauges,
      RequestVerifier verifier,
      RosterImports rosterImports) {
    return new Housekeeping(
        List.of(
            new Job(
                "prepayment gauges",
                PrepaymentGauges.REFRESH_SECONDS * 1000L,
                true,
                () -> refreshGauges(ledger, gauges)),
            new Job("request nonces", NONCE_PURGE_MILLIS, false, () -> purgeNonces(verifier)),
            new Job(
                "old roster imports",
                ROSTER_IMPORT_PURGE_MILLIS,
                true,
                () -> purgeRosterImports(rosterImports))));
  }

  @Override
  public Future<?> start() {
    for (Job job : jobs) {
      if (job.atStart()) {
        job.task().run();
      }
      timers.add(vertx.setPeriodic(job.periodMillis(), t -> job.task().run()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    for (long timer : timers) {
      vertx.cancelTimer(timer);
    }
    timers.clear();
    return Future.succeededFuture();
  }

  /** The ids of the timers running now (none before start and after stop). */
  List<Long> timers() {
    return List.copyOf(timers);
  }

  private static void purgeNonces(RequestVerifier verifier) {
    verifier
        .purge()
        .onSuccess(n -> LOG.debug("forgot {} request nonces", n))
        .onFailure(e -> LOG.debug("request nonces not purged: {}", e.toString()));
  }

  private static void purgeRosterImports(RosterImports imports) {
    imports
        .purge()
        .onSuccess(n -> LOG.debug("forgot {} old roster imports", n))
        .onFailure(e -> LOG.debug("old roster imports not purged: {}", e.toString()));
  }

  private static void refreshGauges(LedgerService ledger, PrepaymentGauges gauges) {
    ledger
        .balances()
        .onSuccess(
            list ->
                gauges.update(
                    list.stream()
                        .map(
                            b ->
                                new PrepaymentGauges.Reading(
                                    b.officeCode(),
                                    b.hospitalCode(),
                                    b.balanceFen(),
                                    b.advanceOwedFen(),
                                    b.thresholdFen()))
                        .toList()))
        .onFailure(e -> LOG.debug("prepayment gauges not refreshed: {}", e.toString()));
  }
}
