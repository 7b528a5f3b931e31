package org.yizhan.gateway.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yizhan.core.engine.RemainingRoom;
import org.yizhan.core.model.Accumulators;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.security.HospitalAuth.Principal;
import org.yizhan.gateway.security.HospitalGate;
import org.yizhan.gateway.security.HospitalKeys;
import org.yizhan.gateway.service.SettlementService;

/**
 * The hospitals' JSON API under {@code /api/v1}: preview, settle, read, search, reverse, year
 * figures and daily reconciliation. Every route needs a hospital's API key; the hospital is the
 * key's, and a hospital sees only its own settlements (another's is "not found").
 */
public final class HospitalApi {
  static final String PRINCIPAL = HospitalGate.PRINCIPAL;

  /** The largest page of a search. */
  static final int MAX_PAGE_SIZE = 200;

  static final Pattern ASCII_INT = Pattern.compile("-?[0-9]{1,9}");
  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final SettlementService service;
  private final HospitalGate gate;
  private final HospitalKeys keys;
  private final SignatureMode signatures;
  private final Reconciliation reconciliation;
  private final ZoneId zone;
  private final int maxStayDays;

  /** The gateway's clock: the latest birth date an ID number may hold is its today. */
  private final Clock clock;

  public HospitalApi(
      SettlementService service,
      HospitalGate gate,
      HospitalKeys keys,
      SignatureMode signatures,
      ZoneId zone,
      int maxStayDays,
      Clock clock) {
    this.service = service;
    this.gate = gate;
    this.keys = keys;
    this.signatures = signatures;
    this.zone = zone;
    this.maxStayDays = maxStayDays;
    this.clock = clock;
    this.reconciliation = new Reconciliation(service, zone);
  }

  public void mount(Routes routes) {
    routes.router().route("/api/v1/*").handler(this::authenticate);
    routes.add(POST, "/api/v1/settlements/preview", json(this::preview));
    routes.add(POST, "/api/v1/settlements", json(this::settle));
    routes.add(GET, "/api/v1/settlements", this::search);
    routes.add(GET, "/api/v1/settlements/:id", this::find);
    routes.add(POST, "/api/v1/settlements/:id/reversal", this::reverse);
    routes.add(GET, "/api/v1/persons/:idNo/accumulators/:year", this::figures);
    routes.add(GET, "/api/v1/reconciliation/:date", reconciliation::totals);
    routes.add(POST, "/api/v1/reconciliation/:date", json(reconciliation::compare));
    routes.add(GET, "/api/v1/keys", this::keys);
    routes.add(POST, "/api/v1/keys", this::issueKey);
    routes.add(DELETE, "/api/v1/keys/:keyId", this::revokeKey);
  }

  /** Authenticates from the headers, before the body is read (see {@link HospitalGate}). */
  public static void mountGate(Routes routes, HospitalGate gate) {
    routes.router().route("/api/v1/*").handler(gate::authenticate);
  }

  /** After the body is read: a fair slot, then the signature over the body. */
  private void authenticate(RoutingContext ctx) {
    gate.verify(ctx, signatures)
        .onSuccess(
            p -> {
              if (!answered(ctx)) {
                ctx.next();
              }
            })
        .onFailure(ctx::fail);
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** Refuses a body that is not declared JSON (415) before the handler runs. */
  static Handler<RoutingContext> json(Handler<RoutingContext> h) {
    return ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase().startsWith("application/json")) {
        ctx.fail(
            new ApiError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type",
                "Content-Type must be application/json"));
        return;
      }
      h.handle(ctx);
    };
  }

  private void preview(RoutingContext ctx) {
    ClaimParser.Parsed parsed =
        ClaimParser.parse(body(ctx), principal(ctx).hospital(), maxStayDays, clock);
    reply(ctx, service.preview(parsed).map(s -> SettlementJson.settlement(s, zone)), 200);
  }

  private void settle(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiError.invalid("Idempotency-Key", "must be 1–128 visible ASCII characters");
    }
    Principal who = principal(ctx);
    ClaimParser.Parsed parsed = ClaimParser.parse(body(ctx), who.hospital(), maxStayDays, clock);
    service
        .settle(who, parsed, key)
        .onSuccess(
            s -> {
              if (answered(ctx)) {
                return;
              }
              if (s.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              }
              ctx.response().putHeader("Location", "/api/v1/settlements/" + s.settlement().id());
              send(ctx, s.replayed() ? 200 : 201, SettlementJson.settlement(s.settlement(), zone));
            })
        .onFailure(ctx::fail);
  }

  private void find(RoutingContext ctx) {
    UUID id = settlementId(ctx);
    reply(ctx, service.find(principal(ctx), id).map(s -> SettlementJson.settlement(s, zone)), 200);
  }

  private void reverse(RoutingContext ctx) {
    UUID id = settlementId(ctx);
    String reason = null;
    byte[] raw =
        ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    if (raw != null && raw.length > 0) {
      Fields f = Fields.of(Json.parse(raw), "", Set.of("reason"));
      reason = f.text("reason", Pattern.compile("[^\\p{Cntrl}]{1,200}"), "1–200 characters", false);
    }
    reply(
        ctx,
        service.reverse(principal(ctx), id, reason).map(s -> SettlementJson.settlement(s, zone)),
        200);
  }

  private void search(RoutingContext ctx) {
    String claimNo = ctx.queryParams().get("claimNo");
    if (claimNo != null && !ClaimParser.CLAIM_NO.matcher(claimNo).matches()) {
      throw ApiError.invalid("claimNo", "must be 1–64 letters, digits, '.', '_' or '-'");
    }
    LocalDate from = dateParam(ctx, "from");
    LocalDate to = dateParam(ctx, "to");
    if (claimNo == null && (from == null || to == null)) {
      throw ApiError.badRequest(
          "MISSING_FIELD", "from", "give claimNo, or both from and to (yyyy-MM-dd)");
    }
    if (from != null && to != null && (to.isBefore(from) || from.plusDays(366).isBefore(to))) {
      throw ApiError.invalid("to", "must be on or after from and at most 366 days later");
    }
    int page = intParam(ctx, "page", 1, 1, 100_000);
    int size = intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
    reply(
        ctx,
        service
            .search(principal(ctx), claimNo, from, to, page, size)
            .map(
                p ->
                    SettlementJson.page(
                        p.page(),
                        p.size(),
                        p.total(),
                        p.items(),
                        (g, r) -> SettlementJson.write(g, r, zone))),
        200);
  }

  private void figures(RoutingContext ctx) {
    String idNo = Fields.idNumber("idNo", ctx.pathParam("idNo"), clock).value();
    int year = parseInt(ctx.pathParam("year"), "year", 2000, 2100);
    reply(
        ctx,
        service
            .figures(principal(ctx), idNo, year)
            .map(f -> SettlementJson.render(g -> figures(g, year, f))),
        200);
  }

  private static void figures(JsonGenerator g, int year, SettlementService.YearFigures f)
      throws IOException {
    Accumulators a = f.accumulators();
    g.writeStartObject();
    g.writeNumberField("year", year);
    g.writeStringField("asOf", f.asOf().toString());
    g.writeStringField("policyId", f.policy().map(p -> p.id().toString()).orElse(null));
    SettlementJson.money(g, "basicPaid", a.basicPaidFen());
    SettlementJson.money(g, "deductiblePaid", a.deductiblePaidFen());
    g.writeObjectFieldStart("admissions");
    g.writeNumberField("level1", a.admissionsLevel1());
    g.writeNumberField("level2", a.admissionsLevel2());
    g.writeNumberField("level3", a.admissionsLevel3());
    g.writeEndObject();
    SettlementJson.money(g, "criticalIllnessBase", a.ciBaseFen());
    SettlementJson.money(g, "criticalIllnessPaid", a.ciPaidFen());
    SettlementJson.money(g, "assistanceBase", a.maBaseFen());
    SettlementJson.money(g, "assistancePaid", a.maPaidFen());
    g.writeObjectFieldStart("remainingRoom");
    if (f.policy().isPresent()) {
      RemainingRoom room = RemainingRoom.of(f.policy().get(), f.identities(), f.asOf(), a);
      SettlementJson.money(g, "basic", room.basicFen());
      if (room.criticalIllnessFen() == null) {
        g.writeNullField("criticalIllness");
      } else {
        SettlementJson.money(g, "criticalIllness", room.criticalIllnessFen());
      }
      g.writeObjectFieldStart("assistance");
      for (RemainingRoom.AssistanceRoom r : room.assistance()) {
        if (r.roomFen() == null) {
          g.writeNullField(r.identity().name());
        } else {
          SettlementJson.money(g, r.identity().name(), r.roomFen());
        }
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static byte[] body(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    return b == null ? null : b.getBytes();
  }

  static UUID settlementId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      if (id.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("settlement");
    }
  }

  static LocalDate dateParam(RoutingContext ctx, String name) {
    List<String> all = ctx.queryParam(name);
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() > 1) {
      throw ApiError.invalid(name, "must be given once");
    }
    return parseDate(all.get(0), name);
  }

  static LocalDate parseDate(String s, String name) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiError.invalid(name, "must be a date like 2018-03-20");
    }
  }

  static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String s = ctx.queryParams().get(name);
    return s == null ? fallback : parseInt(s, name, min, max);
  }

  static int parseInt(String s, String name, int min, int max) {
    try {
      // ASCII digits only: Integer.parseInt also reads full-width and other scripts' digits.
      if (!ASCII_INT.matcher(s).matches()) {
        throw new NumberFormatException();
      }
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.invalid(name, "must be a whole number from " + min + " to " + max);
    }
  }

  // ---- key rotation

  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private void keys(RoutingContext ctx) {
    Principal who = principal(ctx);
    reply(
        ctx,
        keys.list(who)
            .map(
                list ->
                    SettlementJson.render(
                        g -> {
                          g.writeStartObject();
                          g.writeArrayFieldStart("keys");
                          for (HospitalKeys.KeyInfo k : list) {
                            keyInfo(g, k, who);
                          }
                          g.writeEndArray();
                          g.writeEndObject();
                        })),
        200);
  }

  private void issueKey(RoutingContext ctx) {
    Principal who = principal(ctx);
    reply(
        ctx,
        keys.issue(who)
            .map(
                k ->
                    SettlementJson.render(
                        g -> {
                          g.writeStartObject();
                          g.writeStringField("keyId", k.keyId());
                          g.writeStringField("apiKey", k.apiKey());
                          g.writeStringField("validFrom", k.validFrom().toString());
                          g.writeEndObject();
                        })),
        201);
  }

  private void revokeKey(RoutingContext ctx) {
    String keyId = ctx.pathParam("keyId");
    if (!KEY_ID.matcher(keyId).matches()) {
      throw ApiError.invalid("keyId", "must be 1–64 of [A-Za-z0-9._-]");
    }
    Principal who = principal(ctx);
    reply(
        ctx,
        keys.revoke(who, keyId)
            .map(
                k ->
                    SettlementJson.render(
                        g -> {
                          keyInfo(g, k, who);
                        })),
        200);
  }

  private static void keyInfo(JsonGenerator g, HospitalKeys.KeyInfo k, Principal who)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("keyId", k.keyId());
    g.writeStringField("validFrom", k.validFrom().toString());
    g.writeStringField("validTo", k.validTo() == null ? null : k.validTo().toString());
    g.writeBooleanField("valid", k.valid());
    g.writeBooleanField("inUse", k.keyId().equals(who.keyId()));
    g.writeEndObject();
  }

  static void reply(RoutingContext ctx, Future<Buffer> body, int status) {
    body.onSuccess(b -> send(ctx, status, b)).onFailure(ctx::fail);
  }

  /**
   * Whether the response is already out (the request timed out and was answered 503) or the client
   * is gone: a late outcome must then not touch the response, whose head is sent.
   */
  static boolean answered(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten();
  }

  static void send(RoutingContext ctx, int status, Buffer body) {
    if (answered(ctx)) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body);
  }
}
