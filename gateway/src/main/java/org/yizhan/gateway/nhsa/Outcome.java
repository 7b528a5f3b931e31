package org.yizhan.gateway.nhsa;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.yizhan.gateway.infra.json.JsonWriter;

/**
 * What a transaction prepared: the {@code output} it answers, and what must be written in the same
 * database transaction as the message log's record of the answer, so that a message's effect and
 * its answer are committed together or not at all.
 *
 * @param output writes the envelope's {@code output} value
 * @param warn the envelope's {@code warn_msg}, or {@code null}
 * @param mdtrtId the admission the message touched, kept with its log entry for 2601
 * @param settlementId the settlement the message made, kept with its log entry for 2601
 * @param writes the message's writes, run inside the log's transaction; a failure (an {@link
 *     NhsaError} for a refusal) rolls both back
 * @param compensate undoes what the transaction did before {@code writes} (a settlement made in its
 *     own transaction) when the answer is refused after all
 */
record Outcome(
    JsonWriter.Writer output,
    String warn,
    String mdtrtId,
    UUID settlementId,
    Function<SqlConnection, Future<Void>> writes,
    Supplier<Future<Void>> compensate) {

  static final JsonWriter.Writer EMPTY =
      g -> {
        g.writeStartObject();
        g.writeEndObject();
      };

  static Outcome of(JsonWriter.Writer output) {
    return new Outcome(
        output, null, null, null, conn -> Future.succeededFuture(), Future::succeededFuture);
  }

  Outcome warn(String message) {
    return new Outcome(output, message, mdtrtId, settlementId, writes, compensate);
  }

  Outcome touching(String mdtrt, UUID settlement) {
    return new Outcome(output, warn, mdtrt, settlement, writes, compensate);
  }

  Outcome writing(Function<SqlConnection, Future<Void>> w) {
    return new Outcome(output, warn, mdtrtId, settlementId, w, compensate);
  }

  Outcome compensatedBy(Supplier<Future<Void>> c) {
    return new Outcome(output, warn, mdtrtId, settlementId, writes, c);
  }
}
