package org.yizhan.gateway.nhsa;

import static io.vertx.core.http.HttpMethod.POST;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.http.ApiError;
import org.yizhan.gateway.http.Json;
import org.yizhan.gateway.http.Routes;
import org.yizhan.gateway.http.Transport;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.security.HospitalGate;
import org.yizhan.gateway.service.SettlementService;
import org.yizhan.gateway.store.DbGuard;

/**
 * The national interface's front door: {@code POST /fsi/api/rsfComIfsService/callService} (the
 * national platform's path, so a hospital system only changes its host) and the alias {@code POST
 * /nhsa/call}, taking the national envelope and answering the national envelope, on the same
 * engine, store, idempotency and ledger as the JSON API.
 *
 * <p>Authentication is the JSON API's hospital key (Authorization: Bearer, X-Api-Key or apikey),
 * checked from the headers before the body is read, and by default the national platform's header
 * signature ({@code x-tif-paasid}, {@code x-tif-timestamp}, {@code x-tif-nonce}, {@code
 * x-tif-signature}: {@link org.yizhan.gateway.security.NationalSignature}); the envelope's
 * fixmedins_code must be the key's hospital. Every failure on these routes, whatever raised it, is
 * answered as a national envelope (infcode -1, err_msg naming the field), never as the JSON API's
 * {@code {code, message}} and never as HTTP 500. HTTP status: 200 for every answer with a definite
 * outcome (success or refusal, as the national platform answers); 401 when the key is missing or
 * unknown; 503 with Retry-After when the store is unavailable or the request timed out, where the
 * outcome may be unknown: resend the same msgid (a done message is replayed) or send 2601.
 */
public final class NhsaApi {
  private static final Logger LOG = LoggerFactory.getLogger(NhsaApi.class);

  public static final String PATH = "/fsi/api/rsfComIfsService/callService";
  public static final String ALIAS = "/nhsa/call";

  /** Set on a request whose answer is a file's bytes (9102), not an envelope. */
  private static final String FILE_BODY = "nhsaFileBody";

  private final HospitalGate gate;
  private final SignatureMode signatures;
  private final Dispatcher dispatcher;
  private final FileTransactions files;
  private final Reply reply;
  private final Clock clock;

  public NhsaApi(
      SettlementService service,
      HospitalGate gate,
      SignatureMode signatures,
      IdentityDirectory identities,
      Pool pool,
      DbGuard guard,
      Clock clock,
      ZoneId zone,
      int maxStayDays) {
    this.gate = gate;
    this.signatures = signatures;
    this.clock = clock;
    this.reply = new Reply(clock, zone);
    var admissions = new AdmissionTransactions(pool, guard, clock, maxStayDays);
    var fees = new FeeTransactions(service, pool, guard, clock);
    var settlements = new SettlementTransactions(service, pool, guard, clock, zone, maxStayDays);
    var persons = new PersonTransactions(service, identities, pool, guard, clock, zone);
    var files = new FileTransactions(pool, guard, clock, zone);
    this.files = files;
    var statements = new StatementTransactions(pool, guard, files);
    Map<String, Transaction> t = new HashMap<>();
    t.put("1101", persons::person);
    t.put("5206", persons::figures);
    t.put("2401", admissions::admit);
    t.put("2404", admissions::cancel);
    t.put("2402", admissions::discharge);
    t.put("2405", admissions::undischarge);
    t.put("2301", fees::upload);
    t.put("2302", fees::undo);
    t.put("2303", settlements::preview);
    t.put("2304", settlements::settle);
    t.put("2305", settlements::reverse);
    t.put("3201", statements::totals);
    t.put("3202", statements::details);
    t.put("9101", files::upload);
    var offered = Map.copyOf(t);
    t.put("2601", new Correction(service, pool, guard, clock, offered::containsKey)::reverse);
    this.dispatcher = new Dispatcher(t, pool, guard, reply);
  }

  /** Authenticates from the headers, before the body is read (see {@link HospitalGate}). */
  public static void mountGate(Routes routes, HospitalGate gate) {
    for (String path : new String[] {PATH, ALIAS}) {
      routes.router().route(path).handler(gate::authenticate);
    }
  }

  public void mount(Routes routes) {
    for (String path : new String[] {PATH, ALIAS}) {
      routes.router().route(path).failureHandler(this::failure);
      routes.add(POST, path, this::call);
    }
  }

  private void call(RoutingContext ctx) {
    Instant received = clock.instant();
    ctx.put("nhsaReceived", received);
    byte[] body =
        ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    gate.verifyNational(ctx, signatures)
        .compose(
            who -> {
              Envelope e = Envelope.parse(Json.parse(body));
              if (!e.fixmedinsCode().equals(who.hospital().code())) {
                throw NhsaError.invalid("fixmedins_code", "is not the institution of this key");
              }
              if (!e.msgid().startsWith(e.fixmedinsCode())) {
                throw NhsaError.invalid("msgid", "must begin with fixmedins_code");
              }
              Call c = new Call(who, e, received);
              // 9102 answers the file itself, not an envelope (see FileTransactions.download)
              return FileTransactions.DOWNLOAD.equals(e.infno())
                  ? files.download(c).onSuccess(f -> ctx.put(FILE_BODY, true))
                  : dispatcher.handle(c);
            })
        .onSuccess(b -> send(ctx, 200, b))
        .onFailure(ctx::fail);
  }

  /** Every failure on the national routes, as a national envelope. */
  private void failure(RoutingContext ctx) {
    Throwable e = ctx.failure();
    int status = 200;
    String message;
    if (ctx.request().method() != POST) {
      message = "method: messages are sent with POST, not " + ctx.request().method();
    } else if (e instanceof NhsaError) {
      status = ((NhsaError) e).httpStatus();
      message = e.getMessage();
    } else if (e instanceof ApiError) {
      ApiError a = (ApiError) e;
      status = a.status() == 401 || a.status() == 429 || a.status() == 503 ? a.status() : 200;
      message = "[" + a.code() + "] " + a.getMessage();
    } else if (e instanceof DbGuard.Unavailable || e instanceof CallNotPermittedException) {
      status = 503;
      message = "the settlement store is unavailable; retry later with the same msgid";
    } else if (e == null || e instanceof HttpException) {
      int code = e == null ? ctx.statusCode() : ((HttpException) e).getStatusCode();
      status = code == 401 || code == 503 ? code : 200;
      message = byStatus(code);
    } else {
      String ref = UUID.randomUUID().toString();
      LOG.error("national message failed, reference {}", ref, e);
      message = "internal error (reference " + ref + "); resend the same msgid or send 2601";
    }
    if (ctx.response().headWritten() || ctx.response().closed()) {
      return;
    }
    Transport.closeUnreadBody(ctx);
    if (status == 503) {
      ctx.response().putHeader("Retry-After", Integer.toString(DbGuard.OPEN_SECONDS));
    } else if (status == 429) {
      long wait = e instanceof ApiError ? ((ApiError) e).retryAfterSeconds() : 0;
      ctx.response().putHeader("Retry-After", Long.toString(wait > 0 ? wait : 1));
    } else if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    Instant received = ctx.get("nhsaReceived");
    send(ctx, status, reply.failure(received, message));
  }

  private static String byStatus(int code) {
    switch (code) {
      case 413:
        return "body: larger than this gateway accepts";
      case 405:
        return "method: messages are sent with POST";
      case 503:
        return "the request timed out; its outcome is unknown: resend the same msgid or send 2601";
      case 401:
        return "an API key is required: Authorization: Bearer <key>";
      default:
        return "the request was refused (HTTP " + code + ")";
    }
  }

  private static void send(RoutingContext ctx, int status, Buffer body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(
            "Content-Type",
            ctx.get(FILE_BODY) != null
                ? "application/octet-stream"
                : "application/json; charset=utf-8")
        .end(body);
  }
}
