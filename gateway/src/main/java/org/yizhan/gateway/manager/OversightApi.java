package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.gateway.coverage.CoverageAccess;
import org.yizhan.gateway.coverage.Scope;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.oversight.OversightStore;
import org.yizhan.gateway.oversight.OversightStore.Figure;
import org.yizhan.gateway.oversight.OversightStore.Figures;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.simulation.ClaimSource;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Routes;

/**
 * The oversight figures for the poor (扶贫成效, issue 19 item 5) under {@code GET
 * /manager/api/oversight?from=2018&to=2019}: per office and for the whole scope, per year and
 * identity category, the in-scope reimbursement ratio (政策范围内报销比例: what the three funds paid ÷ the
 * in-scope amount), the overall ratio (÷ the total), out-of-pocket per person, and the persons
 * whose year's out-of-pocket passed the policy's {@code outOfPocketLine} (因病致贫 candidates). A
 * civil-affairs manager sees their office, the insurance agency its region or an office in it
 * ({@link CoverageAccess}); every look is audited.
 */
public final class OversightApi {
  /** Years one request may span. */
  static final int MAX_YEARS = 10;

  /** The scheme whose policy sets the line: the poor are insured as residents. */
  static final String SCHEME = "RESIDENT";

  private final CoverageAccess access;
  private final OversightStore store;
  private final Supplier<PolicyBook> policies;
  private final DbGuard guard;

  public OversightApi(Pool pool, DbGuard guard, Supplier<PolicyBook> policies) {
    this.access = new CoverageAccess(pool);
    this.store = new OversightStore(pool);
    this.policies = policies;
    this.guard = guard;
  }

  public void mount(Routes routes) {
    routes.add(GET, "/manager/api/oversight", this::figures);
  }

  private void figures(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    if (ctx.queryParams().get("from") == null) {
      throw Refusal.missing("from");
    }
    int from = Requests.intParam(ctx, "from", 2000, 2000, 2100);
    int to = Requests.intParam(ctx, "to", from, 2000, 2100);
    if (to < from) {
      throw Refusal.invalid("to", "must not be before from " + from);
    }
    if (to - from >= MAX_YEARS) {
      throw Refusal.invalid("to", "at most " + MAX_YEARS + " years at once");
    }
    String office = CoverageApi.code(ctx, "office");
    String region = CoverageApi.code(ctx, "region");
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            access
                .scope(m, office, region)
                .compose(
                    scope -> {
                      ClaimSource.Selection range =
                          scope.kind().equals("office")
                              ? new ClaimSource.Selection(
                                  scope.code(),
                                  scope.code(),
                                  SCHEME,
                                  LocalDate.of(from, 1, 1),
                                  LocalDate.of(to, 12, 31))
                              : ClaimSource.Selection.ofRegion(
                                  scope.code(),
                                  SCHEME,
                                  LocalDate.of(from, 1, 1),
                                  LocalDate.of(to, 12, 31));
                      Map<Integer, Long> lines = lines(scope.code(), from, to);
                      return store
                          .figures(
                              m,
                              scope.kind(),
                              scope.code(),
                              range.officeLow(),
                              range.officeHigh(),
                              lines)
                          .map(f -> JsonWriter.render(g -> render(g, scope, from, to, f)));
                    }));
  }

  /** Each year's out-of-pocket line: the policy governing the scope at the year's end. */
  Map<Integer, Long> lines(String code, int from, int to) {
    Map<Integer, Long> lines = new TreeMap<>();
    for (int y = from; y <= to; y++) {
      Optional<Policy> p = policies.get().find(code, SCHEME, LocalDate.of(y, 12, 31));
      lines.put(y, p.map(Policy::outOfPocketLineFen).orElse(Policy.DEFAULT_OUT_OF_POCKET_LINE_FEN));
    }
    return lines;
  }

  private static void render(JsonGenerator g, Scope scope, int from, int to, Figures f)
      throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("scope");
    g.writeStringField("kind", scope.kind());
    g.writeStringField("code", scope.code());
    g.writeEndObject();
    g.writeNumberField("from", from);
    g.writeNumberField("to", to);
    g.writeObjectFieldStart("lines");
    for (Map.Entry<Integer, Long> e : f.linesFen().entrySet()) {
      JsonWriter.money(g, e.getKey().toString(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("figures");
    for (Figure x : f.figures()) {
      g.writeStartObject();
      g.writeStringField("officeCode", x.officeCode());
      g.writeNumberField("year", x.year());
      g.writeStringField("category", x.category() == null ? "NONE" : x.category().name());
      g.writeNumberField("persons", x.persons());
      g.writeNumberField("claims", x.claims());
      JsonWriter.money(g, "total", x.totalFen());
      JsonWriter.money(g, "inScope", x.inScopeFen());
      JsonWriter.money(g, "fund", x.fundFen());
      JsonWriter.money(g, "personal", x.personalFen());
      JsonWriter.decimal(g, "inScopeRatio", SimulationApi.ratioE4(x.fundFen(), x.inScopeFen()), 4);
      JsonWriter.decimal(g, "overallRatio", SimulationApi.ratioE4(x.fundFen(), x.totalFen()), 4);
      JsonWriter.money(
          g, "personalPerPerson", SimulationApi.perPerson(x.personalFen(), x.persons()));
      g.writeNumberField("overLine", x.overLine());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("persons");
    for (OversightStore.Person p : f.persons()) {
      g.writeStartObject();
      g.writeStringField("personIdNo", p.personIdNo());
      g.writeStringField("personName", p.personName());
      g.writeStringField("officeCode", p.officeCode());
      g.writeNumberField("year", p.year());
      g.writeStringField("category", p.category() == null ? "NONE" : p.category().name());
      g.writeNumberField("claims", p.claims());
      JsonWriter.money(g, "total", p.totalFen());
      JsonWriter.money(g, "personal", p.personalFen());
      JsonWriter.money(g, "line", p.lineFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
