package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import java.util.function.Supplier;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * Database calls through the circuit breaker, with refusals kept apart. A refusal ({@link
 * NhsaError}) raised inside a transaction must roll it back, so it travels as the transaction's
 * failure; but it says nothing about the database's health, so it is carried past the breaker as a
 * value and raised again outside, where the breaker cannot count it.
 */
final class Guarded {
  private Guarded() {}

  private record Result<T>(T value, NhsaError refusal) {}

  static <T> Future<T> call(DbGuard guard, Supplier<Future<T>> call) {
    return guard
        .call(
            () -> {
              Future<T> f;
              try {
                f = call.get();
              } catch (NhsaError e) {
                f = Future.failedFuture(e);
              }
              return f.map(v -> new Result<T>(v, null))
                  .recover(
                      e ->
                          e instanceof NhsaError
                              ? Future.succeededFuture(new Result<T>(null, (NhsaError) e))
                              : Future.failedFuture(e));
            })
        .compose(
            r ->
                r.refusal() == null
                    ? Future.succeededFuture(r.value())
                    : Future.failedFuture(r.refusal()));
  }
}
