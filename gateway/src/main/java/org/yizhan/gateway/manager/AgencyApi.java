package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.insured.ContributionStatus;
import org.yizhan.gateway.insured.Enrolment;
import org.yizhan.gateway.insured.EnrolmentDraft;
import org.yizhan.gateway.insured.ImportJobs;
import org.yizhan.gateway.insured.RegisterService;
import org.yizhan.gateway.insured.Scheme;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.ManagerAuth.Role;
import org.yizhan.gateway.settlement.ClaimInput;
import org.yizhan.gateway.web.HttpRefusal;
import org.yizhan.gateway.web.Limits;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The insurance agencies' API under {@code /agency/api} (医保经办机构, issue 15): the insured register of
 * the agency's region, enrolment by enrolment or by file import. Agency staff log in as managers do
 * ({@code POST /manager/api/login}, a manager of role AGENCY whose office code is their region) and
 * send the session token as a Bearer token (or, from the managers' page, the session cookie); a
 * civil-affairs session is refused 403 {@code WRONG_ROLE}. An agency acts for its region (and the
 * districts inside a city or province region): another region's enrolment is refused 403 {@code
 * NOT_AGENCY_REGION} when named in a request, and not found when looked up. Every read and change
 * is audited (who looked at which region).
 */
public final class AgencyApi {
  static final String AGENCY = "agency";

  static final Pattern ADMDVS = Pattern.compile("[0-9]{6}");
  static final Pattern SCHEME = Pattern.compile("RESIDENT|EMPLOYEE");
  static final Pattern STATUS = Pattern.compile("PAID|SUBSIDISED|UNPAID|SUSPENDED|ENDED");
  static final Pattern CARD = Pattern.compile("[0-9A-Za-z]{6,32}");
  static final Pattern SEX = Pattern.compile("[12]");
  static final Pattern ID_PREFIX = Pattern.compile("[0-9]{1,17}[0-9X]?");
  static final Pattern MORE = Pattern.compile("true|false");
  static final Pattern YEAR = Pattern.compile("(19|2[01])[0-9]{2}");

  /** The Content-Types a register file may carry. */
  static final Set<String> FILE_TYPES =
      Set.of("text/csv", "text/plain", "application/octet-stream");

  static final Set<String> FIELDS =
      Set.of(
          "personIdNo",
          "admdvs",
          "scheme",
          "validFrom",
          "validTo",
          "contributionYear",
          "status",
          "cardNo",
          "cardSn",
          "personName",
          "sex",
          "birthDate",
          "employerName");

  private final ManagerAuth auth;
  private final RegisterService register;
  private final ImportJobs imports;
  private final DbGuard guard;
  private final Pool pool;
  private final Limits limits;
  private final Clock clock;

  public AgencyApi(
      ManagerAuth auth,
      RegisterService register,
      ImportJobs imports,
      DbGuard guard,
      Pool pool,
      Limits limits,
      Clock clock) {
    this.auth = auth;
    this.register = register;
    this.imports = imports;
    this.guard = guard;
    this.pool = pool;
    this.limits = limits;
    this.clock = clock;
  }

  /** Checks the agency's session from the headers before the body is read. */
  public void mountGate(Routes routes) {
    routes
        .router()
        .route("/agency/api/*")
        .handler(
            ctx -> {
              ctx.request().pause();
              authenticate(ctx);
            });
  }

  public void mount(Routes routes) {
    routes.add(GET, "/agency/api/enrolments", this::list);
    routes.add(POST, "/agency/api/enrolments", Requests.json(this::enrol));
    routes.add(PUT, "/agency/api/enrolments/:id", Requests.json(this::change));
    routes.add(GET, "/agency/api/enrolments/:id/history", this::history);
    routes.add(POST, "/agency/api/register/imports", this::startImport);
    routes.add(POST, "/agency/api/register/imports/:id/parts", this::appendPart);
    routes.add(GET, "/agency/api/register/imports/:id", this::importProgress);
  }

  private void authenticate(RoutingContext ctx) {
    String bearer = ctx.request().getHeader("Authorization");
    io.vertx.core.http.Cookie cookie = ctx.request().getCookie(ManagerSessions.COOKIE);
    String token;
    if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = bearer.substring(7).trim();
    } else if (cookie != null) {
      // the managers' page (agency staff's tabs): the session cookie, and on a change the header
      // a page of another site cannot send (as ManagerSessions)
      token = cookie.getValue();
      if (ctx.request().method() != GET && ctx.request().getHeader("X-Requested-With") == null) {
        ctx.fail(
            new Refusal(
                Refusal.Kind.FORBIDDEN,
                "CSRF_REFUSED",
                "X-Requested-With",
                "X-Requested-With is required on a change made with the session cookie"));
        return;
      }
    } else {
      ctx.fail(
          Refusal.unauthenticated(
              "log in first (POST /manager/api/login), then send the"
                  + " token as Authorization: Bearer"));
      return;
    }
    guard
        .call(() -> auth.authenticate(token, Role.AGENCY))
        .onSuccess(
            m -> {
              try {
                limits.admitManager(m.username());
              } catch (Refusal tooMany) {
                ctx.fail(tooMany);
                return;
              }
              ctx.put(AGENCY, m);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  static ManagerPrincipal agency(RoutingContext ctx) {
    return ctx.get(AGENCY);
  }

  // ---- single enrolments

  private void list(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    if (q != null && !ID_PREFIX.matcher(q).matches()) {
      throw Refusal.invalid("q", "must be the start of an ID number (1–18 digits, X last)");
    }
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, 500);
    ManagerPrincipal m = agency(ctx);
    Responses.reply(
        ctx,
        guard.call(
            () ->
                audited(m, "REGISTER_READ", new JsonObject().put("page", page).put("size", size))
                    .compose(v -> register.page(m, q, page, size))
                    .map(
                        p ->
                            JsonWriter.page(
                                p.page(), p.size(), p.total(), p.items(), AgencyApi::enrolment))),
        200);
  }

  private void history(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "enrolment");
    ManagerPrincipal m = agency(ctx);
    Responses.reply(
        ctx,
        guard.call(
            () ->
                register
                    .history(m, id)
                    .compose(
                        versions ->
                            audited(
                                    m,
                                    "ENROLMENT_READ",
                                    new JsonObject().put("enrolment", id.toString()))
                                .map(v -> versions))
                    .map(AgencyApi::versions)),
        200);
  }

  private void enrol(RoutingContext ctx) {
    EnrolmentDraft d = draft(Fields.of(Json.parse(Requests.body(ctx)), "", FIELDS), null);
    reply(ctx, guard.call(() -> register.enrol(agency(ctx), d)), 201);
  }

  /** The new state of an enrolment: every field as for a new one, the person unchanged. */
  private void change(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "enrolment");
    Fields f =
        Fields.of(
            Json.parse(Requests.body(ctx)),
            "",
            FIELDS.stream()
                .filter(n -> !n.equals("personIdNo"))
                .collect(java.util.stream.Collectors.toSet()));
    reply(
        ctx,
        guard.call(
            () ->
                register.change(
                    agency(ctx),
                    id,
                    current -> draft(f, current.personIdNo()),
                    "ENROLMENT_CHANGE")),
        200);
  }

  private EnrolmentDraft draft(Fields f, String person) {
    String idNo = person != null ? person : f.idNumber("personIdNo", clock).value();
    com.fasterxml.jackson.databind.JsonNode y = f.raw("contributionYear");
    String year =
        y != null && y.isInt()
            ? Integer.toString(y.asInt())
            : f.text("contributionYear", YEAR, "a year like 2018", true);
    if (!YEAR.matcher(year).matches()) {
      throw Refusal.invalid("contributionYear", "must be a year like 2018");
    }
    return new EnrolmentDraft(
        idNo,
        f.text("admdvs", ADMDVS, "a 6-digit region code", true),
        Scheme.valueOf(f.text("scheme", SCHEME, "RESIDENT or EMPLOYEE", true)),
        f.date("validFrom"),
        f.raw("validTo") == null || f.raw("validTo").isNull() ? null : f.date("validTo"),
        Integer.parseInt(year),
        ContributionStatus.valueOf(
            f.text("status", STATUS, "PAID, SUBSIDISED, UNPAID, SUSPENDED or ENDED", true)),
        f.text("cardNo", CARD, "6–32 letters or digits", false),
        f.text("cardSn", CARD, "6–32 letters or digits", false),
        f.text("personName", ClaimInput.PERSON_NAME, "1–64 printable characters", false),
        f.text("sex", SEX, "1 (male) or 2 (female)", false),
        f.raw("birthDate") == null || f.raw("birthDate").isNull() ? null : f.date("birthDate"),
        f.text("employerName", ClaimInput.PERSON_NAME, "1–64 printable characters", false));
  }

  private static void reply(RoutingContext ctx, Future<Enrolment> e, int status) {
    Responses.reply(ctx, e.map(x -> JsonWriter.render(g -> enrolment(g, x))), status);
  }

  private Future<Void> audited(ManagerPrincipal m, String action, JsonObject details) {
    return pool.withTransaction(
        conn -> Audit.append(conn, m.actor(), action, "region", m.officeCode(), details));
  }

  // ---- imports

  private void startImport(RoutingContext ctx) {
    Buffer part = filePart(ctx);
    boolean more = more(ctx);
    Responses.reply(
        ctx, fileSize(imports.create(agency(ctx), part, more)).map(AgencyApi::progress), 202);
  }

  private void appendPart(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "import");
    Buffer part = filePart(ctx);
    boolean more = more(ctx);
    Responses.reply(
        ctx, fileSize(imports.append(agency(ctx), id, part, more)).map(AgencyApi::progress), 202);
  }

  private void importProgress(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "import");
    Responses.send(ctx, 200, progress(imports.progress(agency(ctx), id)));
  }

  /** A register file over the import's limit is answered 413, as a body over the limit is. */
  private static <T> Future<T> fileSize(Future<T> upload) {
    return upload.recover(
        e ->
            e instanceof Refusal r && ImportJobs.FILE_TOO_LARGE.equals(r.code())
                ? Future.failedFuture(new HttpRefusal(413, r.code(), r.field(), r.getMessage()))
                : Future.failedFuture(e));
  }

  private static Buffer filePart(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
    if (!FILE_TYPES.contains(base)) {
      throw new HttpRefusal(
          415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type", "Content-Type must be text/csv");
    }
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b == null || b.length() == 0) {
      throw Refusal.invalid("body", "must hold the file (or its next part)");
    }
    return b;
  }

  private static boolean more(RoutingContext ctx) {
    String more = ctx.queryParams().get("more");
    if (more != null && !MORE.matcher(more).matches()) {
      throw Refusal.invalid("more", "must be true or false");
    }
    return "true".equals(more);
  }

  static Buffer progress(ImportJobs.Progress p) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("id", p.id().toString());
          g.writeStringField("region", p.region());
          g.writeStringField("state", p.state().name());
          g.writeNumberField("bytes", p.bytes());
          g.writeNumberField("rowsRead", p.rowsRead());
          g.writeNumberField("rowsValidated", p.rowsValidated());
          g.writeNumberField("rowsWritten", p.rowsWritten());
          g.writeNumberField("rowsUnchanged", p.rowsUnchanged());
          if (p.refusal() != null) {
            g.writeObjectFieldStart("refusal");
            g.writeStringField("code", p.refusal().code());
            g.writeStringField("field", p.refusal().field());
            g.writeStringField("message", p.refusal().getMessage());
            g.writeEndObject();
          }
          g.writeStringField("startedAt", p.startedAt() == null ? null : p.startedAt().toString());
          g.writeStringField(
              "finishedAt", p.finishedAt() == null ? null : p.finishedAt().toString());
          g.writeEndObject();
        });
  }

  private static Buffer versions(List<Enrolment> versions) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("versions");
          for (Enrolment e : versions) {
            enrolment(g, e);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  static void enrolment(JsonGenerator g, Enrolment e) throws IOException {
    g.writeStartObject();
    g.writeStringField("enrolmentId", e.enrolmentId().toString());
    g.writeNumberField("version", e.version());
    g.writeStringField("personIdNo", e.personIdNo());
    g.writeStringField("personName", e.personName());
    g.writeStringField("admdvs", e.admdvs());
    g.writeStringField("scheme", e.scheme().name());
    g.writeStringField("validFrom", e.validFrom().toString());
    g.writeStringField("validTo", e.validTo() == null ? null : e.validTo().toString());
    g.writeNumberField("contributionYear", e.contributionYear());
    g.writeStringField("status", e.status().name());
    g.writeStringField("cardNo", e.cardNo());
    g.writeStringField("cardSn", e.cardSn());
    g.writeStringField("sex", e.sex());
    g.writeStringField("birthDate", e.birthDate() == null ? null : e.birthDate().toString());
    g.writeStringField("employerName", e.employerName());
    g.writeStringField("recordedAt", e.recordedAt().toString());
    g.writeStringField("recordedBy", e.recordedBy());
    g.writeEndObject();
  }
}
