package org.yizhan.gateway.hospital;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yizhan.core.engine.RemainingRoom;
import org.yizhan.core.model.Accumulators;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.hospital.SettlementJson.Detail;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.HospitalAuth.Principal;
import org.yizhan.gateway.security.HospitalKeys;
import org.yizhan.gateway.settlement.ClaimInput;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.web.HospitalGate;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The hospitals' JSON API under {@code /api/v1}: preview, settle, read, search, reverse, year
 * figures and daily reconciliation. Every route needs a hospital's API key; the hospital is the
 * key's, and a hospital sees only its own settlements (another's is "not found").
 */
public final class HospitalApi {
  static final String PRINCIPAL = HospitalGate.PRINCIPAL;

  /** The largest page of a search. */
  static final int MAX_PAGE_SIZE = 200;

  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

  /** A reversal's body: its one field, and the shape of its reason. */
  static final Set<String> REVERSAL_FIELDS = Set.of("reason");

  static final Pattern REASON = Pattern.compile("[^\\p{Cntrl}]{1,200}");

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
    routes.add(POST, "/api/v1/settlements/preview", Requests.json(this::preview));
    routes.add(POST, "/api/v1/settlements", Requests.json(this::settle));
    routes.add(GET, "/api/v1/settlements", this::search);
    routes.add(GET, "/api/v1/settlements/:id", this::find);
    routes.add(POST, "/api/v1/settlements/:id/reversal", this::reverse);
    routes.add(GET, "/api/v1/persons/:idNo/accumulators/:year", this::figures);
    routes.add(GET, "/api/v1/reconciliation/:date", reconciliation::totals);
    routes.add(POST, "/api/v1/reconciliation/:date", Requests.json(reconciliation::compare));
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
              if (!Responses.answered(ctx)) {
                ctx.next();
              }
            })
        .onFailure(ctx::fail);
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /**
   * The shape of a settlement answer the client asked for: the lean answer, or with the per-line
   * classification when it asks {@code ?detail=lines} or sends {@code Prefer:
   * return=representation} (RFC 7240; answered with {@code Preference-Applied}). Any other {@code
   * detail} is refused, so a misspelt one is not silently ignored.
   */
  static Detail detail(RoutingContext ctx) {
    if (ctx.request().query() != null) {
      List<String> asked = ctx.queryParam("detail");
      if (asked.size() > 1) {
        throw Refusal.invalid("detail", "must be given once");
      }
      if (asked.size() == 1) {
        if (!asked.get(0).equals("lines")) {
          throw Refusal.invalid("detail", "must be lines");
        }
        return Detail.LINES;
      }
    }
    String prefer = ctx.request().getHeader(PREFER);
    if (prefer != null && prefersRepresentation(prefer)) {
      ctx.response().putHeader(PREFERENCE_APPLIED, RETURN_REPRESENTATION);
      return Detail.LINES;
    }
    return Detail.LEAN;
  }

  static final CharSequence PREFER = HttpHeaders.createOptimized("Prefer");
  static final CharSequence PREFERENCE_APPLIED = HttpHeaders.createOptimized("Preference-Applied");
  static final CharSequence RETURN_REPRESENTATION =
      HttpHeaders.createOptimized("return=representation");
  static final CharSequence LOCATION = HttpHeaders.createOptimized("Location");
  static final CharSequence IDEMPOTENT_REPLAYED =
      HttpHeaders.createOptimized("Idempotent-Replayed");
  static final CharSequence TRUE = HttpHeaders.createOptimized("true");

  /**
   * Whether a {@code Prefer} header holds {@code return=representation}: preferences separated by
   * commas, each with optional parameters after a semicolon, names case-insensitive (RFC 7240).
   */
  static boolean prefersRepresentation(String prefer) {
    for (String preference : prefer.split(",", 16)) {
      int semicolon = preference.indexOf(';');
      String token = (semicolon < 0 ? preference : preference.substring(0, semicolon)).strip();
      int eq = token.indexOf('=');
      if (eq > 0
          && token.substring(0, eq).strip().equalsIgnoreCase("return")
          && unquote(token.substring(eq + 1).strip()).equalsIgnoreCase("representation")) {
        return true;
      }
    }
    return false;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }

  private void preview(RoutingContext ctx) {
    Detail detail = detail(ctx);
    ClaimInput parsed =
        ClaimParser.parse(
            Requests.body(ctx),
            HospitalGate.bodySha256(ctx),
            principal(ctx).hospital(),
            maxStayDays,
            clock);
    Responses.reply(
        ctx, service.preview(parsed).map(s -> SettlementJson.settlement(s, zone, detail)), 200);
  }

  private void settle(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw Refusal.invalid("Idempotency-Key", "must be 1–128 visible ASCII characters");
    }
    Principal who = principal(ctx);
    Detail detail = detail(ctx);
    ClaimInput parsed =
        ClaimParser.parse(
            Requests.body(ctx), HospitalGate.bodySha256(ctx), who.hospital(), maxStayDays, clock);
    service
        .settle(who, parsed, key)
        .onSuccess(
            s -> {
              if (Responses.answered(ctx)) {
                return;
              }
              if (s.replayed()) {
                ctx.response().putHeader(IDEMPOTENT_REPLAYED, TRUE);
              }
              ctx.response().putHeader(LOCATION, "/api/v1/settlements/" + s.settlement().id());
              Responses.send(
                  ctx,
                  s.replayed() ? 200 : 201,
                  SettlementJson.settlement(s.settlement(), zone, detail));
            })
        .onFailure(ctx::fail);
  }

  private void find(RoutingContext ctx) {
    UUID id = settlementId(ctx);
    Detail detail = detail(ctx);
    Responses.reply(
        ctx,
        service.find(principal(ctx), id).map(s -> SettlementJson.settlement(s, zone, detail)),
        200);
  }

  private void reverse(RoutingContext ctx) {
    UUID id = settlementId(ctx);
    Detail detail = detail(ctx);
    String reason = null;
    byte[] raw =
        ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    if (raw != null && raw.length > 0) {
      Fields f = Fields.of(Json.parse(raw), "", REVERSAL_FIELDS);
      reason = f.text("reason", REASON, "1–200 characters", false);
    }
    Responses.reply(
        ctx,
        service
            .reverse(principal(ctx), id, reason)
            .map(s -> SettlementJson.settlement(s, zone, detail)),
        200);
  }

  private void search(RoutingContext ctx) {
    String claimNo = ctx.queryParams().get("claimNo");
    if (claimNo != null && !ClaimParser.CLAIM_NO.matcher(claimNo).matches()) {
      throw Refusal.invalid("claimNo", "must be 1–64 letters, digits, '.', '_' or '-'");
    }
    LocalDate from = Requests.dateParam(ctx, "from");
    LocalDate to = Requests.dateParam(ctx, "to");
    if (claimNo == null && (from == null || to == null)) {
      throw Refusal.badInput(
          "MISSING_FIELD", "from", "give claimNo, or both from and to (yyyy-MM-dd)");
    }
    if (from != null && to != null && (to.isBefore(from) || from.plusDays(366).isBefore(to))) {
      throw Refusal.invalid("to", "must be on or after from and at most 366 days later");
    }
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
    Responses.reply(
        ctx,
        service
            .search(principal(ctx), claimNo, from, to, page, size)
            .map(
                p ->
                    JsonWriter.page(
                        p.page(),
                        p.size(),
                        p.total(),
                        p.items(),
                        (g, r) -> SettlementJson.write(g, r, zone, Detail.LEAN))),
        200);
  }

  private void figures(RoutingContext ctx) {
    String idNo = Fields.idNumber("idNo", ctx.pathParam("idNo"), clock).value();
    int year = Requests.parseInt(ctx.pathParam("year"), "year", 2000, 2100);
    Responses.reply(
        ctx,
        service
            .figures(principal(ctx), idNo, year)
            .map(f -> JsonWriter.render(g -> figures(g, year, f))),
        200);
  }

  private static void figures(JsonGenerator g, int year, SettlementService.YearFigures f)
      throws IOException {
    Accumulators a = f.accumulators();
    g.writeStartObject();
    g.writeNumberField("year", year);
    g.writeStringField("asOf", f.asOf().toString());
    g.writeStringField("policyId", f.policy().map(p -> p.id().toString()).orElse(null));
    JsonWriter.money(g, "basicPaid", a.basicPaidFen());
    JsonWriter.money(g, "deductiblePaid", a.deductiblePaidFen());
    g.writeObjectFieldStart("admissions");
    g.writeNumberField("level1", a.admissionsLevel1());
    g.writeNumberField("level2", a.admissionsLevel2());
    g.writeNumberField("level3", a.admissionsLevel3());
    g.writeEndObject();
    JsonWriter.money(g, "criticalIllnessBase", a.ciBaseFen());
    JsonWriter.money(g, "criticalIllnessPaid", a.ciPaidFen());
    JsonWriter.money(g, "assistanceBase", a.maBaseFen());
    JsonWriter.money(g, "assistancePaid", a.maPaidFen());
    g.writeObjectFieldStart("remainingRoom");
    if (f.policy().isPresent()) {
      RemainingRoom room = RemainingRoom.of(f.policy().get(), f.identities(), f.asOf(), a);
      JsonWriter.money(g, "basic", room.basicFen());
      if (room.criticalIllnessFen() == null) {
        g.writeNullField("criticalIllness");
      } else {
        JsonWriter.money(g, "criticalIllness", room.criticalIllnessFen());
      }
      g.writeObjectFieldStart("assistance");
      for (RemainingRoom.AssistanceRoom r : room.assistance()) {
        if (r.roomFen() == null) {
          g.writeNullField(r.identity().name());
        } else {
          JsonWriter.money(g, r.identity().name(), r.roomFen());
        }
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static UUID settlementId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      if (id.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw Refusal.notFound("settlement");
    }
  }

  // ---- key rotation

  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private void keys(RoutingContext ctx) {
    Principal who = principal(ctx);
    Responses.reply(
        ctx,
        keys.list(who)
            .map(
                list ->
                    JsonWriter.render(
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
    Responses.reply(
        ctx,
        keys.issue(who)
            .map(
                k ->
                    JsonWriter.render(
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
      throw Refusal.invalid("keyId", "must be 1–64 of [A-Za-z0-9._-]");
    }
    Principal who = principal(ctx);
    Responses.reply(
        ctx,
        keys.revoke(who, keyId)
            .map(
                k ->
                    JsonWriter.render(
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
}
