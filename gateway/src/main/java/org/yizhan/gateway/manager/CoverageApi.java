package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.coverage.ContributionStandard;
import org.yizhan.gateway.coverage.CoverageAccess;
import org.yizhan.gateway.coverage.CoverageRuns;
import org.yizhan.gateway.coverage.CoverageRuns.Run;
import org.yizhan.gateway.coverage.CoverageStore;
import org.yizhan.gateway.coverage.CoverageStore.MatchPage;
import org.yizhan.gateway.coverage.CoverageStore.MatchRow;
import org.yizhan.gateway.coverage.Csv;
import org.yizhan.gateway.coverage.Outcome;
import org.yizhan.gateway.coverage.Regions;
import org.yizhan.gateway.coverage.Scope;
import org.yizhan.gateway.coverage.SubsidyReport;
import org.yizhan.gateway.coverage.SubsidyShare;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.Masking;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * Over 500 lines because it is one concern's whole door (six routes and their two CSV writers);
 * split it by route group when it grows.
 *
 * <p>Coverage under {@code /manager/api/coverage} (issue 15, items 3 and 4): the 应保尽保 matching of
 * the poor against the insured register (counts per outcome, a page, the CSV), the report of
 * subsidised contributions (资助参保) with the finance department's figure, and the contribution
 * standards. Behind the managers' session gate ({@link ManagerApi#mountGate}); who sees what is
 * {@link CoverageAccess}'s, and every look at people is audited by {@link CoverageStore}.
 */
public final class CoverageApi {
  static final Pattern OUTCOME =
      Pattern.compile("SUBSIDISED|NOT_SUBSIDISED|NOT_ENROLLED|ELSEWHERE");

  static final Pattern CATEGORY =
      Pattern.compile("DESTITUTE|SUBSISTENCE|REGISTERED_POOR|ILLNESS_POOR");

  /** The most a standard's contribution may be, yuan. */
  static final BigDecimal MAX_CONTRIBUTION = Fen.toYuan(ContributionStandard.MAX_CONTRIBUTION_FEN);

  private final CoverageAccess access;
  private final CoverageStore store;
  private final CoverageRuns runs;
  private final DbGuard guard;
  private final ZoneId zone;
  private final Clock clock;

  public CoverageApi(Pool pool, CoverageRuns runs, DbGuard guard, ZoneId zone, Clock clock) {
    this.access = new CoverageAccess(pool);
    this.store = new CoverageStore(pool, clock);
    this.runs = runs;
    this.guard = guard;
    this.zone = zone;
    this.clock = clock;
  }

  public void mount(Routes routes) {
    routes.add(GET, "/manager/api/coverage", this::match);
    routes.add(GET, "/manager/api/coverage/export", this::matchCsv);
    routes.add(POST, "/manager/api/coverage/runs", this::startRun);
    routes.add(GET, "/manager/api/coverage/runs/latest", this::latestRun);
    routes.add(GET, "/manager/api/coverage/runs/:id", this::run);
    routes.add(GET, "/manager/api/coverage/runs/:id/export", this::runCsv);
    routes.add(GET, "/manager/api/coverage/subsidies", this::subsidies);
    routes.add(GET, "/manager/api/coverage/subsidies/export", this::subsidiesCsv);
    routes.add(GET, "/manager/api/coverage/standards", this::standards);
    routes.add(
        PUT, "/manager/api/coverage/standards/:year/:admdvs", Requests.json(this::putStandard));
  }

  // ---- matching

  private void match(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    Outcome outcome = outcome(ctx);
    LocalDate date = date(ctx);
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, CoverageStore.MAX_PAGE_SIZE);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    reply(
        ctx,
        () ->
            access
                .scope(m, office, region)
                .compose(
                    scope ->
                        store
                            .match(m, scope, date, outcome, page, size)
                            .map(p -> JsonWriter.render(g -> matchPage(g, scope, p)))));
  }

  private static void matchPage(JsonGenerator g, Scope scope, MatchPage p) throws IOException {
    g.writeStartObject();
    scope(g, scope);
    g.writeStringField("date", p.date().toString());
    g.writeObjectFieldStart("counts");
    for (Map.Entry<Outcome, Long> e : p.counts().entrySet()) {
      g.writeNumberField(e.getKey().name(), e.getValue());
    }
    g.writeEndObject();
    g.writeStringField("outcome", p.outcome() == null ? null : p.outcome().name());
    g.writeNumberField("page", p.page());
    g.writeNumberField("size", p.size());
    g.writeNumberField("total", p.total());
    g.writeFieldName("items");
    items(g, p.items());
    g.writeEndObject();
  }

  private static void items(JsonGenerator g, List<MatchRow> rows) throws IOException {
    g.writeStartArray();
    for (MatchRow r : rows) {
      g.writeStartObject();
      g.writeStringField("personIdNo", r.personIdNo());
      g.writeStringField("personName", r.personName());
      g.writeStringField("officeCode", r.officeCode());
      g.writeArrayFieldStart("categories");
      for (IdentityCategory c : r.categories()) {
        g.writeString(c.name());
      }
      g.writeEndArray();
      g.writeStringField("outcome", r.outcome().name());
      g.writeArrayFieldStart("regions");
      for (String region : r.regions()) {
        g.writeString(region);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void matchCsv(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    Outcome outcome = outcome(ctx);
    LocalDate date = date(ctx);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    csv(
        ctx,
        "coverage-" + date + (outcome == null ? "" : "-" + outcome.name().toLowerCase()) + ".csv",
        () ->
            access
                .scope(m, office, region)
                .compose(scope -> store.matchAll(m, scope, date, outcome))
                .map(CoverageApi::matchCsv));
  }

  // ---- matching runs (a region's matching in the background)

  private void startRun(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    LocalDate date = date(ctx);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    Responses.reply(
        ctx,
        guard.call(
            () ->
                access
                    .scope(m, office, region)
                    .compose(scope -> runs.start(m, scope, date))
                    .map(r -> JsonWriter.render(g -> run(g, r, null)))),
        202);
  }

  private void latestRun(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    reply(
        ctx,
        () ->
            access
                .scope(m, office, region)
                .compose(runs::latest)
                .map(
                    r -> {
                      if (r == null) {
                        throw Refusal.notFound("matching run");
                      }
                      return JsonWriter.render(g -> run(g, r, null));
                    }));
  }

  /** A run: its progress, and once DONE its counts and a page of the outcome asked for. */
  private void run(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    UUID id = ManagerApi.uuid(ctx, "matching run");
    Outcome outcome = outcome(ctx);
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, CoverageStore.MAX_PAGE_SIZE);
    reply(
        ctx,
        () ->
            found(m, id)
                .compose(
                    r ->
                        r.state() != CoverageRuns.State.DONE
                            ? Future.succeededFuture(JsonWriter.render(g -> run(g, r, null)))
                            : runs.page(m, r, outcome, page, size)
                                .map(p -> JsonWriter.render(g -> run(g, r, p)))));
  }

  private void runCsv(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    UUID id = ManagerApi.uuid(ctx, "matching run");
    Outcome outcome = outcome(ctx);
    csv(
        ctx,
        "coverage-run-" + (outcome == null ? "all" : outcome.name().toLowerCase()) + ".csv",
        () ->
            found(m, id)
                .compose(
                    r -> {
                      if (r.state() != CoverageRuns.State.DONE) {
                        throw new Refusal(
                            Refusal.Kind.CONFLICT,
                            "RUN_NOT_DONE",
                            "id",
                            "id: the matching run is " + r.state() + ", not DONE");
                      }
                      return runs.all(m, r, outcome);
                    })
                .map(CoverageApi::matchCsv));
  }

  private Future<Run> found(ManagerPrincipal m, UUID id) {
    return access.isAgency(m).compose(agency -> runs.find(m, id, agency));
  }

  private static void run(JsonGenerator g, Run r, MatchPage p) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", r.id().toString());
    scope(g, r.scope());
    g.writeStringField("date", r.date().toString());
    g.writeStringField("state", r.state().name());
    g.writeObjectFieldStart("progress");
    g.writeNumberField("identitiesDone", r.identitiesDone());
    g.writeNumberField("identitiesTotal", r.identitiesTotal());
    g.writeEndObject();
    if (r.state() == CoverageRuns.State.DONE) {
      g.writeObjectFieldStart("counts");
      for (Map.Entry<Outcome, Long> e : r.counts().entrySet()) {
        g.writeNumberField(e.getKey().name(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeStringField("failure", r.failure());
    g.writeStringField("requestedBy", r.requestedBy());
    g.writeStringField("requestedAt", r.requestedAt().toString());
    g.writeStringField("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    if (p != null) {
      g.writeStringField("outcome", p.outcome() == null ? null : p.outcome().name());
      g.writeNumberField("page", p.page());
      g.writeNumberField("size", p.size());
      g.writeNumberField("total", p.total());
      g.writeFieldName("items");
      items(g, p.items());
    }
    g.writeEndObject();
  }

  /**
   * The matching as CSV: the full ID number (the outreach list is worked from it), the name, the
   * office, the categories, the outcome and the regions of enrolment. The roster has no address
   * yet, so the outreach list has none (docs/manager-page.md).
   */
  static String matchCsv(List<MatchRow> rows) {
    StringBuilder out = new StringBuilder(Csv.BOM);
    Csv.line(out, "身份证号", "姓名", "办事处", "身份类别", "比对结果", "参保地");
    for (MatchRow r : rows) {
      Csv.line(
          out,
          r.personIdNo(),
          r.personName(),
          r.officeCode(),
          categoryNames(r.categories()),
          r.outcome().chineseName(),
          String.join("、", r.regions()));
    }
    return out.toString();
  }

  // ---- subsidy report

  private void subsidies(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    int year = year(ctx);
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, CoverageStore.MAX_PAGE_SIZE);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    reply(
        ctx,
        () ->
            report(m, office, region, year, "SUBSIDY_REPORT_VIEW")
                .map(r -> JsonWriter.render(g -> report(g, r, page, size))));
  }

  private Future<SubsidyReport> report(
      ManagerPrincipal m, String office, String region, int year, String action) {
    return access
        .scope(m, office, region)
        .compose(
            scope ->
                store
                    .subsidised(m, scope, year, action)
                    .compose(
                        rows ->
                            store
                                .standards(year)
                                .map(s -> SubsidyReport.of(year, scope, rows, s))));
  }

  private static void report(JsonGenerator g, SubsidyReport r, int page, int size)
      throws IOException {
    g.writeStartObject();
    scope(g, r.scope());
    g.writeNumberField("year", r.year());
    g.writeObjectFieldStart("totals");
    g.writeNumberField("persons", r.totals().persons());
    JsonWriter.money(g, "contribution", r.totals().contributionFen());
    JsonWriter.money(g, "subsidy", r.totals().subsidyFen());
    JsonWriter.money(g, "paidByPerson", r.totals().paidByPersonFen());
    g.writeEndObject();
    g.writeArrayFieldStart("finance");
    for (SubsidyReport.FinanceFigure f : r.finance()) {
      g.writeStartObject();
      g.writeNumberField("year", f.year());
      g.writeStringField("admdvs", f.admdvs());
      g.writeNumberField("persons", f.persons());
      JsonWriter.money(g, "subsidy", f.subsidyFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    groups(g, "byOffice", r.byOffice());
    groups(g, "byCategory", r.byCategory());
    g.writeArrayFieldStart("missingStandards");
    for (String s : r.missingStandards()) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeNumberField("page", page);
    g.writeNumberField("size", size);
    g.writeNumberField("total", r.lines().size());
    g.writeArrayFieldStart("items");
    int from = (int) Math.min((long) (page - 1) * size, r.lines().size());
    for (SubsidyReport.Line l : r.lines().subList(from, Math.min(from + size, r.lines().size()))) {
      g.writeStartObject();
      g.writeStringField("personIdNo", Masking.idNo(l.row().personIdNo()));
      g.writeStringField("personName", l.row().personName());
      g.writeStringField("officeCode", l.row().officeCode());
      g.writeArrayFieldStart("categories");
      for (IdentityCategory c : l.row().categories()) {
        g.writeString(c.name());
      }
      g.writeEndArray();
      g.writeNumberField("year", l.row().year());
      g.writeStringField("admdvs", l.row().admdvs());
      if (l.subsidy() != null) {
        g.writeStringField(
            "subsidyCategory",
            l.subsidy().category() == null ? null : l.subsidy().category().name());
        JsonWriter.money(g, "contribution", l.subsidy().contributionFen());
        JsonWriter.money(g, "subsidy", l.subsidy().subsidyFen());
        JsonWriter.money(g, "paidByPerson", l.subsidy().paidByPersonFen());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void groups(JsonGenerator g, String name, List<SubsidyReport.Group> groups)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (SubsidyReport.Group x : groups) {
      g.writeStartObject();
      g.writeStringField("key", x.key());
      g.writeNumberField("persons", x.persons());
      JsonWriter.money(g, "subsidy", x.subsidyFen());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void subsidiesCsv(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    int year = year(ctx);
    String office = code(ctx, "office");
    String region = code(ctx, "region");
    csv(
        ctx,
        "subsidies-" + year + ".csv",
        () -> report(m, office, region, year, "SUBSIDY_REPORT_EXPORT").map(CoverageApi::reportCsv));
  }

  /** The report as CSV: the lines (ID numbers masked), the totals, then 财政补助资金 per region. */
  static String reportCsv(SubsidyReport r) {
    StringBuilder out = new StringBuilder(Csv.BOM);
    Csv.line(
        out, "身份证号", "姓名", "办事处", "身份类别", "资助类别", "缴费年度", "参保地", "个人缴费（元）", "资助金额（元）", "个人自付（元）");
    for (SubsidyReport.Line l : r.lines()) {
      var s = l.subsidy();
      Csv.line(
          out,
          Masking.idNo(l.row().personIdNo()),
          l.row().personName(),
          l.row().officeCode(),
          categoryNames(l.row().categories()),
          s == null || s.category() == null ? "" : s.category().chineseName(),
          String.valueOf(l.row().year()),
          l.row().admdvs(),
          s == null ? "" : Fen.format(s.contributionFen()),
          s == null ? "" : Fen.format(s.subsidyFen()),
          s == null ? "" : Fen.format(s.paidByPersonFen()));
    }
    Csv.line(
        out,
        "合计",
        r.totals().persons() + "人",
        "",
        "",
        "",
        String.valueOf(r.year()),
        "",
        Fen.format(r.totals().contributionFen()),
        Fen.format(r.totals().subsidyFen()),
        Fen.format(r.totals().paidByPersonFen()));
    out.append("\r\n");
    Csv.line(out, "财政补助资金");
    Csv.line(out, "缴费年度", "参保地", "人数", "补助金额（元）");
    for (SubsidyReport.FinanceFigure f : r.finance()) {
      Csv.line(
          out,
          String.valueOf(f.year()),
          f.admdvs(),
          String.valueOf(f.persons()),
          Fen.format(f.subsidyFen()));
    }
    out.append("\r\n");
    Csv.line(out, "按办事处");
    Csv.line(out, "办事处", "人数", "资助金额（元）");
    for (SubsidyReport.Group x : r.byOffice()) {
      Csv.line(out, x.key(), String.valueOf(x.persons()), Fen.format(x.subsidyFen()));
    }
    out.append("\r\n");
    Csv.line(out, "按资助类别");
    Csv.line(out, "资助类别", "人数", "资助金额（元）");
    for (SubsidyReport.Group x : r.byCategory()) {
      Csv.line(
          out,
          x.key().equals("NONE") ? "无" : IdentityCategory.valueOf(x.key()).chineseName(),
          String.valueOf(x.persons()),
          Fen.format(x.subsidyFen()));
    }
    if (!r.missingStandards().isEmpty()) {
      out.append("\r\n");
      Csv.line(out, "缺少缴费标准的参保地", String.join("、", r.missingStandards()));
    }
    return out.toString();
  }

  // ---- standards

  private void standards(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    int year = year(ctx);
    reply(
        ctx,
        () ->
            access
                .isAgency(m)
                .compose(
                    agency ->
                        store
                            .standards(year)
                            .map(
                                all ->
                                    JsonWriter.render(
                                        g -> {
                                          g.writeStartArray();
                                          for (ContributionStandard s : all.values()) {
                                            if (CoverageAccess.reads(m, agency, s.admdvs())) {
                                              standard(g, s);
                                            }
                                          }
                                          g.writeEndArray();
                                        }))));
  }

  private void standard(JsonGenerator g, ContributionStandard s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("year", s.policyYear());
    g.writeStringField("admdvs", s.admdvs());
    JsonWriter.money(g, "individualContribution", s.contributionFen());
    g.writeObjectFieldStart("subsidies");
    for (IdentityCategory c : IdentityCategory.values()) {
      SubsidyShare share = s.shares().get(c);
      if (share == null) {
        continue;
      }
      g.writeObjectFieldStart(c.name());
      if (share instanceof SubsidyShare.Ratio r) {
        g.writeNumberField("ratio", r.perTenThousand());
      } else if (share instanceof SubsidyShare.Fixed f) {
        JsonWriter.money(g, "fixedAmount", f.fen());
      }
      JsonWriter.money(g, "subsidy", share.subsidyFen(s.contributionFen()));
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeStringField("recordedAt", JsonWriter.time(s.recordedAt(), zone));
    g.writeStringField("recordedBy", s.recordedBy());
    g.writeEndObject();
  }

  static final Pattern YEAR = Pattern.compile("[0-9]{4}");

  private void putStandard(RoutingContext ctx) {
    ManagerPrincipal m = ManagerApi.manager(ctx);
    String y = ctx.pathParam("year");
    if (!YEAR.matcher(y).matches() || Integer.parseInt(y) < 1990 || Integer.parseInt(y) > 2200) {
      throw Refusal.invalid("year", "must be a year from 1990 to 2200");
    }
    String admdvs = ctx.pathParam("admdvs");
    if (!Regions.CODE.matcher(admdvs).matches()) {
      throw Refusal.invalid("admdvs", "must be a region code of six digits");
    }
    Fields f =
        Fields.of(
            Json.parse(Requests.body(ctx)), "", Set.of("individualContribution", "subsidies"));
    long contribution = f.typedAmount("individualContribution", 2, MAX_CONTRIBUTION);
    if (contribution <= 0) {
      throw Refusal.invalid("individualContribution", "must be greater than 0");
    }
    Map<IdentityCategory, SubsidyShare> shares = shares(f, contribution);
    ContributionStandard s =
        new ContributionStandard(Integer.parseInt(y), admdvs, contribution, shares, null, null);
    reply(
        ctx,
        () ->
            access
                .checkMaintains(m, admdvs)
                .compose(v -> store.put(m, s))
                .map(saved -> JsonWriter.render(g -> standard(g, saved))));
  }

  private static Map<IdentityCategory, SubsidyShare> shares(Fields f, long contribution) {
    Map<IdentityCategory, SubsidyShare> out = new EnumMap<>(IdentityCategory.class);
    JsonNode node = f.raw("subsidies");
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      throw Refusal.invalid("subsidies", "must be an object of categories");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!CATEGORY.matcher(name).matches()) {
        throw Refusal.invalid(
            "subsidies." + name,
            "is not a category: DESTITUTE, SUBSISTENCE, REGISTERED_POOR or ILLNESS_POOR");
      }
      String path = "subsidies." + name;
      Fields c = Fields.of(node.get(name), path, Set.of("ratio", "fixedAmount"));
      boolean ratio = c.raw("ratio") != null;
      boolean fixed = c.raw("fixedAmount") != null;
      if (ratio == fixed) {
        throw Refusal.invalid(path, "must give either ratio (1/10000) or fixedAmount, not both");
      }
      if (ratio) {
        long r = c.decimal("ratio", 0, BigDecimal.valueOf(SubsidyShare.Ratio.WHOLE));
        if (r < 0) {
          throw Refusal.invalid(path + ".ratio", "must be 0 to 10000 (1/10000)");
        }
        out.put(IdentityCategory.valueOf(name), new SubsidyShare.Ratio((int) r));
      } else {
        long amount = c.typedAmount("fixedAmount", 2, MAX_CONTRIBUTION);
        if (amount < 0 || amount > contribution) {
          throw Refusal.invalid(
              path + ".fixedAmount", "must be from 0 to the individual contribution");
        }
        out.put(IdentityCategory.valueOf(name), new SubsidyShare.Fixed(amount));
      }
    }
    return out;
  }

  // ---- helpers

  private static void scope(JsonGenerator g, Scope s) throws IOException {
    g.writeObjectFieldStart("scope");
    g.writeStringField("kind", s.kind());
    g.writeStringField("code", s.code());
    g.writeEndObject();
  }

  static String categoryNames(List<IdentityCategory> categories) {
    StringBuilder out = new StringBuilder();
    for (IdentityCategory c : categories) {
      out.append(out.length() == 0 ? "" : "、").append(c.chineseName());
    }
    return out.toString();
  }

  private static Outcome outcome(RoutingContext ctx) {
    String o = ctx.queryParams().get("outcome");
    if (o == null || o.isEmpty()) {
      return null;
    }
    if (!OUTCOME.matcher(o).matches()) {
      throw Refusal.invalid("outcome", "must be one of " + OUTCOME.pattern().replace('|', ','));
    }
    return Outcome.valueOf(o);
  }

  /** The date of the matching: {@code date}, or today in the gateway's zone. */
  private LocalDate date(RoutingContext ctx) {
    LocalDate d = Requests.dateParam(ctx, "date");
    return d == null ? LocalDate.now(clock.withZone(zone)) : d;
  }

  private int year(RoutingContext ctx) {
    return Requests.intParam(
        ctx, "year", LocalDate.now(clock.withZone(zone)).getYear(), 1990, 2200);
  }

  static String code(RoutingContext ctx, String name) {
    String c = ctx.queryParams().get(name);
    if (c == null || c.isEmpty()) {
      return null;
    }
    if (!Regions.CODE.matcher(c).matches()) {
      throw Refusal.invalid(name, "must be a code of six digits");
    }
    return c;
  }

  private void reply(RoutingContext ctx, Supplier<Future<Buffer>> query) {
    Responses.reply(ctx, guard.call(query), 200);
  }

  private void csv(RoutingContext ctx, String filename, Supplier<Future<String>> body) {
    guard
        .call(body)
        .onSuccess(
            text -> {
              if (Responses.answered(ctx)) {
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                  .end(text);
            })
        .onFailure(ctx::fail);
  }
}
