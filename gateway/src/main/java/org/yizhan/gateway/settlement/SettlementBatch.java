package org.yizhan.gateway.settlement;

import static org.yizhan.gateway.settlement.SettlementStatements.ADD_TO_ACCUMULATOR;
import static org.yizhan.gateway.settlement.SettlementStatements.CLAIM_COLUMNS;
import static org.yizhan.gateway.settlement.SettlementStatements.DELETE_UNUSED_ACCUMULATORS;
import static org.yizhan.gateway.settlement.SettlementStatements.FIND_IDEMPOTENCY_ALL;
import static org.yizhan.gateway.settlement.SettlementStatements.FIND_LIVE_ALL;
import static org.yizhan.gateway.settlement.SettlementStatements.FUND_COLUMNS;
import static org.yizhan.gateway.settlement.SettlementStatements.IDEMPOTENCY_COLUMNS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_CLAIM_ROWS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_FUND_ROWS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_IDEMPOTENCY_ROWS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_LINE_ROWS;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_REVERSAL;
import static org.yizhan.gateway.settlement.SettlementStatements.INSERT_SETTLEMENT_ROWS;
import static org.yizhan.gateway.settlement.SettlementStatements.LOCK_ACCUMULATORS;
import static org.yizhan.gateway.settlement.SettlementStatements.LOCK_SETTLEMENTS;
import static org.yizhan.gateway.settlement.SettlementStatements.MARK_REVERSED;
import static org.yizhan.gateway.settlement.SettlementStatements.SETTLEMENT_COLUMNS;

import io.vertx.core.Future;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.model.AccumulatorDelta;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Ids;
import org.yizhan.gateway.infra.db.MultiRow;
import org.yizhan.gateway.infra.db.PipelinedTransaction;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.ledger.SettlementLedger;

/**
 * One transaction that settles a batch of claims (group commit; see {@link SettlementBatcher} for
 * how a batch is gathered, and docs/architecture.md).
 *
 * <p>Why: a settlement alone is a dozen statements and a commit; most of PostgreSQL's work is per
 * statement and per commit, not per row, and two settlements of one person (or one prepayment
 * account) queue behind each other's commit. A batch pays each statement and the commit once.
 *
 * <p>The transaction, in order. Round trip one, pipelined with BEGIN: lock the batch's person-year
 * figures (one upsert, in the order of person and year), read the live settlements of its claim
 * numbers and its Idempotency-Key records, lock the prepayment accounts its persons may draw from
 * (one statement, in the order of the accounts' ids). Then, in memory and in arrival order, each
 * member is decided on the figures and balances its predecessors left: a replay or a conflict of
 * its claim number or key, a refusal of the engine, or a settlement whose delta and drawdown the
 * next member sees. An account that only the engine's result reveals is locked in one more round
 * trip, and the batch is decided again from the start. Round trip two: every claim, line array,
 * settlement, fund row, figure update, ledger transfer and balance move, key record and audit entry
 * as multi-row statements or one pipelined batch each, then COMMIT.
 *
 * <p>Lock order is the single settlement's: person figures, then accounts, then audit heads (sorted
 * by chain), each class in one sorted order, so two batches on two instances cannot deadlock on
 * them. A refusal never fails the batch: it is decided in memory and writes nothing.
 */
final class SettlementBatch {
  /** What a batch holds, in arrival order: a settlement to make, or one to reverse. */
  sealed interface Item permits Member, Reversal {}

  /** A settle request in a batch: what {@link SettlementStore#settle} was given. */
  record Member(
      SettleCommand cmd, String requestSha256, Function<Accumulators, SettlementOutcome> engine)
      implements Item {}

  /**
   * A reversal in a batch: what {@link SettlementStore#reverse} was given, with what never changes
   * of the settlement, read before the batch (its person, year and office, and whether it was
   * planned on a prepayment account): its lane, and the figures and account the batch locks.
   */
  record Reversal(
      String hospitalCode,
      UUID settlementId,
      String reason,
      String actor,
      String personIdNo,
      int year,
      String officeCode,
      boolean onAccount)
      implements Item {}

  private record PersonYear(String personIdNo, int year) implements Comparable<PersonYear> {
    @Override
    public int compareTo(PersonYear o) {
      int c = personIdNo.compareTo(o.personIdNo);
      return c != 0 ? c : Integer.compare(year, o.year);
    }
  }

  private record Named(String hospital, String name) {}

  private record Live(UUID settlementId, String contentSha256) {}

  private record KeyUse(String operation, String requestSha256, UUID resourceId) {}

  /** A settlement decided in memory, to be written. */
  private record Made(
      Member member,
      Settlement settlement,
      Account accountBefore,
      Drawdown plan,
      UUID claimId,
      UUID settlementId,
      Instant at) {}

  /** A reversal decided in memory, to be written; {@code account} as it stood before it. */
  private record Undone(
      Reversal reversal,
      Row settlement,
      Account account,
      long drawnFen,
      long advanceFen,
      AccumulatorDelta undo,
      UUID reversalId,
      Instant at) {}

  /** The figures and balances as the batch's members leave them, member by member. */
  private static final class State {
    final Map<PersonYear, Accumulators> figures = new HashMap<>();
    final Map<PersonYear, Instant> lastChange = new HashMap<>();
    final Map<Named, Live> live = new HashMap<>();
    final Map<Named, KeyUse> keys = new HashMap<>();
    final Map<Account.Key, Account> accounts = new HashMap<>();
    final Set<Account.Key> lookedUp = new HashSet<>();
    final Set<PersonYear> opened = new HashSet<>();
    final Map<UUID, Row> reversing = new HashMap<>();
    final Set<UUID> reversed = new HashSet<>();

    State copy() {
      State s = new State();
      s.figures.putAll(figures);
      s.lastChange.putAll(lastChange);
      s.live.putAll(live);
      s.keys.putAll(keys);
      s.accounts.putAll(accounts);
      s.lookedUp.addAll(lookedUp);
      s.opened.addAll(opened);
      s.reversing.putAll(reversing);
      s.reversed.addAll(reversed);
      return s;
    }
  }

  private final SettlementLedger ledger;
  private final Clock clock;
  private final ZoneId zone;

  SettlementBatch(SettlementLedger ledger, Clock clock, ZoneId zone) {
    this.ledger = ledger;
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * Settles and reverses {@code members} in one transaction; the results ({@link SettleResult} or
   * {@link ReverseResult}) are in the members' order.
   */
  Future<List<Object>> run(Pool pool, List<Item> members) {
    return PipelinedTransaction.run(pool, tx -> settleIn(tx, members))
        .recover(
            e ->
                e instanceof NothingWritten
                    ? Future.succeededFuture(((NothingWritten) e).results)
                    : Future.failedFuture(e));
  }

  /** Ends a batch that settled nothing (replays and refusals only) by rolling it back. */
  private static final class NothingWritten extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<Object> results;

    NothingWritten(List<Object> results) {
      super(null, null, false, false);
      this.results = results;
    }
  }

  private Future<List<Object>> settleIn(PipelinedTransaction tx, List<Item> members) {
    SqlConnection conn = tx.conn();
    OffsetDateTime asked = OffsetDateTime.ofInstant(now(), ZoneOffset.UTC);
    TreeMap<PersonYear, String> persons = new TreeMap<>();
    Set<Named> claims = new LinkedHashSet<>();
    Set<Named> keys = new LinkedHashSet<>();
    Set<Account.Key> accounts = new LinkedHashSet<>();
    List<UUID> reversals = new ArrayList<>();
    for (Item i : members) {
      if (i instanceof Reversal rv) {
        persons.putIfAbsent(new PersonYear(rv.personIdNo(), rv.year()), rv.officeCode());
        reversals.add(rv.settlementId());
        if (rv.onAccount()) {
          accounts.add(new Account.Key(rv.officeCode(), rv.hospitalCode()));
        }
        continue;
      }
      Member m = (Member) i;
      Claim c = m.cmd().claim();
      persons.putIfAbsent(new PersonYear(c.personIdNo(), c.year()), c.officeCode());
      claims.add(new Named(c.hospitalCode(), c.claimNo()));
      if (m.cmd().idempotencyKey() != null) {
        keys.add(new Named(c.hospitalCode(), m.cmd().idempotencyKey()));
      }
      if (m.cmd().mayDrawAssistance()) {
        accounts.add(new Account.Key(c.officeCode(), c.hospitalCode()));
      }
    }
    // the reversed settlements first: a reversal's lock order (settlement, figures, account)
    Future<RowSet<Row>> reversing =
        reversals.isEmpty()
            ? Future.succeededFuture(null)
            : conn.preparedQuery(LOCK_SETTLEMENTS)
                .execute(Tuple.tuple().addArrayOfUUID(reversals.toArray(new UUID[0])));
    Future<RowSet<Row>> figures =
        conn.preparedQuery(LOCK_ACCUMULATORS).execute(personsTuple(persons, asked));
    Future<RowSet<Row>> live =
        claims.isEmpty()
            ? Future.succeededFuture(null)
            : conn.preparedQuery(FIND_LIVE_ALL).execute(pairs(claims));
    Future<RowSet<Row>> used =
        keys.isEmpty()
            ? Future.succeededFuture(null)
            : conn.preparedQuery(FIND_IDEMPOTENCY_ALL).execute(pairs(keys));
    Future<Map<Account.Key, Account>> locked = ledger.lockAll(conn, accounts);
    return Future.all(List.of(reversing, figures, live, used, locked))
        .compose(
            done -> {
              State s = new State();
              if (reversing.result() != null) {
                for (Row r : reversing.result()) {
                  s.reversing.put(r.getUUID("id"), r);
                }
              }
              for (Row r : figures.result()) {
                PersonYear py = new PersonYear(r.getString("person_id_no"), r.getInteger("year"));
                s.figures.put(py, Rows.accumulators(r));
                if (Boolean.TRUE.equals(r.getBoolean("opened"))) {
                  s.opened.add(py);
                }
                s.lastChange.put(py, r.getOffsetDateTime("updated_at").toInstant());
              }
              for (Row r : live.result() == null ? List.<Row>of() : live.result()) {
                s.live.put(
                    new Named(r.getString("hospital_code"), r.getString("claim_no")),
                    new Live(r.getUUID("id"), r.getString("content_sha256")));
              }
              if (used.result() != null) {
                for (Row r : used.result()) {
                  s.keys.put(
                      new Named(r.getString("hospital_code"), r.getString("idem_key")),
                      new KeyUse(
                          r.getString("operation"),
                          r.getString("request_sha256"),
                          r.getUUID("resource_id")));
                }
              }
              s.accounts.putAll(locked.result());
              s.lookedUp.addAll(accounts);
              return decide(tx, members, s);
            });
  }

  /**
   * Decides every member on {@code locked}; locks the accounts that only a result reveals and
   * decides again (each round locks at least one more account, so it ends).
   */
  private Future<List<Object>> decide(PipelinedTransaction tx, List<Item> members, State locked) {
    Set<Account.Key> missing = new LinkedHashSet<>();
    List<Object> results = new ArrayList<>(members.size());
    List<Object> made = new ArrayList<>(members.size());
    State s = locked.copy();
    Instant now = now();
    for (Item i : members) {
      results.add(
          i instanceof Member m
              ? decide(m, s, now, missing, made)
              : undo((Reversal) i, s, now, missing, made));
    }
    if (!missing.isEmpty()) {
      return ledger
          .lockAll(tx.conn(), missing)
          .compose(
              found -> {
                locked.accounts.putAll(found);
                locked.lookedUp.addAll(missing);
                return decide(tx, members, locked);
              });
    }
    if (made.isEmpty()) {
      // as a single settlement's refusal: nothing written, not even a new figures row
      return Future.failedFuture(new NothingWritten(results));
    }
    Set<PersonYear> unused = new HashSet<>(locked.opened);
    for (Object o : made) {
      if (o instanceof Made w) {
        Claim c = w.member().cmd().claim();
        unused.remove(new PersonYear(c.personIdNo(), c.year()));
      } else {
        Reversal rv = ((Undone) o).reversal();
        unused.remove(new PersonYear(rv.personIdNo(), rv.year()));
      }
    }
    return write(tx, made, unused).map(done -> results);
  }

  /** One member, on the state its predecessors left; a settlement made updates the state. */
  private SettleResult decide(
      Member m, State s, Instant now, Set<Account.Key> missing, List<Object> made) {
    SettleCommand cmd = m.cmd();
    Claim claim = cmd.claim();
    String hospital = claim.hospitalCode();
    Named key = cmd.idempotencyKey() == null ? null : new Named(hospital, cmd.idempotencyKey());
    KeyUse use = key == null ? null : s.keys.get(key);
    if (use != null) {
      return SettlementStore.OP_SETTLE.equals(use.operation())
              && m.requestSha256().equals(use.requestSha256())
          ? new SettleResult.Replayed(use.resourceId())
          : new SettleResult.KeyReused(use.operation());
    }
    Named claimNo = new Named(hospital, claim.claimNo());
    Live live = s.live.get(claimNo);
    if (live != null) {
      return cmd.contentSha256().equals(live.contentSha256())
          ? new SettleResult.Replayed(live.settlementId())
          : new SettleResult.Conflict(live.settlementId());
    }
    PersonYear py = new PersonYear(claim.personIdNo(), claim.year());
    Instant at = after(now, s.lastChange.get(py));
    SettlementOutcome outcome = m.engine().apply(s.figures.get(py));
    if (outcome instanceof Rejection) {
      return new SettleResult.Rejected((Rejection) outcome);
    }
    Settlement computed = (Settlement) outcome;
    Account.Key payer = new Account.Key(claim.officeCode(), hospital);
    boolean needsAccount = cmd.mayDrawAssistance() || computed.assistance().paidFen() > 0;
    if (needsAccount && !s.lookedUp.contains(payer)) {
      missing.add(payer);
      return null; // no answer yet: the batch is decided again once the account is locked
    }
    Account account = needsAccount ? s.accounts.get(payer) : null;
    Drawdown plan;
    Settlement settled;
    if (account == null) {
      // no account of the office at this hospital: none is paid (rules §8), as SettlementStore
      plan = Drawdown.NONE;
      settled = computed.withAssistanceRefused(SettlementStore.NO_PREPAYMENT_ACCOUNT);
    } else {
      plan = account.plan(computed.assistance().paidFen());
      settled =
          plan.refused()
              ? computed.withAssistanceRefused(SettlementStore.PREPAYMENT_EXHAUSTED)
              : computed;
      s.accounts.put(payer, account.after(plan));
    }
    UUID claimId = Ids.next(at);
    UUID settlementId = Ids.next(at);
    s.figures.put(py, s.figures.get(py).plus(settled.delta()));
    s.lastChange.put(py, at);
    s.live.put(claimNo, new Live(settlementId, cmd.contentSha256()));
    if (key != null) {
      s.keys.put(key, new KeyUse(SettlementStore.OP_SETTLE, m.requestSha256(), settlementId));
    }
    made.add(new Made(m, settled, account, plan, claimId, settlementId, at));
    LocalDate day = LocalDate.ofInstant(at, zone);
    return new SettleResult.Created(
        SettlementView.of(
            settlementId,
            SettlementView.SETTLED,
            claim,
            settled,
            plan.drawnFen(),
            plan.advanceFen(),
            at,
            day));
  }

  /**
   * One reversal, on the state its predecessors left: the settlement's delta taken off its person's
   * figures, what it drew given back to the account, its claim number free for a later member.
   */
  private ReverseResult undo(
      Reversal rv, State s, Instant now, Set<Account.Key> missing, List<Object> made) {
    UUID id = rv.settlementId();
    Row r = s.reversing.get(id);
    if (r == null || !rv.hospitalCode().equals(r.getString("hospital_code"))) {
      return ReverseResult.NOT_FOUND;
    }
    if (SettlementView.REVERSED.equals(r.getString("status")) || s.reversed.contains(id)) {
      return new ReverseResult.AlreadyReversed(id);
    }
    PersonYear py = new PersonYear(r.getString("person_id_no"), r.getInteger("year"));
    Accumulators figures = s.figures.get(py);
    if (figures == null) {
      throw new IllegalStateException("the figures of a reversed settlement were not locked");
    }
    long drawn = Sql.fen(r, "prepayment_drawn");
    long advance = Sql.fen(r, "hospital_advance");
    Account account = null;
    if (drawn != 0 || advance != 0) {
      Account.Key payer = new Account.Key(r.getString("office_code"), rv.hospitalCode());
      if (!s.lookedUp.contains(payer)) {
        missing.add(payer);
        return null; // no answer yet: the batch is decided again once the account is locked
      }
      account = s.accounts.get(payer);
      if (account == null || account.id() != r.getLong("prepayment_account_id")) {
        throw new IllegalStateException("the account a reversal credits was not locked");
      }
      s.accounts.put(payer, account.afterCredit(drawn, advance));
    }
    Instant at = after(now, s.lastChange.get(py));
    AccumulatorDelta undo = SettlementStore.undoDelta(r);
    s.figures.put(py, figures.plus(undo));
    s.lastChange.put(py, at);
    s.reversed.add(id);
    Named claimNo = new Named(rv.hospitalCode(), r.getString("claim_no"));
    Live live = s.live.get(claimNo);
    if (live != null && live.settlementId().equals(id)) {
      s.live.remove(claimNo);
    }
    made.add(new Undone(rv, r, account, drawn, advance, undo, Ids.next(at), at));
    return new ReverseResult.Reversed(id);
  }

  /** The batch's writes, then COMMIT right behind them (see PipelinedTransaction). */
  private Future<Void> write(PipelinedTransaction tx, List<Object> all, Set<PersonYear> unused) {
    tx.checkBegun();
    SqlConnection conn = tx.conn();
    List<Tuple> claims = new ArrayList<>(all.size());
    List<Tuple> lines = new ArrayList<>(all.size());
    List<Tuple> settlements = new ArrayList<>(all.size());
    List<Tuple> funds = new ArrayList<>(3 * all.size());
    Map<PersonYear, Sums> deltas = new TreeMap<>();
    List<Tuple> keys = new ArrayList<>();
    List<SettlementLedger.Drawn> drawn = new ArrayList<>();
    List<Audit.Entry> audit = new ArrayList<>(all.size());
    List<Tuple> marks = new ArrayList<>();
    List<Tuple> reversals = new ArrayList<>();
    List<Future<?>> credits = new ArrayList<>();
    for (Object o : all) {
      if (o instanceof Undone u) {
        Reversal rv = u.reversal();
        OffsetDateTime at = OffsetDateTime.ofInstant(u.at(), ZoneOffset.UTC);
        marks.add(Tuple.of(rv.settlementId(), at));
        reversals.add(
            SettlementStore.reversalTuple(
                u.reversalId(), u.settlement(), rv.reason(), u.at(), zone));
        deltas
            .computeIfAbsent(new PersonYear(rv.personIdNo(), rv.year()), k -> new Sums())
            .add(u.undo(), at);
        if (u.account() != null) {
          credits.add(
              ledger.credit(
                  conn,
                  u.account(),
                  u.drawnFen(),
                  u.advanceFen(),
                  rv.settlementId(),
                  rv.actor(),
                  at));
        }
        audit.add(
            new Audit.Entry(
                Audit.settlementChain(rv.hospitalCode(), u.settlement().getString("person_id_no")),
                rv.actor(),
                "REVERSE",
                "settlement",
                rv.settlementId().toString(),
                SettlementStore.reversalDetails(u.settlement(), rv.reason())));
        continue;
      }
      Made w = (Made) o;
      SettleCommand cmd = w.member().cmd();
      Claim claim = cmd.claim();
      Settlement s = w.settlement();
      OffsetDateTime at = OffsetDateTime.ofInstant(w.at(), ZoneOffset.UTC);
      LocalDate day = LocalDate.ofInstant(w.at(), zone);
      claims.add(SettlementTuples.claimTuple(w.claimId(), cmd, s, at));
      lines.add(SettlementTuples.linesTuple(w.claimId(), claim, s));
      settlements.add(
          SettlementTuples.settlementTuple(
              w.settlementId(), w.claimId(), cmd, s, w.accountBefore(), w.plan(), at, day));
      SettlementTuples.fundRows(w.settlementId(), s, funds);
      deltas
          .computeIfAbsent(new PersonYear(claim.personIdNo(), claim.year()), k -> new Sums())
          .add(s.delta(), at);
      if (w.plan().movesMoney()) {
        drawn.add(
            new SettlementLedger.Drawn(
                w.accountBefore(), w.plan(), w.settlementId(), cmd.actor(), at));
      }
      if (cmd.idempotencyKey() != null) {
        keys.add(
            Tuple.of(
                claim.hospitalCode(),
                cmd.idempotencyKey(),
                SettlementStore.OP_SETTLE,
                w.member().requestSha256(),
                (short) 201,
                w.settlementId(),
                at));
      }
      audit.add(
          new Audit.Entry(
              Audit.settlementChain(claim.hospitalCode(), claim.personIdNo()),
              cmd.actor(),
              "SETTLE",
              "settlement",
              w.settlementId().toString(),
              SettlementTuples.auditDetails(claim, s, w.plan())));
    }
    List<Future<?>> writes = new ArrayList<>(12);
    if (!marks.isEmpty()) {
      // before the settlements' rows: a reversed claim number may be settled again in this batch
      // (the partial unique index on live claim numbers)
      writes.add(conn.preparedQuery(MARK_REVERSED).executeBatch(marks));
      writes.add(conn.preparedQuery(INSERT_REVERSAL).executeBatch(reversals));
    }
    if (!settlements.isEmpty()) {
      writes.add(
          conn.preparedQuery(INSERT_CLAIM_ROWS)
              .execute(MultiRow.columns(claims, CLAIM_COLUMNS.length)));
      writes.add(
          conn.preparedQuery(INSERT_LINE_ROWS)
              .execute(MultiRow.columns(lines, 1 + SettlementStatements.LINE_ARRAYS.size())));
      writes.add(
          conn.preparedQuery(INSERT_SETTLEMENT_ROWS)
              .execute(MultiRow.columns(settlements, SETTLEMENT_COLUMNS.length)));
      writes.add(
          conn.preparedQuery(INSERT_FUND_ROWS)
              .execute(MultiRow.columns(funds, FUND_COLUMNS.length)));
    }
    // one UPDATE by primary key per person-year, with the sums of its members' deltas
    writes.add(conn.preparedQuery(ADD_TO_ACCUMULATOR).executeBatch(sums(deltas)));
    if (!drawn.isEmpty()) {
      writes.add(ledger.drawdowns(conn, drawn));
    }
    writes.addAll(credits);
    if (!keys.isEmpty()) {
      writes.add(
          conn.preparedQuery(INSERT_IDEMPOTENCY_ROWS)
              .execute(MultiRow.columns(keys, IDEMPOTENCY_COLUMNS.length)));
    }
    if (!unused.isEmpty()) {
      writes.add(conn.preparedQuery(DELETE_UNUSED_ACCUMULATORS).execute(personYears(unused)));
    }
    writes.add(Audit.appendAll(conn, audit));
    return tx.commitAfter(writes);
  }

  /** A person-year's deltas in a batch, summed (fen and admissions), and its last change. */
  private static final class Sums {
    final long[] fen = new long[6];
    final int[] admissions = new int[3];
    OffsetDateTime at;

    void add(AccumulatorDelta d, OffsetDateTime when) {
      fen[0] += d.basicPaidFen();
      fen[1] += d.deductiblePaidFen();
      fen[2] += d.ciBaseFen();
      fen[3] += d.ciPaidFen();
      fen[4] += d.maBaseFen();
      fen[5] += d.maPaidFen();
      admissions[d.hospitalLevel() - 1] += d.admissions();
      at = when; // the members come in order, so the last is the latest
    }
  }

  /** The parameters of {@code ADD_TO_ACCUMULATOR}, one tuple per person-year. */
  private static List<Tuple> sums(Map<PersonYear, Sums> deltas) {
    List<Tuple> rows = new ArrayList<>(deltas.size());
    for (Map.Entry<PersonYear, Sums> e : deltas.entrySet()) {
      Sums x = e.getValue();
      rows.add(
          Tuple.tuple()
              .addString(e.getKey().personIdNo())
              .addShort((short) e.getKey().year())
              .addValue(SettlementTuples.yuan(x.fen[0]))
              .addValue(SettlementTuples.yuan(x.fen[1]))
              .addInteger(x.admissions[0])
              .addInteger(x.admissions[1])
              .addInteger(x.admissions[2])
              .addValue(SettlementTuples.yuan(x.fen[2]))
              .addValue(SettlementTuples.yuan(x.fen[3]))
              .addValue(SettlementTuples.yuan(x.fen[4]))
              .addValue(SettlementTuples.yuan(x.fen[5]))
              .addOffsetDateTime(x.at));
    }
    return rows;
  }

  private static Tuple personsTuple(Map<PersonYear, String> persons, OffsetDateTime at) {
    String[] ids = new String[persons.size()];
    Short[] years = new Short[persons.size()];
    String[] offices = new String[persons.size()];
    int i = 0;
    for (Map.Entry<PersonYear, String> e : persons.entrySet()) {
      ids[i] = e.getKey().personIdNo();
      years[i] = (short) e.getKey().year();
      offices[i++] = e.getValue();
    }
    return Tuple.tuple()
        .addArrayOfString(ids)
        .addArrayOfShort(years)
        .addArrayOfString(offices)
        .addOffsetDateTime(at);
  }

  private static Tuple personYears(Set<PersonYear> pys) {
    String[] ids = new String[pys.size()];
    Short[] years = new Short[pys.size()];
    int i = 0;
    for (PersonYear py : pys) {
      ids[i] = py.personIdNo();
      years[i++] = (short) py.year();
    }
    return Tuple.tuple().addArrayOfString(ids).addArrayOfShort(years);
  }

  private static Tuple pairs(Set<Named> names) {
    String[] hospitals = new String[names.size()];
    String[] values = new String[names.size()];
    int i = 0;
    for (Named n : names) {
      hospitals[i] = n.hospital();
      values[i++] = n.name();
    }
    return Tuple.tuple().addArrayOfString(hospitals).addArrayOfString(values);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** As {@code SettlementStore.stampAfter}: after the figures' last change, by a microsecond. */
  private static Instant after(Instant now, Instant lastChange) {
    Instant floor = lastChange.plus(1, ChronoUnit.MICROS);
    return now.isBefore(floor) ? floor : now;
  }
}
