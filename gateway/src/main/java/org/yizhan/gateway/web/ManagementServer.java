package org.yizhan.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.yizhan.gateway.metrics.Metrics;

/**
 * The Prometheus scrape, on a port of its own (issue 13.5). The metrics show live per-hospital
 * request rates, limiter states and money paid per fund: operators' business, not the hospitals' or
 * the internet's, so they are not on the public port at all. This server listens on {@code
 * management.host:management.port} (127.0.0.1:9464 by default, reachable from the machine only;
 * open it to a scraper's network with the host setting and a firewall). It answers {@code GET
 * /metrics} and nothing else: one small server, no router, no body ever read.
 */
public final class ManagementServer {
  private final HttpServer server;

  private ManagementServer(HttpServer server) {
    this.server = server;
  }

  /** Starts listening; fails if the port is taken. */
  public static Future<ManagementServer> start(
      Vertx vertx, String host, int port, Metrics metrics) {
    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setMaxInitialLineLength(1024)
                .setMaxHeaderSize(8 * 1024)
                .setIdleTimeout(60));
    return server
        .requestHandler(request -> answer(request, metrics))
        .listen()
        .map(ManagementServer::new);
  }

  private static void answer(HttpServerRequest request, Metrics metrics) {
    if (request.method() == HttpMethod.GET && "/metrics".equals(request.path())) {
      request
          .response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(metrics.registry().scrape());
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
