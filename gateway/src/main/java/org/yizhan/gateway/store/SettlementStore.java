package org.yizhan.gateway.store;

import static org.yizhan.gateway.store.SettlementStatements.ADD_TO_ACCUMULATOR;
import static org.yizhan.gateway.store.SettlementStatements.FIND_IDEMPOTENCY;
import static org.yizhan.gateway.store.SettlementStatements.FIND_LIVE;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_CLAIM;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_FUNDS;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_IDEMPOTENCY;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_LINES;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_REVERSAL;
import static org.yizhan.gateway.store.SettlementStatements.INSERT_SETTLEMENT;
import static org.yizhan.gateway.store.SettlementStatements.LOCK_ACCUMULATOR;
import static org.yizhan.gateway.store.SettlementStatements.LOCK_SETTLEMENT;
import static org.yizhan.gateway.store.SettlementStatements.MARK_REVERSED;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
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
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.FundPayment;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.ledger.PrepaymentLedger;
import org.yizhan.gateway.security.Masking;

/**
 * Settles and reverses, each in one PostgreSQL transaction that is committed before anyone is
 * answered.
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

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;

  public SettlementStore(Pool pool, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * Settles {@code cmd.claim()}, calling {@code engine} with the person's locked year figures.
   *
   * @param requestSha256 the fingerprint of the whole request, for the Idempotency-Key record
   */
  public Future<SettleResult> settle(
      SettleCommand cmd, String requestSha256, Function<Accumulators, SettlementOutcome> engine) {
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
            ? PrepaymentLedger.lock(conn, claim.officeCode(), claim.hospitalCode())
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
                      : PrepaymentLedger.lock(conn, claim.officeCode(), claim.hospitalCode());
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
    writes.add(conn.preparedQuery(INSERT_CLAIM).execute(claimTuple(claimId, cmd, s, at)));
    writes.add(conn.preparedQuery(INSERT_LINES).execute(linesTuple(claimId, claim, s)));
    writes.add(
        conn.preparedQuery(INSERT_SETTLEMENT)
            .execute(settlementTuple(settlementId, claimId, cmd, s, account, plan, at, day)));
    writes.add(conn.preparedQuery(INSERT_FUNDS).execute(fundsTuple(settlementId, s)));
    writes.add(conn.preparedQuery(ADD_TO_ACCUMULATOR).execute(deltaTuple(claim, s.delta(), at)));
    if (plan.drawnFen() > 0 || plan.advanceFen() > 0) {
      writes.add(PrepaymentLedger.drawdown(conn, account, plan, settlementId, cmd.actor(), at));
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
            auditDetails(claim, s, plan)));
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
    AccumulatorDelta undo =
        new AccumulatorDelta(
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
    List<Future<?>> writes = new ArrayList<>(6);
    writes.add(
        conn.preparedQuery(ADD_TO_ACCUMULATOR)
            .execute(deltaTuple(s.getString("person_id_no"), undo, at)));
    Future<Void> ledger =
        drawn == 0 && advance == 0
            ? Future.succeededFuture()
            : PrepaymentLedger.lockById(conn, s.getLong("prepayment_account_id"))
                .compose(
                    a -> PrepaymentLedger.credit(conn, a, drawn, advance, settlementId, actor, at));
    writes.add(ledger);
    UUID reversalId = Ids.next(now);
    long total = Sql.fen(s, "total");
    long basic = Sql.fen(s, "basic_pay");
    long ci = Sql.fen(s, "ci_pay");
    long ma = Sql.fen(s, "ma_pay");
    // pipelined after the ledger's lock: the account is always locked before the audit head
    Future<?> rest =
        ledger.compose(
            v -> {
              Future<?> insert =
                  conn.preparedQuery(INSERT_REVERSAL)
                      .execute(
                          Tuple.tuple()
                              .addUUID(reversalId)
                              .addUUID(settlementId)
                              .addString(s.getString("hospital_code"))
                              .addValue(yuan(-total))
                              .addValue(yuan(-basic))
                              .addValue(yuan(-ci))
                              .addValue(yuan(-ma))
                              .addValue(yuan(-(basic + ci + ma)))
                              .addValue(yuan(-(total - basic - ci - ma)))
                              .addValue(yuan(drawn))
                              .addValue(yuan(advance))
                              .addString(reason)
                              .addString(null)
                              .addOffsetDateTime(at)
                              .addLocalDate(LocalDate.ofInstant(now, zone)));
              Future<?> mark =
                  conn.preparedQuery(MARK_REVERSED).execute(Tuple.of(settlementId, at));
              JsonObject details =
                  new JsonObject()
                      .put("settlement", settlementId.toString())
                      .put("claimNo", s.getString("claim_no"))
                      .put("person", Masking.idNo(s.getString("person_id_no")))
                      .put("total", Fen.format(-total))
                      .put("prepaymentCredited", Fen.format(drawn))
                      .put("advanceCancelled", Fen.format(advance))
                      .put("reason", reason);
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

  private static JsonObject auditDetails(Claim claim, Settlement s, Drawdown plan) {
    return new JsonObject()
        .put("claimNo", claim.claimNo())
        .put("person", Masking.idNo(claim.personIdNo()))
        .put("policy", s.policyId())
        .put("total", Fen.format(s.totalFen()))
        .put("basic", Fen.format(s.basic().paidFen()))
        .put("criticalIllness", Fen.format(s.criticalIllness().paidFen()))
        .put("assistance", Fen.format(s.assistance().paidFen()))
        .put("prepaymentDrawn", Fen.format(plan.drawnFen()))
        .put("hospitalAdvance", Fen.format(plan.advanceFen()));
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

  private static Tuple claimTuple(
      UUID claimId, SettleCommand cmd, Settlement s, OffsetDateTime at) {
    Claim c = cmd.claim();
    return Tuple.tuple()
        .addUUID(claimId)
        .addString(c.hospitalCode())
        .addString(c.claimNo())
        .addString(cmd.contentSha256())
        .addString(c.personIdNo())
        .addString(cmd.personName())
        .addString(c.scheme())
        .addString(c.officeCode())
        .addShort((short) c.hospitalLevel())
        .addLocalDate(c.admissionDate())
        .addLocalDate(c.dischargeDate())
        .addInteger(c.lines().size())
        .addValue(yuan(s.totalFen()))
        .addOffsetDateTime(at);
  }

  private static Tuple linesTuple(UUID claimId, Claim claim, Settlement s) {
    int n = claim.lines().size();
    String[] lineNo = new String[n];
    String[] code = new String[n];
    String[] name = new String[n];
    BigDecimal[] quantity = new BigDecimal[n];
    BigDecimal[] price = new BigDecimal[n];
    BigDecimal[] amount = new BigDecimal[n];
    String[] category = new String[n];
    BigDecimal[] ratio = new BigDecimal[n];
    String[] cap = new String[n];
    BigDecimal[] ownPay = new BigDecimal[n];
    BigDecimal[] overLimit = new BigDecimal[n];
    BigDecimal[] preSelfPay = new BigDecimal[n];
    Boolean[] unknownItem = new Boolean[n];
    for (int i = 0; i < n; i++) {
      ClaimLine line = claim.lines().get(i);
      LinePricing p = s.lines().get(i);
      lineNo[i] = line.lineNo();
      code[i] = line.itemCode();
      name[i] = line.itemName();
      quantity[i] = BigDecimal.valueOf(line.quantityE4(), ClaimLine.QUANTITY_DECIMALS);
      price[i] = BigDecimal.valueOf(line.unitPriceE6(), ClaimLine.PRICE_DECIMALS);
      amount[i] = yuan(p.amountFen());
      category[i] = p.category().name();
      ratio[i] = p.selfPayRatio().toBigDecimal();
      cap[i] =
          p.priceCapE6() == null
              ? null
              : BigDecimal.valueOf(p.priceCapE6(), ClaimLine.PRICE_DECIMALS).toPlainString();
      ownPay[i] = yuan(p.fullOwnPayFen());
      overLimit[i] = yuan(p.overLimitFen());
      preSelfPay[i] = yuan(p.preSelfPayFen());
      unknownItem[i] = !p.inCatalogue();
    }
    return Tuple.tuple()
        .addUUID(claimId)
        .addArrayOfString(lineNo)
        .addArrayOfString(code)
        .addArrayOfString(name)
        .addArrayOfBigDecimal(quantity)
        .addArrayOfBigDecimal(price)
        .addArrayOfBigDecimal(amount)
        .addArrayOfString(category)
        .addArrayOfBigDecimal(ratio)
        .addArrayOfString(cap)
        .addArrayOfBigDecimal(ownPay)
        .addArrayOfBigDecimal(overLimit)
        .addArrayOfBigDecimal(preSelfPay)
        .addArrayOfBoolean(unknownItem);
  }

  private static Tuple settlementTuple(
      UUID id,
      UUID claimId,
      SettleCommand cmd,
      Settlement s,
      Account account,
      Drawdown plan,
      OffsetDateTime at,
      LocalDate day) {
    Claim c = cmd.claim();
    AccumulatorDelta d = s.delta();
    return Tuple.tuple()
        .addUUID(id)
        .addUUID(claimId)
        .addString(c.hospitalCode())
        .addString(c.claimNo())
        .addString(c.personIdNo())
        .addString(c.officeCode())
        .addString(SettlementView.SETTLED)
        .addString(s.policyId())
        .addShort((short) s.year())
        .addShort((short) s.hospitalLevel())
        .addValue(yuan(s.totalFen()))
        .addValue(yuan(s.fullOwnPayFen()))
        .addValue(yuan(s.overLimitFen()))
        .addValue(yuan(s.preSelfPayFen()))
        .addValue(yuan(s.inScopeFen()))
        .addValue(yuan(s.actDeductibleFen()))
        .addValue(yuan(s.basic().paidFen()))
        .addValue(yuan(s.criticalIllness().paidFen()))
        .addValue(yuan(s.assistance().paidFen()))
        .addValue(yuan(s.fundPayFen()))
        .addValue(yuan(s.personalPayFen()))
        .addString(s.assistanceIdentity() == null ? null : s.assistanceIdentity().name())
        .addString(s.assistanceNote())
        .addString(cmd.identitiesJson())
        .addValue(yuan(d.basicPaidFen()))
        .addValue(yuan(d.deductiblePaidFen()))
        .addValue(yuan(d.ciBaseFen()))
        .addValue(yuan(d.ciPaidFen()))
        .addValue(yuan(d.maBaseFen()))
        .addValue(yuan(d.maPaidFen()))
        .addLong(account == null ? null : account.id())
        .addValue(yuan(plan.drawnFen()))
        .addValue(yuan(plan.advanceFen()))
        .addString(cmd.idempotencyKey())
        .addOffsetDateTime(at)
        .addLocalDate(day);
  }

  private static Tuple fundsTuple(UUID settlementId, Settlement s) {
    List<FundPayment> funds = s.funds();
    String[] fund = new String[3];
    String[] code = new String[3];
    BigDecimal[] base = new BigDecimal[3];
    BigDecimal[] paid = new BigDecimal[3];
    String[] room = new String[3];
    String[] trace = new String[3];
    for (int i = 0; i < 3; i++) {
      FundPayment f = funds.get(i);
      fund[i] = f.fund().name();
      code[i] = f.fundCode();
      base[i] = yuan(f.baseFen());
      paid[i] = yuan(f.paidFen());
      room[i] = f.remainingRoomFen() == null ? null : Fen.format(f.remainingRoomFen());
      trace[i] = f.trace();
    }
    return Tuple.tuple()
        .addUUID(settlementId)
        .addArrayOfString(fund)
        .addArrayOfString(code)
        .addArrayOfBigDecimal(base)
        .addArrayOfBigDecimal(paid)
        .addArrayOfString(room)
        .addArrayOfString(trace);
  }

  private static Tuple deltaTuple(Claim claim, AccumulatorDelta d, OffsetDateTime at) {
    return deltaTuple(claim.personIdNo(), d, at);
  }

  private static Tuple deltaTuple(String personIdNo, AccumulatorDelta d, OffsetDateTime at) {
    return Tuple.tuple()
        .addString(personIdNo)
        .addShort((short) d.year())
        .addValue(yuan(d.basicPaidFen()))
        .addValue(yuan(d.deductiblePaidFen()))
        .addInteger(d.hospitalLevel() == 1 ? d.admissions() : 0)
        .addInteger(d.hospitalLevel() == 2 ? d.admissions() : 0)
        .addInteger(d.hospitalLevel() == 3 ? d.admissions() : 0)
        .addValue(yuan(d.ciBaseFen()))
        .addValue(yuan(d.ciPaidFen()))
        .addValue(yuan(d.maBaseFen()))
        .addValue(yuan(d.maPaidFen()))
        .addOffsetDateTime(at);
  }

  static BigDecimal yuan(long fen) {
    return Fen.toYuan(fen);
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
