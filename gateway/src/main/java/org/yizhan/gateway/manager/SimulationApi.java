package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.config.ConfigException;
import org.yizhan.gateway.config.PolicyFiles;
import org.yizhan.gateway.coverage.Csv;
import org.yizhan.gateway.coverage.Regions;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.policy.PolicyService;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.ManagerAuth.Role;
import org.yizhan.gateway.security.Masking;
import org.yizhan.gateway.simulation.Impact;
import org.yizhan.gateway.simulation.Simulations;
import org.yizhan.gateway.simulation.Simulations.Progress;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * Impact simulations (issue 19, item 4): {@code POST …/simulations} starts one (a candidate
 * policy's YAML and a period of discharge dates), {@code GET …/simulations/:id} answers its
 * progress and, once done, its figures, {@code GET …/simulations/:id/export} the figures as CSV for
 * Excel.
 *
 * <p>The same routes under {@code /agency/api} (a script with the agency's Bearer token) and under
 * {@code /manager/api} (the managers' page, whose session is a cookie); either way only insurance
 * agency staff may simulate, and only a policy of their region (or of a district or city in it):
 * another region is refused 403 {@code OUT_OF_SCOPE}, a civil-affairs manager 403 {@code
 * AGENCY_ONLY}. A simulation of another region is not found.
 */
public final class SimulationApi {
  static final Set<String> FIELDS = Set.of("policy", "version", "from", "to");

  /** A policy's YAML text: printable, at most 64 KiB (a version is about 2 KiB). */
  static final Pattern POLICY_TEXT = Pattern.compile("(?s).{1,65536}");

  private final Simulations simulations;
  private final PolicyService policies;

  public SimulationApi(Simulations simulations, PolicyService policies) {
    this.simulations = simulations;
    this.policies = policies;
  }

  public void mount(Routes routes) {
    for (String base : new String[] {"/agency/api", "/manager/api"}) {
      routes.add(POST, base + "/simulations", Requests.json(this::start));
      routes.add(GET, base + "/simulations/:id", this::progress);
      routes.add(GET, base + "/simulations/:id/export", this::export);
    }
  }

  /** The agency staff member asking: from the agency's gate, or the managers' with its role. */
  static ManagerPrincipal agencyStaff(RoutingContext ctx) {
    ManagerPrincipal m = AgencyApi.agency(ctx);
    if (m == null) {
      m = ManagerApi.manager(ctx);
    }
    if (m == null || m.role() != Role.AGENCY) {
      throw new Refusal(
          Refusal.Kind.FORBIDDEN,
          "AGENCY_ONLY",
          null,
          "policy simulations are for the insurance agency's staff");
    }
    return m;
  }

  /**
   * Starts a simulation of {@code policy} (YAML text) or of {@code version} (the id of a stored
   * version, a draft above all: issue 19 items 1–3), exactly one of them.
   */
  private void start(RoutingContext ctx) {
    ManagerPrincipal m = agencyStaff(ctx);
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", FIELDS);
    LocalDate from = f.date("from");
    LocalDate to = f.date("to");
    JsonNode version = f.raw("version");
    Future<Policy> candidate;
    Long versionId = null;
    if (version != null) {
      if (f.raw("policy") != null) {
        throw Refusal.invalid("policy", "give the policy or a version, not both");
      }
      if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
        throw Refusal.invalid("version", "must be a version's id");
      }
      versionId = version.asLong();
      candidate =
          policies
              .policyOf(m, version.asLong())
              .recover(
                  e ->
                      Future.failedFuture(
                          e instanceof ConfigException
                              ? Refusal.badInput("POLICY_INVALID", "version", e.getMessage())
                              : e));
    } else {
      String text = f.text("policy", POLICY_TEXT, "the policy's YAML, at most 64 KiB", true);
      try {
        candidate = Future.succeededFuture(PolicyFiles.parseDocument("policy", text));
      } catch (ConfigException e) {
        throw Refusal.badInput("POLICY_INVALID", "policy", e.getMessage());
      }
    }
    Long stored = versionId;
    Responses.reply(
        ctx,
        candidate
            .compose(
                p -> {
                  if (!Regions.covers(m.officeCode(), p.id().region())) {
                    return Future.failedFuture(
                        new Refusal(
                            Refusal.Kind.FORBIDDEN,
                            "OUT_OF_SCOPE",
                            "policy.region",
                            "policy.region: "
                                + p.id().region()
                                + " is outside your region "
                                + m.officeCode()));
                  }
                  return simulations.start(m, p, stored, from, to);
                })
            .map(p -> render(p)),
        202);
  }

  private void progress(RoutingContext ctx) {
    ManagerPrincipal m = agencyStaff(ctx);
    UUID id = ManagerApi.uuid(ctx, "simulation");
    Responses.reply(
        ctx,
        simulations
            .progress(m, id)
            .compose(p -> simulations.audited(m, p, "SIMULATION_READ"))
            .map(x -> render(x)),
        200);
  }

  private void export(RoutingContext ctx) {
    ManagerPrincipal m = agencyStaff(ctx);
    UUID id = ManagerApi.uuid(ctx, "simulation");
    simulations
        .progress(m, id)
        .compose(
            p -> {
              if (p.impact() == null) {
                return Future.failedFuture(
                    Refusal.conflict(
                        "SIMULATION_NOT_DONE",
                        "id",
                        "id: the simulation is " + p.state().name().toLowerCase()));
              }
              return simulations.audited(m, p, "SIMULATION_EXPORT");
            })
        .onSuccess(
            p -> {
              if (Responses.answered(ctx)) {
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"simulation-"
                          + p.policyId().replace('/', '-')
                          + ".csv\"")
                  .end(csv(p));
            })
        .onFailure(ctx::fail);
  }

  // ---- figures

  /** fen ÷ count, HALF_UP; 0 when nothing to divide by. */
  static long perPerson(long fen, long persons) {
    return persons == 0 ? 0 : Fen.divideHalfUp(fen, persons);
  }

  /** part ÷ whole as a ratio in 1/10000, HALF_UP; 0 when the whole is 0. */
  static long ratioE4(long part, long whole) {
    return whole == 0 ? 0 : Fen.divideHalfUp(Math.multiplyExact(part, 10_000L), whole);
  }

  static Buffer render(Progress p) {
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("id", p.id().toString());
          g.writeStringField("policy", p.policyId());
          if (p.version() != null) {
            g.writeNumberField("version", p.version());
          }
          g.writeStringField("region", p.region());
          g.writeStringField("scheme", p.scheme());
          g.writeStringField("from", p.from().toString());
          g.writeStringField("to", p.to().toString());
          g.writeStringField("startedBy", p.startedBy());
          g.writeStringField("state", p.state().name());
          g.writeNumberField("total", p.total());
          g.writeNumberField("done", p.done());
          if (p.refusal() != null) {
            g.writeObjectFieldStart("refusal");
            g.writeStringField("code", p.refusal().code());
            g.writeStringField("field", p.refusal().field());
            g.writeStringField("message", p.refusal().getMessage());
            g.writeEndObject();
          }
          g.writeStringField("startedAt", p.startedAt().toString());
          g.writeStringField(
              "finishedAt", p.finishedAt() == null ? null : p.finishedAt().toString());
          if (p.impact() != null) {
            g.writeFieldName("impact");
            impact(g, p.impact());
          }
          g.writeEndObject();
        });
  }

  static void impact(JsonGenerator g, Impact i) throws IOException {
    g.writeStartObject();
    g.writeNumberField("claims", i.claims());
    g.writeNumberField("refusedInForce", i.refusedInForce());
    g.writeNumberField("refusedCandidate", i.refusedCandidate());
    g.writeNumberField("persons", i.persons());
    g.writeNumberField("better", i.better());
    g.writeNumberField("worse", i.worse());
    g.writeNumberField("unchanged", i.persons() - i.better() - i.worse());
    g.writeFieldName("inForce");
    side(g, i.inForce(), i.persons());
    g.writeFieldName("candidate");
    side(g, i.candidate(), i.persons());
    g.writeArrayFieldStart("categories");
    for (Impact.CategoryFigures c : i.categories()) {
      g.writeStartObject();
      g.writeStringField("category", c.category() == null ? "NONE" : c.category().name());
      g.writeNumberField("persons", c.persons());
      g.writeFieldName("inForce");
      side(g, c.inForce(), c.persons());
      g.writeFieldName("candidate");
      side(g, c.candidate(), c.persons());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("largest");
    for (Impact.Change c : i.largest()) {
      g.writeStartObject();
      g.writeStringField("settlementId", c.settlementId());
      g.writeStringField("hospitalCode", c.hospitalCode());
      g.writeStringField("claimNo", c.claimNo());
      g.writeStringField("personIdNo", Masking.idNo(c.personIdNo()));
      g.writeStringField("officeCode", c.officeCode());
      g.writeStringField("dischargeDate", c.dischargeDate().toString());
      g.writeStringField("category", c.category() == null ? "NONE" : c.category().name());
      JsonWriter.money(g, "inForceFund", c.inForceFundFen());
      JsonWriter.money(g, "candidateFund", c.candidateFundFen());
      JsonWriter.money(g, "inForcePersonal", c.inForcePersonalFen());
      JsonWriter.money(g, "candidatePersonal", c.candidatePersonalFen());
      JsonWriter.money(g, "personalChange", c.personalDeltaFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("accounts");
    for (Impact.AccountEffect a : i.accounts()) {
      g.writeStartObject();
      g.writeStringField("officeCode", a.officeCode());
      g.writeStringField("hospitalCode", a.hospitalCode());
      g.writeStringField("mode", a.mode().name());
      JsonWriter.money(g, "opening", a.openingFen());
      JsonWriter.money(g, "topUps", a.topUpsFen());
      g.writeFieldName("inForceSide");
      account(g, a.inForce());
      g.writeFieldName("candidateSide");
      account(g, a.candidate());
      JsonWriter.money(g, "inForce", a.inForce().paidFen());
      JsonWriter.money(g, "candidate", a.candidate().paidFen());
      JsonWriter.money(g, "change", a.deltaFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("balanceRefusals");
    for (Impact.BalanceRefusal r : i.balanceRefusals()) {
      g.writeStartObject();
      g.writeStringField("settlementId", r.settlementId());
      g.writeStringField("officeCode", r.officeCode());
      g.writeStringField("hospitalCode", r.hospitalCode());
      JsonWriter.money(g, "inForceRefused", r.inForceRefusedFen());
      JsonWriter.money(g, "candidateRefused", r.candidateRefusedFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("balancesApplied", i.balancesApplied());
    g.writeArrayFieldStart("inForcePolicies");
    for (String id : i.inForcePolicies()) {
      g.writeString(id);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void account(JsonGenerator g, Impact.AccountSide s) throws IOException {
    g.writeStartObject();
    JsonWriter.money(g, "assistance", s.assistanceFen());
    JsonWriter.money(g, "drawn", s.drawnFen());
    JsonWriter.money(g, "advance", s.advanceFen());
    g.writeNumberField("refusedClaims", s.refusedClaims());
    JsonWriter.money(g, "refused", s.refusedFen());
    g.writeEndObject();
  }

  private static void side(JsonGenerator g, Impact.Side s, long persons) throws IOException {
    g.writeStartObject();
    g.writeNumberField("claims", s.claims());
    JsonWriter.money(g, "total", s.totalFen());
    JsonWriter.money(g, "inScope", s.inScopeFen());
    JsonWriter.money(g, "basic", s.basicFen());
    JsonWriter.money(g, "criticalIllness", s.criticalIllnessFen());
    JsonWriter.money(g, "assistance", s.assistanceFen());
    JsonWriter.money(g, "fund", s.fundFen());
    JsonWriter.money(g, "personal", s.personalFen());
    JsonWriter.decimal(g, "inScopeRatio", ratioE4(s.fundFen(), s.inScopeFen()), 4);
    JsonWriter.money(g, "personalPerPerson", perPerson(s.personalFen(), persons));
    g.writeEndObject();
  }

  /** The figures as CSV: totals per fund, per identity category, the largest changes, accounts. */
  static String csv(Progress p) {
    Impact i = p.impact();
    StringBuilder out = new StringBuilder(Csv.BOM);
    Csv.line(out, "政策测算", p.policyId(), "出院日期", p.from() + "至" + p.to());
    Csv.line(
        out,
        "测算结算笔数",
        String.valueOf(i.claims()),
        "人数",
        String.valueOf(i.persons()),
        "受益人数",
        String.valueOf(i.better()),
        "负担增加人数",
        String.valueOf(i.worse()));
    out.append("\r\n");
    Csv.line(out, "项目", "现行政策（元）", "测算政策（元）", "差额（元）");
    money(out, "基本医保统筹", i.inForce().basicFen(), i.candidate().basicFen());
    money(out, "大病保险", i.inForce().criticalIllnessFen(), i.candidate().criticalIllnessFen());
    money(out, "医疗救助", i.inForce().assistanceFen(), i.candidate().assistanceFen());
    money(out, "基金支付合计", i.inForce().fundFen(), i.candidate().fundFen());
    money(out, "个人负担", i.inForce().personalFen(), i.candidate().personalFen());
    out.append("\r\n");
    Csv.line(out, "身份类别", "人数", "现行政策范围内报销比例", "测算政策范围内报销比例", "现行人均自付（元）", "测算人均自付（元）");
    for (Impact.CategoryFigures c : i.categories()) {
      Csv.line(
          out,
          categoryName(c.category()),
          String.valueOf(c.persons()),
          ratio(c.inForce()),
          ratio(c.candidate()),
          Fen.format(perPerson(c.inForce().personalFen(), c.persons())),
          Fen.format(perPerson(c.candidate().personalFen(), c.persons())));
    }
    out.append("\r\n");
    Csv.line(out, "最大变化", "医疗机构", "单据号", "身份证号", "出院日期", "现行自付（元）", "测算自付（元）", "差额（元）");
    for (Impact.Change c : i.largest()) {
      Csv.line(
          out,
          categoryName(c.category()),
          c.hospitalCode(),
          c.claimNo(),
          Masking.idNo(c.personIdNo()),
          c.dischargeDate().toString(),
          Fen.format(c.inForcePersonalFen()),
          Fen.format(c.candidatePersonalFen()),
          Fen.format(c.personalDeltaFen()));
    }
    out.append("\r\n");
    Csv.line(
        out,
        "预付款账户（办事处）",
        "医疗机构",
        "余额不足时",
        "期初余额（元）",
        "期内充值（元）",
        "现行救助支出（元）",
        "测算救助支出（元）",
        "差额（元）",
        "现行余额不足拒付笔数",
        "测算余额不足拒付笔数",
        "现行余额不足拒付（元）",
        "测算余额不足拒付（元）");
    for (Impact.AccountEffect a : i.accounts()) {
      Csv.line(
          out,
          a.officeCode(),
          a.hospitalCode(),
          a.mode() == PrepaymentMode.REFUSE ? "拒付" : "医院垫付",
          Fen.format(a.openingFen()),
          Fen.format(a.topUpsFen()),
          Fen.format(a.inForce().paidFen()),
          Fen.format(a.candidate().paidFen()),
          Fen.format(a.deltaFen()),
          String.valueOf(a.inForce().refusedClaims()),
          String.valueOf(a.candidate().refusedClaims()),
          Fen.format(a.inForce().refusedFen()),
          Fen.format(a.candidate().refusedFen()));
    }
    if (!i.balanceRefusals().isEmpty()) {
      out.append("\r\n");
      Csv.line(out, "余额不足拒付的结算", "办事处", "医疗机构", "现行拒付（元）", "测算拒付（元）");
      for (Impact.BalanceRefusal r : i.balanceRefusals()) {
        Csv.line(
            out,
            r.settlementId(),
            r.officeCode(),
            r.hospitalCode(),
            Fen.format(r.inForceRefusedFen()),
            Fen.format(r.candidateRefusedFen()));
      }
    }
    return out.toString();
  }

  private static void money(StringBuilder out, String what, long was, long would) {
    Csv.line(out, what, Fen.format(was), Fen.format(would), Fen.format(would - was));
  }

  private static String ratio(Impact.Side s) {
    return java.math.BigDecimal.valueOf(ratioE4(s.fundFen(), s.inScopeFen()), 4).toPlainString();
  }

  static String categoryName(IdentityCategory c) {
    return c == null ? "无身份" : c.chineseName();
  }
}
