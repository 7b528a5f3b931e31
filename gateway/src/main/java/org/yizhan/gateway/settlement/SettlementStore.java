package org.yizhan.gateway.settlement;

import static org.yizhan.gateway.settlement.SettlementStatements.ADD_TO_ACCUMULATOR;
import static org.yizhan.gateway.settlement.SettlementStatements.FIND_IDEMPOTENCY;
import static org.yizhan.gateway.settlement.SettlementStatements.FIND_LIVE;
import static org.yizhan.gateway.settlement.SettlementStatements.FIND_REVERSAL_TARGET;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_CLAIM;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_FUNDS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_IDEMPOTENCY;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_LINES;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_REVERSAL;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_SETTLEMENT;
import static org.yizhan.gateway.settlement.SettlementStatements.LOCK_ACCUMULATOR;
import static org.yizhan.gateway.settlement.SettlementStatements.LOCK_SETTLEMENT;
import static org.yizhan.gateway.settlement.SettlementStatements.MARK_REVERSED;
import static org.yizhan.gateway.settlement.SettlementTuples.yuan;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.model.AccumulatorDelta;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Ids;
import org.yizhan.gateway.infra.db.PipelinedTransaction;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.ledger.SettlementLedger;
import org.yizhan.gateway.security.Masking;

/**
 * Settles and reverses, each in one PostgreSQL transaction that is committed before anyone is
 * answered. With group commit on ({@link Batching}), settlements and reversals are handed to the
 * {@link SettlementBatcher} and written with the others of their lane waiting at that moment, in
 * one transaction of {@link SettlementBatch} that follows the same steps and lock order for the
 * whole batch; what follows describes the transactions of one settlement and one reversal alone
 * (batching off).
 *
 * <p>A settlement's transaction, in order: lock the person's year figures (an upsert, so the first
 * settlement of a person creates them), look for a live settlement of the same claim number, lock
 * the prepayment account if the person could draw assistance; these three go out pipelined in one
 * round trip. Then the engine computes on the locked figures, and the claim, its lines, the
 * settlement, its fund rows, the figures' update, the ledger movements, the Idempotency-Key record
 * and the audit entry go out pipelined before COMMIT. Any failure rolls all of it back; nothing is
 * ever half-written.
 *
 * <p>Locks are always taken in one order: a settlement row (reversals only), the person's figures,
 * the prepayment account, the audit chain's head. Two settlements of one person therefore serialise
 * on the figures (no lost update, no cap overshoot), and deadlocks can only arise from the unique
 * index on live claim numbers; those, and any other unique violation from a concurrent twin, are
 * retried from the top, where the replay checks find the twin.
 */
public final class SettlementStore {
  /** Tries of a transaction that lost a race (unique violation, deadlock, serialisation). */
  static final int MAX_ATTEMPTS = 3;

  static final String OP_SETTLE = "SETTLE";

  /** Why assistance paid nothing although the person qualified: the account refuses. */
  public static final String PREPAYMENT_EXHAUSTED = "PREPAYMENT_EXHAUSTED";

  /**
   * Why assistance paid nothing although the person qualified: the office that manages the person
   * has opened no prepayment account at this hospital (a settlement never opens one).
   */
  public static final String NO_PREPAYMENT_ACCOUNT = "NO_PREPAYMENT_ACCOUNT";

  /**
   * Group commit (see {@link SettlementBatcher}): whether settlements are gathered into batches,
   * the longest a request waits for its batch to fill, microseconds, the most settlements a batch
   * holds, the most batch transactions running at once, the lanes batches form in (one batch in
   * flight each), and the most settlements waiting in one lane and in all (more are refused 503).
   */
  public record Batching(
      boolean enabled,
      int lingerMicros,
      int maxSize,
      int maxInFlight,
      int lanes,
      int maxQueuedPerLane,
      int maxQueued) {
    /** One transaction a settlement, as before group commit. */
    public static final Batching OFF = new Batching(false, 0, 1, 1, 1, 1, 1);
  }

  private final Pool pool;
  private final SettlementLedger ledger = SettlementLedger.inTransaction();
  private final Clock clock;
  private final ZoneId zone;
  private final SettlementBatcher batcher;

  public SettlementStore(Pool pool, Clock clock, ZoneId zone) {
    this(null, pool, clock, zone, Batching.OFF);
  }

  public SettlementStore(Vertx vertx, Pool pool, Clock clock, ZoneId zone, Batching batching) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.batcher =
        batching.enabled()
            ? new SettlementBatcher(
                vertx,
                pool,
                new SettlementBatch(ledger, clock, zone),
                batching.lingerMicros(),
                batching.maxSize(),
                batching.maxInFlight(),
                batching.lanes(),
                batching.maxQueuedPerLane(),
                batching.maxQueued())
            : null;
  }

  /**
   * Publishes the batches' meters (see {@link SettlementBatcher#bindTo}); nothing if batching is
   * off.
   */
  public SettlementStore bindTo(MeterRegistry meters) {
    if (batcher != null) {
      batcher.bindTo(meters);
    }
    return this;
  }

  /**
   * Settles {@code cmd.claim()}, calling {@code engine} with the person's locked year figures.
   *
   * @param requestSha256 the fingerprint of the whole request, for the Idempotency-Key record
   */
  public Future<SettleResult> settle(
      SettleCommand cmd, String requestSha256, Function<Accumulators, SettlementOutcome> engine) {
    if (batcher != null) {
      return batcher.settle(new SettlementBatch.Member(cmd, requestSha256, engine));
    }
    return settle(cmd, requestSha256, engine, 1);
  }

  private Future<SettleResult> settle(
      SettleCommand cmd,
      String requestSha256,
      Function<Accumulators, SettlementOutcome> engine,
      int attempt) {
    String hospital = cmd.claim().hospitalCode();
    return priorUseOfKey(hospital, cmd.idempotencyKey(), OP_SETTLE, requestSha256)
        .compose(
            prior ->
                prior != null
                    ? Future.succeededFuture(prior)
                    : PipelinedTransaction.<SettleResult>run(
                            pool, tx -> settleIn(tx, cmd, requestSha256, engine))
                        .recover(
                            e -> {
                              if (e instanceof Rollback) {
                                return Future.succeededFuture(((Rollback) e).result);
                              }
                              if (attempt < MAX_ATTEMPTS && lostARace(e)) {
                                return settle(cmd, requestSha256, engine, attempt + 1);
                              }
                              return Future.failedFuture(e);
                            }));
  }

  /** What an earlier request with this Idempotency-Key produced, or {@code null} if none. */
  private Future<SettleResult> priorUseOfKey(
      String hospital, String key, String operation, String requestSha256) {
    if (key == null) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(FIND_IDEMPOTENCY)
        .execute(Tuple.of(hospital, key))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              if (!operation.equals(r.getString("operation"))
                  || !requestSha256.equals(r.getString("request_sha256"))) {
                return new SettleResult.KeyReused(r.getString("operation"));
              }
              return new SettleResult.Replayed(r.getUUID("resource_id"));
            });
  }

  private Future<SettleResult> settleIn(
      PipelinedTransaction tx,
      SettleCommand cmd,
      String requestSha256,
      Function<Accumulators, SettlementOutcome> engine) {
    SqlConnection conn = tx.conn();
    Claim claim = cmd.claim();
    Instant asked = now();
    OffsetDateTime at = OffsetDateTime.ofInstant(asked, ZoneOffset.UTC);
    Future<RowSet<Row>> figures =
        conn.preparedQuery(LOCK_ACCUMULATOR)
            .execute(Tuple.of(claim.personIdNo(), (short) claim.year(), claim.officeCode(), at));
    Future<RowSet<Row>> live =
        conn.preparedQuery(FIND_LIVE).execute(Tuple.of(claim.hospitalCode(), claim.claimNo()));
    Future<Account> account =
        cmd.mayDrawAssistance()
            ? ledger.lock(conn, claim.officeCode(), claim.hospitalCode())
            : Future.succeededFuture(null);
    return Future.all(figures, live, account)
        .compose(
            done -> {
              if (live.result().size() > 0) {
                Row r = live.result().iterator().next();
                UUID id = r.getUUID("id");
                return rollback(
                    cmd.contentSha256().equals(r.getString("content_sha256"))
                        ? new SettleResult.Replayed(id)
                        : new SettleResult.Conflict(id));
              }
              Row locked = figures.result().iterator().next();
              Accumulators ytd = Rows.accumulators(locked);
              Instant now = stampAfter(locked.getOffsetDateTime("updated_at"));
              SettlementOutcome outcome = engine.apply(ytd);
              if (outcome instanceof Rejection) {
                return rollback(new SettleResult.Rejected((Rejection) outcome));
              }
              Settlement s = (Settlement) outcome;
              Future<Account> payer =
                  cmd.mayDrawAssistance() || s.assistance().paidFen() == 0
                      ? account
                      : ledger.lock(conn, claim.officeCode(), claim.hospitalCode());
              return payer.compose(
                  a -> write(tx, cmd, requestSha256, s, a, now).map(SettleResult.Created::new));
            });
  }

  private Future<SettlementView> write(
      PipelinedTransaction tx,
      SettleCommand cmd,
      String requestSha256,
      Settlement computed,
      Account account,
      Instant now) {
    tx.checkBegun();
    SqlConnection conn = tx.conn();
    Claim claim = cmd.claim();
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    Settlement s;
    Drawdown plan;
    if (account == null) {
      // no account of the office at this hospital: nobody has agreed to pay assistance here, so
      // none is paid (rules §8); the patient pays that part and the answer says why
      plan = Drawdown.NONE;
      s = computed.withAssistanceRefused(NO_PREPAYMENT_ACCOUNT);
    } else {
      plan = account.plan(computed.assistance().paidFen());
      s = plan.refused() ? computed.withAssistanceRefused(PREPAYMENT_EXHAUSTED) : computed;
    }
    UUID claimId = Ids.next(now);
    UUID settlementId = Ids.next(now);
    LocalDate day = LocalDate.ofInstant(now, zone);
    List<Future<?>> writes = new ArrayList<>(8);
    writes.add(
        conn.preparedQuery(INSERT_CLAIM).execute(SettlementTuples.claimTuple(claimId, cmd, s, at)));
    writes.add(
        conn.preparedQuery(INSERT_LINES).execute(SettlementTuples.linesTuple(claimId, claim, s)));
    writes.add(
        conn.preparedQuery(INSERT_SETTLEMENT)
            .execute(
                SettlementTuples.settlementTuple(
                    settlementId, claimId, cmd, s, account, plan, at, day)));
    writes.add(
        conn.preparedQuery(INSERT_FUNDS).execute(SettlementTuples.fundsTuple(settlementId, s)));
    writes.add(
        conn.preparedQuery(ADD_TO_ACCUMULATOR)
            .execute(SettlementTuples.deltaTuple(claim, s.delta(), at)));
    if (plan.drawnFen() > 0 || plan.advanceFen() > 0) {
      writes.add(ledger.drawdown(conn, account, plan, settlementId, cmd.actor(), at));
    }
    if (cmd.idempotencyKey() != null) {
      writes.add(
          conn.preparedQuery(INSERT_IDEMPOTENCY)
              .execute(
                  Tuple.of(
                      claim.hospitalCode(),
                      cmd.idempotencyKey(),
                      OP_SETTLE,
                      requestSha256,
                      (short) 201,
                      settlementId,
                      at)));
    }
    writes.add(
        audit(
            conn,
            claim.hospitalCode(),
            claim.personIdNo(),
            cmd.actor(),
            "SETTLE",
            settlementId,
            SettlementTuples.auditDetails(claim, s, plan)));
    SettlementView record =
        SettlementView.of(
            settlementId,
            SettlementView.SETTLED,
            claim,
            s,
            plan.drawnFen(),
            plan.advanceFen(),
            now,
            day);
    // COMMIT goes out right behind the audit entry, which locks the chain's head: see
    // PipelinedTransaction.
    return tx.commitAfter(writes).map(done -> record);
  }

  /** Reverses a settlement of {@code hospitalCode}; reversing twice changes nothing more. */
  public Future<ReverseResult> reverse(
      String hospitalCode, UUID settlementId, String reason, String actor) {
    if (batcher != null) {
      // what never changes of the settlement: its lane, and what its batch locks
      return pool.preparedQuery(FIND_REVERSAL_TARGET)
          .execute(Tuple.of(settlementId))
          .compose(
              rows -> {
                Row r = Rows.ofHospital(rows, hospitalCode);
                if (r == null) {
                  return Future.succeededFuture(ReverseResult.NOT_FOUND);
                }
                return batcher.reverse(
                    new SettlementBatch.Reversal(
                        hospitalCode,
                        settlementId,
                        reason,
                        actor,
                        r.getString("person_id_no"),
                        r.getInteger("year"),
                        r.getString("office_code"),
                        r.getLong("prepayment_account_id") != null));
              });
    }
    return reverse(hospitalCode, settlementId, reason, actor, 1);
  }

  private Future<ReverseResult> reverse(
      String hospitalCode, UUID settlementId, String reason, String actor, int attempt) {
    return PipelinedTransaction.<ReverseResult>run(
            pool, tx -> reverseIn(tx, hospitalCode, settlementId, reason, actor))
        .recover(
            e -> {
              if (e instanceof Rollback) {
                return Future.succeededFuture(((Rollback) e).reverseResult);
              }
              if (attempt < MAX_ATTEMPTS && lostARace(e)) {
                return reverse(hospitalCode, settlementId, reason, actor, attempt + 1);
              }
              return Future.failedFuture(e);
            });
  }

  private Future<ReverseResult> reverseIn(
      PipelinedTransaction tx,
      String hospitalCode,
      UUID settlementId,
      String reason,
      String actor) {
    SqlConnection conn = tx.conn();
    Instant now = now();
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    return conn.preparedQuery(LOCK_SETTLEMENT)
        .execute(Tuple.of(settlementId))
        .compose(
            rows -> {
              Row r = Rows.ofHospital(rows, hospitalCode);
              if (r == null) {
                return rollback(ReverseResult.NOT_FOUND);
              }
              if (SettlementView.REVERSED.equals(r.getString("status"))) {
                return rollback(new ReverseResult.AlreadyReversed(settlementId));
              }
              return reverseLocked(tx, r, reason, actor, now, at);
            });
  }

  private Future<ReverseResult> reverseLocked(
      PipelinedTransaction tx, Row s, String reason, String actor, Instant now, OffsetDateTime at) {
    tx.checkBegun();
    SqlConnection conn = tx.conn();
    UUID settlementId = s.getUUID("id");
    long drawn = Sql.fen(s, "prepayment_drawn");
    long advance = Sql.fen(s, "hospital_advance");
    AccumulatorDelta undo = undoDelta(s);
    List<Future<?>> writes = new ArrayList<>(6);
    writes.add(
        conn.preparedQuery(ADD_TO_ACCUMULATOR)
            .execute(SettlementTuples.deltaTuple(s.getString("person_id_no"), undo, at)));
    Future<Void> credited =
        drawn == 0 && advance == 0
            ? Future.succeededFuture()
            : ledger
                .lockById(conn, s.getLong("prepayment_account_id"))
                .compose(a -> ledger.credit(conn, a, drawn, advance, settlementId, actor, at));
    writes.add(credited);
    UUID reversalId = Ids.next(now);
    // pipelined after the ledger's lock: the account is always locked before the audit head
    Future<?> rest =
        credited.compose(
            v -> {
              Future<?> insert =
                  conn.preparedQuery(INSERT_REVERSAL)
                      .execute(reversalTuple(reversalId, s, reason, now, zone));
              Future<?> mark =
                  conn.preparedQuery(MARK_REVERSED).execute(Tuple.of(settlementId, at));
              JsonObject details = reversalDetails(s, reason);
              Future<?> audit =
                  audit(
                      conn,
                      s.getString("hospital_code"),
                      s.getString("person_id_no"),
                      actor,
                      "REVERSE",
                      settlementId,
                      details);
              // COMMIT right behind the audit entry (see PipelinedTransaction); the figures'
              // update and the ledger's credit went out before, on the same connection.
              return tx.commitAfter(List.of(insert, mark, audit));
            });
    writes.add(rest);
    return Future.all(writes).map(done -> new ReverseResult.Reversed(settlementId));
  }

  /** What a reversal of the settlement {@code s} (a locked row) takes off its person's figures. */
  static AccumulatorDelta undoDelta(Row s) {
    return new AccumulatorDelta(
            s.getInteger("year"),
            Sql.fen(s, "delta_basic_paid"),
            Sql.fen(s, "delta_deductible_paid"),
            s.getInteger("hospital_level"),
            1,
            Sql.fen(s, "delta_ci_base"),
            Sql.fen(s, "delta_ci_paid"),
            Sql.fen(s, "delta_ma_base"),
            Sql.fen(s, "delta_ma_paid"))
        .negate();
  }

  /** The reversal row of the settlement {@code s} (a locked row): its amounts negated. */
  static Tuple reversalTuple(UUID reversalId, Row s, String reason, Instant now, ZoneId zone) {
    long total = Sql.fen(s, "total");
    long basic = Sql.fen(s, "basic_pay");
    long ci = Sql.fen(s, "ci_pay");
    long ma = Sql.fen(s, "ma_pay");
    return Tuple.tuple()
        .addUUID(reversalId)
        .addUUID(s.getUUID("id"))
        .addString(s.getString("hospital_code"))
        .addValue(yuan(-total))
        .addValue(yuan(-basic))
        .addValue(yuan(-ci))
        .addValue(yuan(-ma))
        .addValue(yuan(-(basic + ci + ma)))
        .addValue(yuan(-(total - basic - ci - ma)))
        .addValue(yuan(Sql.fen(s, "prepayment_drawn")))
        .addValue(yuan(Sql.fen(s, "hospital_advance")))
        .addString(reason)
        .addString(null)
        .addOffsetDateTime(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .addLocalDate(LocalDate.ofInstant(now, zone));
  }

  /** The audit details of a reversal of the settlement {@code s} (a locked row). */
  static JsonObject reversalDetails(Row s, String reason) {
    return new JsonObject()
        .put("settlement", s.getUUID("id").toString())
        .put("claimNo", s.getString("claim_no"))
        .put("person", Masking.idNo(s.getString("person_id_no")))
        .put("total", Fen.format(-Sql.fen(s, "total")))
        .put("prepaymentCredited", Fen.format(Sql.fen(s, "prepayment_drawn")))
        .put("advanceCancelled", Fen.format(Sql.fen(s, "hospital_advance")))
        .put("reason", reason);
  }

  /** The audit entry of a settlement or reversal, on its hospital's chain for the person. */
  private static Future<?> audit(
      SqlConnection conn,
      String hospitalCode,
      String personIdNo,
      String actor,
      String action,
      UUID settlementId,
      JsonObject details) {
    return Audit.append(
        conn,
        Audit.settlementChain(hospitalCode, personIdNo),
        actor,
        action,
        "settlement",
        settlementId.toString(),
        details);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * A settlement's time, taken once the person's year figures are locked: the clock's, but always
   * after the figures' last change ({@code lastChange}, the previous settlement or reversal of the
   * person's year). So within a person's year, settledAt orders settlements as they were computed,
   * whatever the clocks of the gateway instances say, and re-deriving the year in settledAt order
   * finds each readmission and critical-illness band on the admission that got it.
   */
  private Instant stampAfter(OffsetDateTime lastChange) {
    Instant now = now();
    Instant floor = lastChange.toInstant().plus(1, ChronoUnit.MICROS);
    return now.isBefore(floor) ? floor : now;
  }

  /**
   * Whether a transaction failed by losing a race that a retry resolves: a unique violation (a twin
   * request committed first), a deadlock or a serialisation failure.
   */
  static boolean lostARace(Throwable e) {
    if (e instanceof PgException) {
      String state = ((PgException) e).getSqlState();
      return "23505".equals(state) || "40P01".equals(state) || "40001".equals(state);
    }
    return false;
  }

  private static <T> Future<T> rollback(SettleResult result) {
    return Future.failedFuture(new Rollback(result, null));
  }

  private static <T> Future<T> rollback(ReverseResult result) {
    return Future.failedFuture(new Rollback(null, result));
  }

  /** Ends a transaction without writing anything, carrying the answer out of it. */
  private static final class Rollback extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient SettleResult result;
    final transient ReverseResult reverseResult;

    Rollback(SettleResult result, ReverseResult reverseResult) {
      super(null, null, false, false);
      this.result = result;
      this.reverseResult = reverseResult;
    }
  }
}
