package org.yizhan.gateway.nhsa;

import static io.vertx.core.http.HttpMethod.POST;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.vertx.core.Future;
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
import org.yizhan.gateway.config.Hospitals.National;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.security.CsbSignature;
import org.yizhan.gateway.security.HospitalAuth.Principal;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.web.HospitalGate;
import org.yizhan.gateway.web.HttpRefusal;
import org.yizhan.gateway.web.Routes;
import org.yizhan.gateway.web.Transport;

/**
 * The national interface's front door: {@code POST /fsi/api/rsfComIfsService/callService} (the
 * national platform's path, so a hospital system only changes its host) and the alias {@code POST
 * /nhsa/call}, taking the national envelope and answering the national envelope, on the same
 * engine, store, idempotency and ledger as the JSON API. Provincial URL shapes name the transaction
 * in the path: {@code …/callService/2304}, {@code /nhsa/call/2304}, and Guangdong's {@code <any
 * prefix>/hsa/hgs/2304}; the path's infno must be the envelope's.
 *
 * <p>Authentication (before the body is read, {@link HospitalGate#authenticateNational}): the
 * national platform's header signature alone ({@code x-tif-paasid} names the hospital, {@code
 * x-tif-signature} proves its secret, as Guangdong's systems send it), or the JSON API's hospital
 * key (Authorization: Bearer, X-Api-Key or apikey) with, by default, that signature too; the
 * envelope's fixmedins_code (or medins_code) must be the caller's hospital.
 *
 * <p>Every failure on these routes and under their prefixes, whatever raised it, is answered as a
 * national envelope (infcode -1, err_msg naming the field), never as the JSON API's {@code {code,
 * message}}, and with HTTP 200: the systems studied ({@code HttpWebRequest}, {@code WebClient},
 * {@code HttpURLConnection}) throw on a status of 400 or more and never read the body, so a 401 or
 * 503 reaches the cashier as "the remote server returned an error". A refusal whose outcome may be
 * unknown (the store unavailable, a timeout) still says so in err_msg (resend the same msgid or
 * send 2601) and keeps its Retry-After header. {@code nhsa.httpStatuses: true} answers the statuses
 * of before instead (401, 429, 503).
 */
public final class NhsaApi {
  private static final Logger LOG = LoggerFactory.getLogger(NhsaApi.class);

  public static final String PATH = "/fsi/api/rsfComIfsService/callService";
  public static final String ALIAS = "/nhsa/call";

  /** Guangdong's per-transaction URL: any prefix, then {@code /hsa/hgs/<infno>}. */
  static final String PROVINCIAL = "(?:/[A-Za-z0-9_.~-]+)*/hsa/hgs/([^/]+)";

  static final String PROVINCIAL_TEMPLATE = "/hsa/hgs/:infno";

  /** Every path under which a failure is answered as a national envelope. */
  static final String UNDER_PROVINCIAL = "(?:/[^/]+)*/hsa/hgs(?:/.*)?";

  private static final String RECEIVED = "nhsaReceived";
  private static final String NATIONAL = "nhsaNational";
  private static final String INFNO = "nhsaInfno";

  /** Set on a request whose answer is a file's bytes (9102), not an envelope. */
  private static final String FILE_BODY = "nhsaFileBody";

  private final HospitalGate gate;
  private final SignatureMode signatures;
  private final Dispatcher dispatcher;
  private final SignInTransactions signIns;
  private final FileTransactions files;
  private final Reply reply;
  private final Clock clock;
  private final Map<String, National> nationalByHospital;
  private final Map<String, String> hospitalByPaasid;
  private final boolean httpStatuses;

  /**
   * @param nationalByHospital each hospital's national-interface settings, by code
   * @param hospitalByPaasid each paasid's hospital code (to answer an unauthenticated refusal in
   *     its hospital's dialect)
   * @param httpStatuses answer 401, 429 and 503 with those statuses rather than 200
   */
  public NhsaApi(
      SettlementService service,
      HospitalGate gate,
      SignatureMode signatures,
      IdentityDirectory identities,
      Pool pool,
      DbGuard guard,
      Clock clock,
      ZoneId zone,
      int maxStayDays,
      Map<String, National> nationalByHospital,
      Map<String, String> hospitalByPaasid,
      boolean httpStatuses) {
    this.gate = gate;
    this.signatures = signatures;
    this.clock = clock;
    this.reply = new Reply(clock, zone);
    this.nationalByHospital = Map.copyOf(nationalByHospital);
    this.hospitalByPaasid = Map.copyOf(hospitalByPaasid);
    this.httpStatuses = httpStatuses;
    this.signIns = new SignInTransactions(pool, guard, clock, zone);
    var admissions = new AdmissionTransactions(pool, guard, clock, maxStayDays);
    var fees = new FeeTransactions(service, pool, guard, clock);
    var settlements = new SettlementTransactions(service, pool, guard, clock, zone, maxStayDays);
    var persons = new PersonTransactions(service, identities, pool, guard, clock, zone);
    var files = new FileTransactions(pool, guard, clock, zone);
    this.files = files;
    var statements = new StatementTransactions(pool, guard, files);
    Map<String, Transaction> t = new HashMap<>();
    t.put("9001", signIns::signIn);
    t.put("9002", signIns::signOut);
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
    for (String path : new String[] {PATH, ALIAS, PATH + "/:infno", ALIAS + "/:infno"}) {
      routes.router().route(path).handler(gate::authenticateNational);
    }
    routes.router().routeWithRegex(PROVINCIAL).handler(gate::authenticateNational);
  }

  public void mount(Routes routes) {
    for (String under : new String[] {"/fsi/*", "/nhsa/*"}) {
      routes.router().route(under).failureHandler(this::failure);
    }
    routes.router().routeWithRegex(UNDER_PROVINCIAL).failureHandler(this::failure);
    for (String path : new String[] {PATH, ALIAS}) {
      routes.add(POST, path, ctx -> call(ctx, null));
      routes.add(POST, path + "/:infno", ctx -> call(ctx, ctx.pathParam("infno")));
    }
    routes.addPattern(
        POST, PROVINCIAL, PROVINCIAL_TEMPLATE, ctx -> call(ctx, ctx.pathParam("param0")));
  }

  private void call(RoutingContext ctx, String pathInfno) {
    Instant received = clock.instant();
    ctx.put(RECEIVED, received);
    if (pathInfno != null && !Envelope.INFNO.matcher(pathInfno).matches()) {
      ctx.fail(NhsaError.invalid("URL", "must end with a 4-digit transaction number (…/2304)"));
      return;
    }
    byte[] body =
        ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    gate.verifyNational(ctx, signatures)
        .compose(
            who -> {
              String hospital = who.hospital().code();
              National national = nationalByHospital.getOrDefault(hospital, National.DEFAULT);
              ctx.put(NATIONAL, national);
              Envelope e =
                  Envelope.parse(
                      Bodies.read(body, ctx.request().getHeader("Content-Type"), ctx), pathInfno);
              ctx.put(INFNO, e.infno());
              if (!e.fixmedinsCode().equals(hospital)) {
                throw NhsaError.invalid("fixmedins_code", "is not the institution of this caller");
              }
              Call call = new Call(who, e, received, national);
              boolean signIn = "9001".equals(e.infno()) || "9002".equals(e.infno());
              Future<Void> signed =
                  national.signInRequired() && !signIn
                      ? signIns.check(hospital, e.signNo())
                      : Future.succeededFuture();
              // 9102 answers the file itself, not an envelope (see FileTransactions.download)
              return signed.compose(
                  v ->
                      FileTransactions.DOWNLOAD.equals(e.infno())
                          ? files.download(call).onSuccess(f -> ctx.put(FILE_BODY, true))
                          : dispatcher.handle(call));
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
      status = 200;
      message = e.getMessage();
    } else if (e instanceof HttpRefusal && ((HttpRefusal) e).status() == 404) {
      message = "URL: no transaction is offered at this path; post to " + PATH;
    } else if (e instanceof Refusal) {
      Refusal a = (Refusal) e;
      status = httpStatus(a.kind());
      message = "[" + a.code() + "] " + a.getMessage();
    } else if (e instanceof HttpRefusal) {
      HttpRefusal a = (HttpRefusal) e;
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
      long wait =
          e instanceof Refusal
              ? ((Refusal) e).retryAfterSeconds()
              : e instanceof HttpRefusal ? ((HttpRefusal) e).retryAfterSeconds() : 0;
      ctx.response().putHeader("Retry-After", Long.toString(wait > 0 ? wait : 1));
    } else if (status == 401 && httpStatuses) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    Instant received = ctx.get(RECEIVED);
    boolean asString = nationalOf(ctx).infcodeAsString();
    send(
        ctx,
        httpStatuses ? status : 200,
        isDownload(ctx)
            ? reply.downloadFailure(received, message, asString)
            : reply.failure(received, message, asString));
  }

  /** A 9102 by its envelope (once parsed) or by its URL (…/9102, as Foshan posts it). */
  private static boolean isDownload(RoutingContext ctx) {
    return FileTransactions.DOWNLOAD.equals(ctx.get(INFNO))
        || ctx.request().path().endsWith("/" + FileTransactions.DOWNLOAD);
  }

  /** The settings of the caller's hospital, as far as it is known: its key or its paasid. */
  private National nationalOf(RoutingContext ctx) {
    National known = ctx.get(NATIONAL);
    if (known != null) {
      return known;
    }
    Principal who = HospitalGate.principal(ctx);
    String paasid = ctx.request().getHeader("x-tif-paasid");
    if (paasid == null) {
      paasid = ctx.request().getHeader(CsbSignature.ACCESS_KEY);
    }
    String hospital =
        who != null ? who.hospital().code() : hospitalByPaasid.get(String.valueOf(paasid));
    return hospital == null
        ? National.DEFAULT
        : nationalByHospital.getOrDefault(hospital, National.DEFAULT);
  }

  /**
   * The HTTP status of the envelope that answers a refusal of {@code kind}: 200 for every refusal
   * whose outcome is definite (nothing was done), as the national platform answers; only an unknown
   * caller (401), one that asks too often (429) and an unavailable store (503) differ.
   */
  static int httpStatus(Refusal.Kind kind) {
    switch (kind) {
      case UNAUTHENTICATED:
        return 401;
      case TOO_MANY:
        return 429;
      case UNAVAILABLE:
        return 503;
      default:
        return 200;
    }
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
