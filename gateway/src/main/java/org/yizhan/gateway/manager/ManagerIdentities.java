package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.identity.IdentityRoster;
import org.yizhan.gateway.identity.IdentityService;
import org.yizhan.gateway.identity.IdentityVersion;
import org.yizhan.gateway.identity.RosterFile;
import org.yizhan.gateway.identity.RosterImports;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.settlement.ClaimInput;
import org.yizhan.gateway.web.HttpRefusal;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The managers' identities (身份确认) of their office: list and search, register one, change, confirm
 * or end one, its history, and the roster as a file, imported (CSV or .xlsx) and exported (CSV).
 * Every change is a new version; another office's identity is "not found".
 */
final class ManagerIdentities {
  static final Pattern CATEGORY =
      Pattern.compile("DESTITUTE|SUBSISTENCE|REGISTERED_POOR|ILLNESS_POOR");

  private final IdentityService identities;
  private final RosterImports imports;
  private final IdentityRoster roster;
  private final DbGuard guard;
  private final ZoneId zone;

  /** The gateway's clock: the latest birth date an ID number may hold is its today. */
  private final Clock clock;

  ManagerIdentities(
      IdentityService identities, RosterImports imports, DbGuard guard, ZoneId zone, Clock clock) {
    this.identities = identities;
    this.imports = imports;
    this.roster = new IdentityRoster(identities);
    this.guard = guard;
    this.zone = zone;
    this.clock = clock;
  }

  void mount(Routes routes) {
    routes.add(GET, "/manager/api/identities", this::listIdentities);
    routes.add(POST, "/manager/api/identities", Requests.json(this::register));
    routes.add(GET, "/manager/api/identities/export", this::exportRoster);
    routes.add(POST, "/manager/api/identities/import", this::importRoster);
    routes.add(POST, "/manager/api/identities/imports", Requests.json(this::createImport));
    routes.add(GET, "/manager/api/identities/imports/:id", this::importStatus);
    routes.add(PUT, "/manager/api/identities/imports/:id/parts/:seq", this::importPart);
    routes.add(POST, "/manager/api/identities/imports/:id/check", this::checkImport);
    routes.add(POST, "/manager/api/identities/imports/:id/confirm", this::confirmImport);
    routes.add(POST, "/manager/api/identities/imports/:id/cancel", this::cancelImport);
    routes.add(GET, "/manager/api/identities/:id/history", this::history);
    routes.add(PUT, "/manager/api/identities/:id", Requests.json(this::change));
    routes.add(POST, "/manager/api/identities/:id/confirm", this::confirm);
    routes.add(POST, "/manager/api/identities/:id/end", Requests.json(this::end));
  }

  private void listIdentities(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    if (q != null && (q.isBlank() || q.length() > 64)) {
      throw Refusal.invalid("q", "must be 1–64 characters");
    }
    if (q != null && !Json.wellFormed(q)) {
      // NUL or a lone surrogate: PostgreSQL would refuse the text (22021) with a 500
      throw Refusal.invalidText("q");
    }
    String c = ctx.queryParams().get("category");
    if (c != null && !CATEGORY.matcher(c).matches()) {
      throw Refusal.invalid("category", "must be one of " + CATEGORY.pattern().replace('|', ','));
    }
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, 500);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            identities
                .list(
                    ManagerApi.manager(ctx),
                    q,
                    c == null ? null : IdentityCategory.valueOf(c),
                    page,
                    size)
                .map(
                    p ->
                        JsonWriter.page(p.page(), p.size(), p.total(), p.items(), this::identity)));
  }

  static final Set<String> IDENTITY_FIELDS =
      Set.of(
          "personIdNo",
          "personName",
          "category",
          "validFrom",
          "validTo",
          "confirmed",
          "liftedOutDate");

  private void register(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", IDENTITY_FIELDS);
    IdentityService.Draft d =
        new IdentityService.Draft(
            f.idNumber("personIdNo", clock).value(),
            f.text("personName", ClaimInput.PERSON_NAME, "1–64 printable characters", false),
            IdentityCategory.valueOf(
                f.text(
                    "category",
                    CATEGORY,
                    "DESTITUTE, SUBSISTENCE, REGISTERED_POOR or ILLNESS_POOR",
                    true)),
            f.date("validFrom"),
            optionalDate(f, "validTo"),
            bool(f, "confirmed", false),
            optionalDate(f, "liftedOutDate"));
    replyIdentity(ctx, () -> identities.register(ManagerApi.manager(ctx), d), 201);
  }

  private void change(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "identity");
    Fields f =
        Fields.of(
            Json.parse(Requests.body(ctx)),
            "",
            Set.of("personName", "validFrom", "validTo", "confirmed", "liftedOutDate"));
    String name = f.text("personName", ClaimInput.PERSON_NAME, "1–64 printable characters", false);
    LocalDate from = f.raw("validFrom") == null ? null : f.date("validFrom");
    boolean hasTo = f.raw("validTo") != null;
    LocalDate to = optionalDate(f, "validTo");
    Boolean confirmed = f.raw("confirmed") == null ? null : bool(f, "confirmed", false);
    boolean hasLifted = f.raw("liftedOutDate") != null;
    LocalDate lifted = optionalDate(f, "liftedOutDate");
    replyIdentity(
        ctx,
        () ->
            identities.change(
                ManagerApi.manager(ctx),
                id,
                d ->
                    new IdentityService.Draft(
                        d.personIdNo(),
                        name == null ? d.personName() : name,
                        d.category(),
                        from == null ? d.validFrom() : from,
                        hasTo ? to : d.validTo(),
                        confirmed == null ? d.confirmed() : confirmed,
                        hasLifted ? lifted : d.liftedOutDate()),
                "IDENTITY_CHANGE"),
        200);
  }

  private void confirm(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "identity");
    replyIdentity(
        ctx,
        () ->
            identities.change(
                ManagerApi.manager(ctx),
                id,
                IdentityService.Draft::asConfirmed,
                "IDENTITY_CONFIRM"),
        200);
  }

  private void end(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "identity");
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("validTo"));
    LocalDate to = f.date("validTo");
    replyIdentity(
        ctx,
        () -> identities.change(ManagerApi.manager(ctx), id, d -> d.endingOn(to), "IDENTITY_END"),
        200);
  }

  private void history(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "identity");
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            identities
                .history(ManagerApi.manager(ctx), id)
                .compose(
                    vs ->
                        vs.isEmpty()
                            ? Future.failedFuture(Refusal.notFound("identity " + id))
                            : Future.succeededFuture(vs))
                .map(
                    vs ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartArray();
                              for (IdentityVersion v : vs) {
                                identity(g, v);
                              }
                              g.writeEndArray();
                            })));
  }

  /** The Content-Types a roster upload may carry; the body's first bytes decide CSV or .xlsx. */
  static final Set<String> ROSTER_TYPES =
      Set.of(
          "text/csv",
          "text/plain",
          "application/vnd.ms-excel",
          RosterFile.XLSX_TYPE,
          "application/octet-stream");

  private void importRoster(RoutingContext ctx) {
    String type = rosterType(ctx);
    byte[] body = Requests.body(ctx);
    if (body.length > 0) {
      RosterFile.format(body, type);
    }
    ManagerPrincipal m = ManagerApi.manager(ctx);
    Responses.reply(
        ctx,
        guard
            .call(() -> imports.importWhole(m, body, type))
            .map(
                r ->
                    JsonWriter.render(
                        g -> {
                          g.writeStartObject();
                          g.writeNumberField("rows", r.rows());
                          g.writeNumberField("registered", r.registered());
                          g.writeNumberField("changed", r.changed());
                          g.writeNumberField("ended", r.ended());
                          g.writeNumberField("unchanged", r.unchanged());
                          g.writeStringField("importId", r.id().toString());
                          g.writeEndObject();
                        })),
        200);
  }

  /** The upload's Content-Type, refused (415) unless a roster file's. */
  private static String rosterType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
    if (!ROSTER_TYPES.contains(base)) {
      throw new HttpRefusal(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Content-Type",
          "Content-Type must be text/csv or " + RosterFile.XLSX_TYPE);
    }
    return type;
  }

  // ---- imports as jobs: create, parts, check, poll, confirm or cancel (RosterImports)

  private void createImport(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("bytes", "contentType"));
    var bytes = f.raw("bytes");
    if (bytes == null || !bytes.canConvertToExactIntegral() || !bytes.canConvertToLong()) {
      throw Refusal.invalid("bytes", "must be the file's size in bytes");
    }
    var type = f.raw("contentType");
    String contentType = type == null || type.isNull() ? null : type.asText();
    if (contentType != null && (contentType.length() > 128 || !Json.wellFormed(contentType))) {
      throw Refusal.invalid("contentType", "must be at most 128 characters");
    }
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.create(m, bytes.longValue(), contentType), 201);
  }

  private void importStatus(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "roster import");
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.status(m, id), 200);
  }

  private void importPart(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "roster import");
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.trim().toLowerCase().startsWith("application/octet-stream")) {
      throw new HttpRefusal(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Content-Type",
          "Content-Type of a part must be application/octet-stream");
    }
    int seq = Requests.parseInt(ctx.pathParam("seq"), "seq", 0, 1_000_000);
    byte[] part = Requests.body(ctx);
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.part(m, id, seq, part), 200);
  }

  private void checkImport(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "roster import");
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.check(m, id), 202);
  }

  private void confirmImport(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "roster import");
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.confirm(m, id), 202);
  }

  private void cancelImport(RoutingContext ctx) {
    UUID id = ManagerApi.uuid(ctx, "roster import");
    ManagerPrincipal m = ManagerApi.manager(ctx);
    replyImport(ctx, () -> imports.cancel(m, id), 200);
  }

  private void replyImport(
      RoutingContext ctx, Supplier<Future<RosterImports.Status>> step, int status) {
    guard
        .call(step)
        .onSuccess(s -> Responses.send(ctx, status, JsonWriter.render(g -> importJson(g, s))))
        .onFailure(ctx::fail);
  }

  private void importJson(JsonGenerator g, RosterImports.Status s) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", s.id().toString());
    g.writeStringField("state", s.state().name());
    g.writeBooleanField("interrupted", s.interrupted());
    g.writeNumberField("bytes", s.declaredBytes());
    g.writeNumberField("receivedBytes", s.receivedBytes());
    g.writeNumberField("done", s.done());
    g.writeNumberField("total", s.total());
    g.writeNumberField("rows", s.rows());
    g.writeNumberField("registered", s.registered());
    g.writeNumberField("changed", s.changed());
    g.writeNumberField("ended", s.ended());
    g.writeNumberField("unchanged", s.unchanged());
    g.writeNumberField("refusedLines", s.refusedLines());
    g.writeArrayFieldStart("refused");
    for (RosterImports.RefusedLine l : s.refused()) {
      g.writeStartObject();
      g.writeNumberField("line", l.line());
      g.writeStringField("code", l.code());
      g.writeStringField("field", l.field());
      g.writeStringField("message", l.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (s.failure() == null) {
      g.writeNullField("failure");
    } else {
      g.writeObjectFieldStart("failure");
      g.writeStringField("code", s.failure().code());
      g.writeStringField("field", s.failure().field());
      g.writeStringField("message", s.failure().message());
      g.writeEndObject();
    }
    g.writeStringField("createdAt", JsonWriter.time(s.createdAt().toInstant(), zone));
    g.writeStringField(
        "expiresAt",
        s.expiresAt() == null ? null : JsonWriter.time(s.expiresAt().toInstant(), zone));
    g.writeEndObject();
  }

  /**
   * The roster as CSV, streamed from a cursor (a county's roster is hundreds of thousands of rows:
   * never held whole). A failure after the first bytes went out can only cut the download short.
   */
  private void exportRoster(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    HttpServerResponse response = ctx.response();
    guard
        .call(
            () -> {
              response
                  .setChunked(true)
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"roster-" + m.officeCode() + ".csv\"");
              return roster.export(m, "\uFEFF" + IdentityRoster.EXPORT_HEADER, response);
            })
        .onSuccess(
            v -> {
              if (!response.ended() && !response.closed()) {
                response.end();
              }
            })
        .onFailure(
            e -> {
              if (response.headWritten()) {
                response.reset();
              } else {
                ctx.fail(e);
              }
            });
  }

  private void replyIdentity(
      RoutingContext ctx, Supplier<Future<IdentityVersion>> change, int status) {
    guard
        .call(change)
        .onSuccess(x -> Responses.send(ctx, status, JsonWriter.render(g -> identity(g, x))))
        .onFailure(ctx::fail);
  }

  private void identity(JsonGenerator g, IdentityVersion v) throws IOException {
    g.writeStartObject();
    g.writeStringField("identityId", v.identityId().toString());
    g.writeNumberField("version", v.version());
    g.writeStringField("personIdNo", v.personIdNo());
    g.writeStringField("personName", v.personName());
    g.writeStringField("officeCode", v.officeCode());
    g.writeStringField("category", v.category().name());
    g.writeStringField("categoryName", v.category().chineseName());
    g.writeStringField("validFrom", v.validFrom().toString());
    g.writeStringField("validTo", v.validTo() == null ? null : v.validTo().toString());
    g.writeBooleanField("confirmed", v.confirmed());
    g.writeStringField(
        "liftedOutDate", v.liftedOutDate() == null ? null : v.liftedOutDate().toString());
    g.writeStringField("recordedAt", JsonWriter.time(v.recordedAt(), zone));
    g.writeStringField("recordedBy", v.recordedBy());
    g.writeStringField("supersededAt", JsonWriter.time(v.supersededAt(), zone));
    g.writeEndObject();
  }

  private static LocalDate optionalDate(Fields f, String name) {
    return f.raw(name) == null ? null : f.date(name);
  }

  private static boolean bool(Fields f, String name, boolean fallback) {
    var v = f.raw(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw Refusal.invalid(name, "must be true or false");
    }
    return v.booleanValue();
  }
}
