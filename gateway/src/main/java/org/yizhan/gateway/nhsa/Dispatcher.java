package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.MessageLog;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * Runs a message exactly once per msgid.
 *
 * <p>Before anything else the message log is read: a msgid seen before is answered from the log
 * (the first answer, byte for byte) or refused (reused for a different request, or voided by a
 * 2601). A new msgid runs its transaction's {@link Transaction#prepare}, then one database
 * transaction records the answer in the log and makes the message's writes; the answer is sent only
 * after that commit. Two copies of a message racing meet at the log's primary key: the second finds
 * the first's entry and replays it.
 *
 * <p>A refusal found while writing (the admission changed, a row already exists) rolls back both
 * the log entry and the writes, runs the outcome's compensation (a settlement made in its own
 * transaction is reversed), and is answered as an error; refusals are not logged, so a corrected
 * message may reuse the msgid.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Map<String, Transaction> transactions;
  private final Pool pool;
  private final DbGuard guard;
  private final Reply reply;

  Dispatcher(Map<String, Transaction> transactions, Pool pool, DbGuard guard, Reply reply) {
    this.transactions = Map.copyOf(transactions);
    this.pool = pool;
    this.guard = guard;
    this.reply = reply;
  }

  Future<Buffer> handle(Call call) {
    Transaction t = transactions.get(call.infno());
    if (t == null) {
      throw NhsaError.invalid("infno", call.infno() + " is not a transaction this gateway offers");
    }
    return Guarded.call(guard, () -> MessageLog.find(pool, call.hospitalCode(), call.msgid()))
        .compose(
            prior ->
                prior != null
                    ? Future.succeededFuture(replay(call, prior))
                    : t.prepare(call).compose(o -> commit(call, o)));
  }

  /** The stored answer of a message seen before, or the refusal of a reused or voided msgid. */
  static Buffer replay(Call call, MessageLog.Entry prior) {
    if (prior.voidedBy() != null) {
      throw NhsaError.invalid(
          "msgid",
          call.msgid()
              + " was reversed (冲正) by 2601 message "
              + prior.voidedBy()
              + "; send a new message with a new msgid");
    }
    if (!prior.infno().equals(call.infno())
        || !prior.requestSha256().equals(call.envelope().requestSha256())) {
      throw NhsaError.invalid(
          "msgid",
          call.msgid()
              + " was used before for a different request (infno "
              + prior.infno()
              + "); every message needs its own msgid");
    }
    return Buffer.buffer(prior.response());
  }

  private Future<Buffer> commit(Call call, Outcome o) {
    Buffer answer = reply.success(call.receivedAt(), o, call.national().infcodeAsString());
    Instant now = reply.now();
    return Guarded.call(
            guard,
            () ->
                pool.withTransaction(
                    conn ->
                        MessageLog.insertDone(
                                conn,
                                call.hospitalCode(),
                                call.msgid(),
                                call.infno(),
                                call.envelope().requestSha256(),
                                answer.toString(),
                                o.mdtrtId(),
                                o.settlementId(),
                                now)
                            .compose(
                                inserted ->
                                    inserted
                                        ? o.writes().apply(conn).map(v -> true)
                                        : Future.succeededFuture(false))))
        .recover(e -> e instanceof NhsaError ? compensate(o, e) : Future.failedFuture(e))
        .compose(inserted -> inserted ? Future.succeededFuture(answer) : afterConflict(call, o));
  }

  /**
   * The msgid got an entry meanwhile: a copy of this message committed first (its answer is
   * replayed), or a 2601 voided the msgid, or another request used it; in the last two cases what
   * this message did in its own transaction (a new settlement) is undone before refusing.
   */
  private Future<Buffer> afterConflict(Call call, Outcome o) {
    return Guarded.call(guard, () -> MessageLog.find(pool, call.hospitalCode(), call.msgid()))
        .compose(
            prior -> {
              boolean copy =
                  prior.voidedBy() == null
                      && prior.infno().equals(call.infno())
                      && prior.requestSha256().equals(call.envelope().requestSha256());
              return copy
                  ? Future.succeededFuture(replay(call, prior))
                  : compensate(o, null).map(x -> replay(call, prior));
            });
  }

  /** Runs the outcome's compensation, then fails with {@code cause} (if any). */
  private static <T> Future<T> compensate(Outcome o, Throwable cause) {
    Future<Void> undone;
    try {
      undone = o.compensate().get();
    } catch (RuntimeException e) {
      undone = Future.failedFuture(e);
    }
    return undone
        .otherwise(
            e -> {
              LOG.error("compensation failed; a 2601 of the message undoes it", e);
              return null;
            })
        .compose(v -> cause == null ? Future.succeededFuture() : Future.failedFuture(cause));
  }
}
