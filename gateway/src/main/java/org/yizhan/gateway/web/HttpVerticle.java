package org.yizhan.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.db.DbGuard;

/**
 * One HTTP server verticle; the gateway deploys one per event loop, all listening on the same port
 * (Vert.x spreads connections over them). Routes are mounted by the API classes; this class owns
 * what every route shares: request ids, timeouts, body limits, metrics, access log, and the one
 * place where failures become {@code {code, message, field, correlationId}}.
 *
 * <p>It also owns the transport's limits, what a client can make the gateway hold before it is
 * known ({@link Transport}): connections in all and per address, a deadline for a request's head
 * and one for its body, and the memory all bodies together may take. The order of handlers is the
 * point: request id and timeout, then the gates (authentication from the headers, {@link
 * HttpContext#mountGates}), then the body's memory is reserved and the body read, then the routes.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("yizhan.access");

  static final String REQUEST_ID = "requestId";
  static final String UNMATCHED = "unmatched";
  static final String STARTED = "startedNanos";

  /** How long a connection may stay silent, seconds. */
  static final int IDLE_TIMEOUT_SECONDS = 60;

  private final HttpContext app;
  private HttpServer server;

  /** This instance's open connections' deadlines (touched on this instance's event loop only). */
  private final Map<HttpConnection, Deadlines> deadlines = new HashMap<>();

  public HttpVerticle(HttpContext app) {
    this.app = app;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::begin);
    router
        .route()
        .handler(TimeoutHandler.create(app.config().http().requestTimeoutSeconds() * 1000L, 503));
    Routes routes = new Routes(router);
    app.mountGates(routes);
    router.route().handler(this::reserveBody);
    router
        .route()
        .handler(
            BodyHandler.create(false)
                .setBodyLimit(app.config().http().bodyLimitBytes())
                .setHandleFileUploads(false));
    app.mount(routes);
    routes.add(HttpMethod.GET, "/openapi.yaml", this::openApi);
    router.route().last().handler(routes::unmatched);
    router.route().last().handler(ctx -> ctx.fail(Failures.noSuchRoute()));
    router.route().failureHandler(this::failure);
    // A failure arriving after the answer (a database call finishing after the request timed out)
    // finds no failure handler; Vert.x Web would log a bare ERROR for it. It is expected: DEBUG.
    router.errorHandler(500, this::lateFailure);
    router.errorHandler(503, this::lateFailure);
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(app.config().http().host())
                .setPort(app.config().http().port())
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(4096)
                .setCompressionSupported(true)
                // HTTP/1.1 only: with cleartext HTTP/2 detection a connection is not known (to
                // the connection caps and deadlines) until its first bytes arrive
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return server
        .connectionHandler(this::connected)
        .invalidRequestHandler(MalformedRequests::answerUndecodable)
        .requestHandler(
            request -> {
              Deadlines d = deadlines.get(request.connection());
              if (d != null) {
                d.requestStarted(request);
              }
              HttpRefusal bad = MalformedRequests.badTarget(request);
              if (bad != null) {
                MalformedRequests.write(request.response(), bad, UUID.randomUUID().toString());
                return;
              }
              router.handle(request);
            })
        .listen();
  }

  /**
   * A new connection: counted against the caps in all and per remote address (closed at once beyond
   * them), and given the deadline for its first request's head.
   */
  private void connected(HttpConnection conn) {
    String address = conn.remoteAddress() == null ? "" : conn.remoteAddress().hostAddress();
    if (!app.transport().open(address)) {
      app.metrics().rejected("TOO_MANY_CONNECTIONS");
      conn.close();
      return;
    }
    Deadlines d = new Deadlines(conn);
    deadlines.put(conn, d);
    d.awaitHead(app.config().http().headerTimeoutSeconds() * 1000L);
    conn.closeHandler(
        v -> {
          deadlines.remove(conn);
          d.cancel();
          app.transport().close(address);
        });
  }

  /**
   * The read deadlines of one connection (slowloris: a client that trickles its request a byte at a
   * time keeps the idle timer from ever firing). Its request's head must be in within {@code
   * http.headerTimeoutSeconds} of the connection (of the previous answer's end plus the idle
   * timeout, on a kept-alive connection) and its body within {@code http.bodyTimeoutSeconds} of its
   * head; beyond either the connection is closed. Used on its connection's event loop only.
   */
  private final class Deadlines {
    private final HttpConnection conn;
    private long headTimer = -1;
    private long bodyTimer = -1;

    Deadlines(HttpConnection conn) {
      this.conn = conn;
    }

    void awaitHead(long millis) {
      cancel();
      headTimer =
          vertx.setTimer(
              millis,
              t -> {
                app.metrics().rejected("HEADER_TIMEOUT");
                conn.close();
              });
    }

    void requestStarted(HttpServerRequest request) {
      cancel();
      if (!request.isEnded()) {
        bodyTimer =
            vertx.setTimer(
                app.config().http().bodyTimeoutSeconds() * 1000L,
                t -> {
                  if (!request.isEnded()) {
                    app.metrics().rejected("BODY_TIMEOUT");
                    conn.close();
                  }
                });
      }
    }

    void answered() {
      awaitHead((IDLE_TIMEOUT_SECONDS + app.config().http().headerTimeoutSeconds()) * 1000L);
    }

    void cancel() {
      if (headTimer >= 0) {
        vertx.cancelTimer(headTimer);
        headTimer = -1;
      }
      if (bodyTimer >= 0) {
        vertx.cancelTimer(bodyTimer);
        bodyTimer = -1;
      }
    }
  }

  /**
   * Reserves the memory the request's body may take (its declared length, or the body limit when it
   * is chunked) from the total every request shares, before reading it: 503 {@code BUSY} beyond,
   * with the connection closed, so the body is never read.
   */
  private void reserveBody(RoutingContext ctx) {
    long limit = app.config().http().bodyLimitBytes();
    String length = ctx.request().getHeader("Content-Length");
    long bytes;
    if (ctx.request().isEnded()) {
      bytes = 0;
    } else if (length != null) {
      try {
        bytes = Math.min(limit, Math.max(0, Long.parseLong(length.trim())));
      } catch (NumberFormatException e) {
        bytes = limit;
      }
    } else {
      bytes = ctx.request().getHeader("Transfer-Encoding") == null ? 0 : limit;
    }
    if (bytes == 0) {
      ctx.next();
      return;
    }
    if (!app.transport().reserveBody(bytes)) {
      Transport.closeUnreadBody(ctx);
      ctx.fail(
          new HttpRefusal(
              503,
              "BUSY",
              null,
              "the gateway holds as many request bodies as it may; retry later"));
      return;
    }
    AtomicBoolean held = new AtomicBoolean(true);
    long reserved = bytes;
    ctx.addEndHandler(
        v -> {
          if (held.compareAndSet(true, false)) {
            app.transport().releaseBody(reserved);
          }
        });
    ctx.next();
  }

  /** The port this instance listens on (the same for every instance). */
  public int port() {
    return server.actualPort();
  }

  /** Stops accepting and waits up to {@code graceSeconds} for requests in flight. */
  public Future<Void> shutdown(int graceSeconds) {
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  private void begin(RoutingContext ctx) {
    String id = ctx.request().getHeader(X_REQUEST_ID);
    if (id == null || id.length() > 64 || !REQUEST_ID_SHAPE.matcher(id).matches()) {
      id = requestId();
    }
    ctx.put(REQUEST_ID, id);
    ctx.put(STARTED, System.nanoTime());
    ctx.response().putHeader(X_REQUEST_ID, id);
    ctx.addHeadersEndHandler(v -> ctx.response().putHeader(CACHE_CONTROL, NO_STORE));
    ctx.addEndHandler(v -> end(ctx));
    Deadlines d = deadlines.get(ctx.request().connection());
    if (d != null) {
      ctx.addEndHandler(v -> d.answered());
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && isForm(type) && !nationalForm(ctx.request(), type)) {
      // forms are never ours to read; the body handler would decode them (and throw on a GET)
      ctx.fail(
          new HttpRefusal(
              415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type", "form bodies are not accepted"));
      return;
    }
    ctx.next();
  }

  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final Pattern REQUEST_ID_SHAPE = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * A new request's correlation id: a random (version 4) UUID. It names a request in the logs and
   * in its answer and guards nothing, so it is drawn from the thread's fast generator rather than
   * {@link UUID#randomUUID()}'s SecureRandom (a lock and a system call per request).
   */
  static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L;
    long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /**
   * A url-encoded POST to the national interface: some hospital systems label their JSON so by
   * their HTTP library's default, and the national door reads it (nhsa.Bodies).
   */
  static boolean nationalForm(HttpServerRequest r, String contentType) {
    String path = r.path();
    return r.method() == HttpMethod.POST
        && contentType
            .trim()
            .toLowerCase(Locale.ROOT)
            .startsWith("application/x-www-form-urlencoded")
        && path != null
        && (path.startsWith("/fsi/") || path.startsWith("/nhsa/") || path.contains("/hsa/hgs/"));
  }

  static boolean isForm(String contentType) {
    String t = contentType.trim().toLowerCase(Locale.ROOT);
    return t.startsWith("multipart/") || t.startsWith("application/x-www-form-urlencoded");
  }

  /** Metrics and one access-log line per request: no body, no ID number, no query string. */
  private void end(RoutingContext ctx) {
    long took = System.nanoTime() - (long) ctx.get(STARTED);
    String template = routeTemplate(ctx);
    app.metrics()
        .request(ctx.request().method().name(), template, ctx.response().getStatusCode(), took);
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info(
          "{} {} {}ms id={}",
          template.equals(UNMATCHED) ? ctx.request().method() + " " + UNMATCHED : template,
          ctx.response().getStatusCode(),
          TimeUnit.NANOSECONDS.toMillis(took),
          (String) ctx.get(REQUEST_ID));
    }
  }

  /** The matched route's template (/api/v1/settlements/:id), never the raw path. */
  static String routeTemplate(RoutingContext ctx) {
    String template = ctx.get(Routes.TEMPLATE);
    return template == null ? UNMATCHED : template;
  }

  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(OPENAPI);
  }

  private static final Buffer OPENAPI = resource("/openapi.yaml");

  static Buffer resource(String name) {
    try (InputStream in = HttpVerticle.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void lateFailure(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      LOG.debug(
          "request {} failed after it was answered: {}",
          (String) ctx.get(REQUEST_ID),
          ctx.failure() == null ? ctx.statusCode() : ctx.failure().toString());
      return;
    }
    failure(ctx);
  }

  private void failure(RoutingContext ctx) {
    String requestId = ctx.get(REQUEST_ID);
    if (ctx.failure() instanceof HttpClosedException) {
      // the client hung up (or its connection was closed at a deadline or cap): nobody to answer,
      // and not the gateway's fault
      LOG.debug("request {}: the connection closed before it was answered", requestId);
      app.metrics().rejected("CLIENT_CLOSED");
      return;
    }
    HttpRefusal error = Failures.of(ctx.failure(), ctx.statusCode());
    if (error.status() >= 500 && error.status() != 503) {
      LOG.error(
          "request {} failed: {}",
          requestId,
          ctx.failure() == null ? ctx.statusCode() : "",
          ctx.failure());
    }
    app.metrics().rejected(error.code());
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    // refused before its body was read (or while it streams): never read it, close after answering
    Transport.closeUnreadBody(ctx);
    if (error.status() == 503) {
      ctx.response()
          .putHeader(
              "Retry-After",
              Long.toString(
                  error.retryAfterSeconds() > 0
                      ? error.retryAfterSeconds()
                      : DbGuard.OPEN_SECONDS));
    } else if (error.status() == 429) {
      ctx.response()
          .putHeader(
              "Retry-After",
              Long.toString(error.retryAfterSeconds() > 0 ? error.retryAfterSeconds() : 1));
    } else if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    MalformedRequests.write(ctx.response(), error, requestId);
  }
}
