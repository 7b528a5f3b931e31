package org.yizhan.gateway.manager;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.web.Responses;

/**
 * The answers the agency's pages of versioned documents share (CatalogueApi, PolicyApi): a listing
 * {@code {versions: [...]}} and a version's document as a download.
 */
final class VersionAnswers {
  private VersionAnswers() {}

  /** {@code {versions: [...]}}, each written by {@code item}. */
  static <V> void list(
      RoutingContext ctx, Future<List<V>> versions, JsonWriter.ItemWriter<V> item) {
    Responses.reply(
        ctx,
        versions.map(
            vs ->
                JsonWriter.render(
                    g -> {
                      g.writeStartObject();
                      g.writeArrayFieldStart("versions");
                      for (V v : vs) {
                        item.write(g, v);
                      }
                      g.writeEndArray();
                      g.writeEndObject();
                    })),
        200);
  }

  /** The document as an attachment named {@code fileName}, unless the request was answered. */
  static void download(
      RoutingContext ctx, Future<Buffer> document, String contentType, String fileName) {
    document
        .onSuccess(
            body -> {
              if (!Responses.answered(ctx)) {
                ctx.response()
                    .putHeader("Content-Type", contentType)
                    .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                    .end(body);
              }
            })
        .onFailure(ctx::fail);
  }
}
