package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;

/**
 * One national transaction (an infno): checks its input, reads and computes what it needs, and
 * returns its answer with the writes to commit alongside the message log. It never answers the
 * client itself; the {@link Dispatcher} does, after the commit.
 */
@FunctionalInterface
interface Transaction {
  Future<Outcome> prepare(Call call);
}
