package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.config.PolicyFiles.Problem;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.policy.PolicyBooks;
import org.yizhan.gateway.policy.PolicyService;
import org.yizhan.gateway.policy.PolicyVersion;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The agency's policy versions under {@code /agency/api/policies} (issue 19, docs/policies.md):
 * list, read, export, draft, revise, approve, reject, withdraw, and which versions this instance's
 * book uses on a day. Behind the agency's gate ({@link AgencyApi#mountGate}): agency staff of the
 * version's region only. A draft with problems is answered 422 {@code POLICY_INVALID} with every
 * problem in {@code errors}, each naming its field.
 */
public final class PolicyApi {
  static final String POLICY_INVALID = "POLICY_INVALID";
  static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");
  static final Pattern ANY_TEXT = Pattern.compile("(?s).{1,262144}");
  static final Pattern NOTE = Pattern.compile("(?s).{1,1000}");
  static final Set<String> DRAFT_FIELDS = Set.of("document", "documentNo", "reason");
  static final Set<String> NOTE_FIELDS = Set.of("note");

  private final PolicyService policies;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;

  public PolicyApi(PolicyService policies, DbGuard guard, Clock clock, ZoneId zone) {
    this.policies = policies;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(Routes routes) {
    routes.add(GET, "/agency/api/policies", this::list);
    routes.add(POST, "/agency/api/policies", Requests.json(this::draft));
    routes.add(GET, "/agency/api/policies/in-force", this::inForce);
    routes.add(GET, "/agency/api/policies/:id", this::find);
    routes.add(GET, "/agency/api/policies/:id/document", this::document);
    routes.add(PUT, "/agency/api/policies/:id", Requests.json(this::revise));
    routes.add(POST, "/agency/api/policies/:id/approve", Requests.json(this::approve));
    routes.add(POST, "/agency/api/policies/:id/reject", Requests.json(this::reject));
    routes.add(POST, "/agency/api/policies/:id/withdraw", this::withdraw);
  }

  private void list(RoutingContext ctx) {
    ManagerPrincipal m = AgencyApi.agency(ctx);
    VersionAnswers.list(ctx, guard.call(() -> policies.list(m)), PolicyApi::version);
  }

  private void find(RoutingContext ctx) {
    long id = id(ctx);
    ManagerPrincipal m = AgencyApi.agency(ctx);
    Responses.reply(
        ctx,
        guard
            .call(() -> policies.find(m, id))
            .compose(v -> policies.document(m, id).map(doc -> one(v, doc))),
        200);
  }

  /** The version's document as drafted: the YAML of config/policies (export). */
  private void document(RoutingContext ctx) {
    long id = id(ctx);
    VersionAnswers.download(
        ctx,
        guard.call(() -> policies.document(AgencyApi.agency(ctx), id)).map(Buffer::buffer),
        "application/yaml; charset=utf-8",
        "policy-" + id + ".yaml");
  }

  private void draft(RoutingContext ctx) {
    PolicyService.Draft d = draftOf(ctx);
    answer(ctx, guard.call(() -> policies.draft(AgencyApi.agency(ctx), d)), 201);
  }

  private void revise(RoutingContext ctx) {
    long id = id(ctx);
    PolicyService.Draft d = draftOf(ctx);
    answer(ctx, guard.call(() -> policies.revise(AgencyApi.agency(ctx), id, d)), 200);
  }

  private void approve(RoutingContext ctx) {
    long id = id(ctx);
    String note = note(ctx, false);
    answer(ctx, guard.call(() -> policies.approve(AgencyApi.agency(ctx), id, note)), 200);
  }

  private void reject(RoutingContext ctx) {
    long id = id(ctx);
    String note = note(ctx, true);
    answer(ctx, saved(guard.call(() -> policies.reject(AgencyApi.agency(ctx), id, note))), 200);
  }

  private void withdraw(RoutingContext ctx) {
    long id = id(ctx);
    answer(ctx, saved(guard.call(() -> policies.withdraw(AgencyApi.agency(ctx), id))), 200);
  }

  /**
   * The versions this instance's live book uses on {@code date} (default today) for the agency's
   * regions: what a claim discharged that day settles under, here, now.
   */
  private void inForce(RoutingContext ctx) {
    String text = ctx.queryParams().get("date");
    LocalDate date =
        text == null
            ? LocalDate.ofInstant(clock.instant(), zone)
            : Requests.parseDate(text, "date");
    ManagerPrincipal m = AgencyApi.agency(ctx);
    PolicyBooks.Snapshot book = policies.books().current();
    Responses.send(
        ctx,
        200,
        JsonWriter.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("date", date.toString());
              g.writeArrayFieldStart("policies");
              for (Policy p : book.book().all()) {
                if (p.governs(date)
                    && org.yizhan.gateway.insured.Regions.covers(m.officeCode(), p.id().region())) {
                  g.writeStartObject();
                  g.writeStringField("policyId", p.id().toString());
                  g.writeStringField("region", p.id().region());
                  g.writeStringField("scheme", p.id().scheme());
                  g.writeNumberField("version", book.versionOf(p).orElse(0L));
                  g.writeStringField("from", p.validFrom().toString());
                  g.writeStringField("to", p.validTo().toString());
                  g.writeEndObject();
                }
              }
              g.writeEndArray();
              g.writeEndObject();
            }));
  }

  private static PolicyService.Draft draftOf(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", DRAFT_FIELDS);
    return new PolicyService.Draft(
        f.text("document", ANY_TEXT, "the policy document (YAML), at most 256 KiB", true),
        f.raw("documentNo") == null ? null : f.raw("documentNo").asText(),
        f.raw("reason") == null ? null : f.raw("reason").asText());
  }

  private static String note(RoutingContext ctx, boolean required) {
    byte[] body = Requests.body(ctx);
    Fields f = Fields.of(Json.parse(body), "", NOTE_FIELDS);
    return f.text("note", NOTE, "1–1000 characters", required);
  }

  private static long id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      throw Refusal.invalid("id", "must be a policy version number");
    }
    return Long.parseLong(id);
  }

  /** The version as JSON, or a draft's problems as 422 with every one listed. */
  private static void answer(
      RoutingContext ctx, Future<PolicyService.Outcome> outcome, int status) {
    outcome
        .onSuccess(
            o -> {
              if (o instanceof PolicyService.Saved saved) {
                Responses.send(ctx, status, JsonWriter.render(g -> version(g, saved.version())));
              } else {
                Responses.send(ctx, 422, problems(((PolicyService.Invalid) o).problems()));
              }
            })
        .onFailure(ctx::fail);
  }

  private static Future<PolicyService.Outcome> saved(Future<PolicyVersion> v) {
    return v.map(PolicyService.Saved::new);
  }

  static Buffer problems(List<Problem> problems) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("code", POLICY_INVALID);
          g.writeStringField(
              "message",
              "the policy version has "
                  + problems.size()
                  + " problem(s); each is listed in errors with its field");
          g.writeStringField("field", problems.get(0).field());
          g.writeArrayFieldStart("errors");
          for (Problem p : problems) {
            g.writeStartObject();
            g.writeStringField("field", p.field());
            g.writeStringField("message", p.message());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static Buffer one(PolicyVersion v, String document) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          fields(g, v);
          g.writeStringField("document", document);
          g.writeEndObject();
        });
  }

  static void version(JsonGenerator g, PolicyVersion v) throws IOException {
    g.writeStartObject();
    fields(g, v);
    g.writeEndObject();
  }

  private static void fields(JsonGenerator g, PolicyVersion v) throws IOException {
    g.writeNumberField("id", v.id());
    g.writeStringField("region", v.region());
    g.writeStringField("scheme", v.scheme());
    g.writeNumberField("year", v.year());
    g.writeStringField("validFrom", v.validFrom().toString());
    g.writeStringField("validTo", v.validTo().toString());
    g.writeStringField("state", v.state().name());
    g.writeStringField("documentNo", v.documentNo());
    g.writeStringField("reason", v.reason());
    g.writeStringField("author", v.author());
    g.writeStringField("draftedAt", v.draftedAt().toString());
    g.writeStringField("reviewer", v.reviewer());
    g.writeStringField("reviewedAt", v.reviewedAt() == null ? null : v.reviewedAt().toString());
    g.writeStringField("reviewNote", v.reviewNote());
    g.writeStringField("documentSha256", v.documentSha256());
  }
}
