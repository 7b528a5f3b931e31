package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Ratio;
import org.yizhan.gateway.config.CatalogueFiles.Problem;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.policy.CatalogueService;
import org.yizhan.gateway.policy.CatalogueVersion;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The insurance catalogue's versions under {@code /agency/api/catalogues} (issue 19,
 * docs/policies.md "The catalogue"): list, read, export, diff, draft (the CSV as the body, the
 * version's days, 文号 and reason as query parameters), approve, reject, withdraw, and which version
 * this instance's book prices by on a day. Behind the agency's gate ({@link AgencyApi#mountGate}):
 * every agency reads; only staff of the catalogue's scope draft and review. A draft with problems
 * is answered 422 {@code CATALOGUE_INVALID} with every problem in {@code errors}, each with its
 * line and column.
 */
public final class CatalogueApi {
  static final String CATALOGUE_INVALID = "CATALOGUE_INVALID";

  /** The most changes a diff lists per kind (the counts are always whole). */
  static final int DIFF_LISTED_MAX = 2_000;

  private final CatalogueService catalogues;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;

  public CatalogueApi(CatalogueService catalogues, DbGuard guard, Clock clock, ZoneId zone) {
    this.catalogues = catalogues;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(Routes routes) {
    routes.add(GET, "/agency/api/catalogues", this::list);
    routes.add(POST, "/agency/api/catalogues", this::draft);
    routes.add(GET, "/agency/api/catalogues/in-force", this::inForce);
    routes.add(GET, "/agency/api/catalogues/:id", this::find);
    routes.add(GET, "/agency/api/catalogues/:id/document", this::document);
    routes.add(GET, "/agency/api/catalogues/:id/diff", this::diff);
    routes.add(POST, "/agency/api/catalogues/:id/approve", Requests.json(this::approve));
    routes.add(POST, "/agency/api/catalogues/:id/reject", Requests.json(this::reject));
    routes.add(POST, "/agency/api/catalogues/:id/withdraw", this::withdraw);
  }

  private void list(RoutingContext ctx) {
    AgencyApi.agency(ctx);
    VersionAnswers.list(ctx, guard.call(catalogues::list), CatalogueApi::version);
  }

  private void find(RoutingContext ctx) {
    long id = id(ctx);
    AgencyApi.agency(ctx);
    Responses.reply(
        ctx,
        guard.call(() -> catalogues.find(id)).map(v -> JsonWriter.render(g -> version(g, v))),
        200);
  }

  /** The version's CSV as uploaded (export): UTF-8, or GBK with {@code ?charset=GBK}. */
  private void document(RoutingContext ctx) {
    long id = id(ctx);
    AgencyApi.agency(ctx);
    String asked = ctx.queryParams().get("charset");
    Charset charset;
    if (asked == null || asked.equalsIgnoreCase("UTF-8")) {
      charset = StandardCharsets.UTF_8;
    } else if (asked.equalsIgnoreCase("GBK") || asked.equalsIgnoreCase("GB18030")) {
      charset = Charset.forName("GB18030");
    } else {
      throw Refusal.invalid("charset", "must be UTF-8 or GBK");
    }
    VersionAnswers.download(
        ctx,
        guard
            .call(() -> catalogues.document(id))
            .map(text -> Buffer.buffer(text.getBytes(charset))),
        "text/csv; charset=" + charset.name(),
        "catalogue-" + id + ".csv");
  }

  private void diff(RoutingContext ctx) {
    long id = id(ctx);
    AgencyApi.agency(ctx);
    String against = ctx.queryParams().get("against");
    Long other = against == null ? null : parseId(against, "against");
    Responses.reply(
        ctx, guard.call(() -> catalogues.diff(id, other)).map(CatalogueApi::diffJson), 200);
  }

  /**
   * The CSV is the body (UTF-8 or GBK, as saved); the rest are query parameters: {@code validFrom},
   * {@code validTo} (optional: open until succeeded), {@code documentNo}, {@code reason}.
   */
  private void draft(RoutingContext ctx) {
    byte[] csv = Requests.body(ctx);
    if (csv == null || csv.length == 0) {
      throw Refusal.missing("csv");
    }
    LocalDate from = Requests.dateParam(ctx, "validFrom");
    LocalDate to = Requests.dateParam(ctx, "validTo");
    CatalogueService.Draft d =
        new CatalogueService.Draft(
            csv, from, to, ctx.queryParams().get("documentNo"), ctx.queryParams().get("reason"));
    answer(ctx, guard.call(() -> catalogues.draft(AgencyApi.agency(ctx), d)), 201);
  }

  private void approve(RoutingContext ctx) {
    long id = id(ctx);
    String note = note(ctx, false);
    answer(ctx, guard.call(() -> catalogues.approve(AgencyApi.agency(ctx), id, note)), 200);
  }

  private void reject(RoutingContext ctx) {
    long id = id(ctx);
    String note = note(ctx, true);
    answer(
        ctx,
        guard
            .call(() -> catalogues.reject(AgencyApi.agency(ctx), id, note))
            .map(CatalogueService.Saved::new),
        200);
  }

  private void withdraw(RoutingContext ctx) {
    long id = id(ctx);
    answer(
        ctx,
        guard
            .call(() -> catalogues.withdraw(AgencyApi.agency(ctx), id))
            .map(CatalogueService.Saved::new),
        200);
  }

  /** The version this instance prices by on {@code date} (default today). */
  private void inForce(RoutingContext ctx) {
    AgencyApi.agency(ctx);
    LocalDate date = Requests.dateParam(ctx, "date");
    LocalDate day = date == null ? LocalDate.ofInstant(clock.instant(), zone) : date;
    Optional<Long> version = catalogues.inForce(day);
    Responses.send(
        ctx,
        200,
        JsonWriter.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("date", day.toString());
              if (version.isPresent()) {
                g.writeNumberField("version", version.get());
              } else {
                g.writeNullField("version");
              }
              g.writeEndObject();
            }));
  }

  private static String note(RoutingContext ctx, boolean required) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", PolicyApi.NOTE_FIELDS);
    return f.text("note", PolicyApi.NOTE, "1–1000 characters", required);
  }

  private static long id(RoutingContext ctx) {
    return parseId(ctx.pathParam("id"), "id");
  }

  private static long parseId(String text, String field) {
    if (text == null || !PolicyApi.ID.matcher(text).matches()) {
      throw Refusal.invalid(field, "must be a catalogue version number");
    }
    return Long.parseLong(text);
  }

  /** A status and its body. */
  private record Answer(int status, Buffer body) {}

  /** The version as JSON, or a draft's problems as 422 with every one listed. */
  private static void answer(
      RoutingContext ctx, Future<CatalogueService.Outcome> outcome, int status) {
    outcome
        .map(
            o ->
                o instanceof CatalogueService.Saved saved
                    ? new Answer(status, JsonWriter.render(g -> version(g, saved.version())))
                    : new Answer(422, problems(((CatalogueService.Invalid) o).problems())))
        .onSuccess(a -> Responses.send(ctx, a.status(), a.body()))
        .onFailure(ctx::fail);
  }

  static Buffer problems(List<Problem> problems) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("code", CATALOGUE_INVALID);
          g.writeStringField(
              "message",
              "目录版本有 "
                  + problems.size()
                  + " 处错误，逐条列于 errors（行号 line、列 field）；the catalogue version has "
                  + problems.size()
                  + " problem(s)");
          g.writeStringField("field", problems.get(0).field());
          g.writeArrayFieldStart("errors");
          for (Problem p : problems) {
            g.writeStartObject();
            if (p.line() > 0) {
              g.writeNumberField("line", p.line());
            }
            g.writeStringField("field", p.field());
            g.writeStringField("message", p.message());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static Buffer diffJson(CatalogueService.Diff d) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeNumberField("version", d.version());
          if (d.against() == null) {
            g.writeNullField("against");
          } else {
            g.writeNumberField("against", d.against());
          }
          g.writeNumberField("addedCount", d.added().size());
          g.writeNumberField("removedCount", d.removed().size());
          g.writeNumberField("changedCount", d.changed().size());
          entries(g, "added", d.added());
          entries(g, "removed", d.removed());
          g.writeArrayFieldStart("changed");
          for (CatalogueService.Change c :
              d.changed().subList(0, Math.min(DIFF_LISTED_MAX, d.changed().size()))) {
            g.writeStartObject();
            g.writeStringField("code", c.code());
            entries(g, "before", c.before());
            entries(g, "after", c.after());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void entries(JsonGenerator g, String name, List<CatalogueEntry> entries)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (CatalogueEntry e : entries.subList(0, Math.min(DIFF_LISTED_MAX, entries.size()))) {
      g.writeStartObject();
      g.writeStringField("code", e.code());
      g.writeStringField("name", e.name());
      g.writeStringField("category", e.category().name());
      g.writeStringField("selfPayRatio", ratio(e.selfPayRatio()));
      g.writeStringField(
          "priceCap",
          e.priceCapE6() == null
              ? null
              : java.math.BigDecimal.valueOf(e.priceCapE6(), 6)
                  .stripTrailingZeros()
                  .toPlainString());
      g.writeStringField("validFrom", e.validFrom().toString());
      g.writeStringField("validTo", e.validTo() == null ? null : e.validTo().toString());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static String ratio(Ratio r) {
    return java.math.BigDecimal.valueOf(r.perTenThousand(), 4).stripTrailingZeros().toPlainString();
  }

  static void version(JsonGenerator g, CatalogueVersion v) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", v.id());
    g.writeStringField("scope", v.scope());
    g.writeStringField("validFrom", v.validFrom().toString());
    g.writeStringField("validTo", v.validTo() == null ? null : v.validTo().toString());
    g.writeStringField("state", v.state().name());
    g.writeNumberField("entryCount", v.entryCount());
    g.writeStringField("documentNo", v.documentNo());
    g.writeStringField("reason", v.reason());
    g.writeStringField("author", v.author());
    g.writeStringField("draftedAt", v.draftedAt().toString());
    g.writeStringField("reviewer", v.reviewer());
    g.writeStringField("reviewedAt", v.reviewedAt() == null ? null : v.reviewedAt().toString());
    g.writeStringField("reviewNote", v.reviewNote());
    g.writeStringField("documentSha256", v.documentSha256());
    g.writeEndObject();
  }
}
