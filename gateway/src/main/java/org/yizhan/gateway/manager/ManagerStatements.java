package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.ledger.Forecast;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The ledger of a managers' prepayment account, read and closed: its entries (top-ups, drawdowns,
 * advances and their reversals), the check that they add up to the account's balance, its figures
 * per day, the clearing of a period that has ended (清算), and the statements of closed periods, as
 * JSON or as a CSV file. Another office's account is "not found".
 */
final class ManagerStatements {
  static final Pattern PERIOD = Pattern.compile("\\d{4}-\\d{2}");
  static final Pattern KIND =
      Pattern.compile("TOP_UP|DRAWDOWN|ADVANCE|REVERSAL_CREDIT|ADVANCE_REVERSAL");

  private final LedgerService ledger;
  private final DbGuard guard;
  private final ZoneId zone;
  private final Clock clock;

  ManagerStatements(LedgerService ledger, DbGuard guard, ZoneId zone, Clock clock) {
    this.clock = clock;
    this.ledger = ledger;
    this.guard = guard;
    this.zone = zone;
  }

  void mount(Routes routes) {
    routes.add(GET, "/manager/api/accounts/:id/entries", this::entries);
    routes.add(GET, "/manager/api/accounts/:id/verify", this::verify);
    routes.add(GET, "/manager/api/accounts/:id/daily", this::daily);
    routes.add(GET, "/manager/api/accounts/:id/forecast", this::forecast);
    routes.add(GET, "/manager/api/drawdowns", this::officeDaily);
    routes.add(POST, "/manager/api/accounts/:id/periods/:period/close", this::close);
    routes.add(GET, "/manager/api/accounts/:id/statements", this::statements);
    routes.add(GET, "/manager/api/accounts/:id/statements/:period", this::statement);
    routes.add(GET, "/manager/api/accounts/:id/statements/:period/csv", this::statementCsv);
  }

  private void entries(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    String kind = ctx.queryParams().get("kind");
    if (kind != null && !KIND.matcher(kind).matches()) {
      throw Refusal.invalid("kind", "must be one of " + KIND.pattern().replace('|', ','));
    }
    LocalDate from = Requests.dateParam(ctx, "from");
    LocalDate to = Requests.dateParam(ctx, "to");
    int page = Requests.intParam(ctx, "page", 1, 1, 100_000);
    int size = Requests.intParam(ctx, "size", 50, 1, 500);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .entries(ManagerApi.manager(ctx), id, kind, from, to, page, size)
                .map(p -> JsonWriter.page(p.page(), p.size(), p.total(), p.items(), this::entry)));
  }

  private void verify(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .verify(ManagerApi.manager(ctx), id)
                .map(
                    v ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeBooleanField("balanced", v.balanced());
                              JsonWriter.money(g, "balance", v.account().balanceFen());
                              JsonWriter.money(g, "ledgerBalance", v.sums().balanceFen());
                              JsonWriter.money(g, "advanceOwed", v.account().advanceOwedFen());
                              JsonWriter.money(g, "ledgerAdvanceOwed", v.sums().advanceOwedFen());
                              JsonWriter.money(g, "topUps", v.sums().topUps());
                              JsonWriter.money(g, "drawdowns", v.sums().drawdowns());
                              JsonWriter.money(g, "reversalCredits", v.sums().reversalCredits());
                              JsonWriter.money(g, "advances", v.sums().advances());
                              JsonWriter.money(g, "advanceReversals", v.sums().advanceReversals());
                              g.writeEndObject();
                            })));
  }

  private void daily(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    LocalDate from = firstDay(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .daily(ManagerApi.manager(ctx), id, from)
                .map(
                    d ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeStringField("from", from.toString());
                              g.writeStringField("to", today().toString());
                              JsonWriter.money(g, "openingBalance", d.openingFen());
                              JsonWriter.money(g, "balance", d.account().balanceFen());
                              JsonWriter.money(
                                  g, "lowBalanceThreshold", d.account().lowBalanceThresholdFen());
                              g.writeArrayFieldStart("days");
                              for (LedgerService.Day day : d.days()) {
                                g.writeStartObject();
                                g.writeStringField("day", day.day().toString());
                                JsonWriter.money(g, "topUps", day.topUps());
                                JsonWriter.money(g, "drawdowns", day.drawdowns());
                                JsonWriter.money(g, "reversalCredits", day.reversalCredits());
                                JsonWriter.money(g, "advances", day.advances());
                                JsonWriter.money(g, "advanceReversals", day.advanceReversals());
                                JsonWriter.money(g, "closingBalance", day.closingBalanceFen());
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                              g.writeEndObject();
                            })));
  }

  /** The office's drawdowns per day and hospital, over all its accounts. */
  private void officeDaily(RoutingContext ctx) {
    LocalDate from = firstDay(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .officeDaily(ManagerApi.manager(ctx), from)
                .map(
                    list ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeStringField("from", from.toString());
                              g.writeStringField("to", today().toString());
                              g.writeArrayFieldStart("days");
                              for (LedgerService.HospitalDay d : list) {
                                g.writeStartObject();
                                g.writeStringField("day", d.day().toString());
                                g.writeStringField("hospitalCode", d.hospitalCode());
                                g.writeStringField("hospitalName", d.hospitalName());
                                JsonWriter.money(g, "drawdowns", d.drawdownsFen());
                                JsonWriter.money(g, "advances", d.advancesFen());
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                              g.writeEndObject();
                            })));
  }

  /** When the account runs out at the last 30 days' pace ({@link Forecast}: the rule). */
  private void forecast(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .forecast(ManagerApi.manager(ctx), id)
                .map(
                    f ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeStringField("today", f.today().toString());
                              g.writeStringField("windowFrom", f.windowFrom().toString());
                              g.writeStringField("windowTo", f.windowTo().toString());
                              g.writeNumberField("windowDays", Forecast.WINDOW_DAYS);
                              JsonWriter.money(g, "demand", f.demandFen());
                              JsonWriter.money(g, "dailyRate", f.dailyRateFen());
                              JsonWriter.money(g, "balance", f.balanceFen());
                              JsonWriter.money(
                                  g, "lowBalanceThreshold", f.lowBalanceThresholdFen());
                              g.writeStringField("runOutDate", text(f.runOutDate()));
                              g.writeStringField("alertDate", text(f.alertDate()));
                              g.writeStringField("periodEnd", f.periodEnd().toString());
                              g.writeNumberField("daysLeft", f.daysLeft());
                              JsonWriter.money(g, "neededToPeriodEnd", f.neededToPeriodEndFen());
                              JsonWriter.money(g, "topUpNeeded", f.topUpNeededFen());
                              g.writeEndObject();
                            })));
  }

  private static String text(LocalDate d) {
    return d == null ? null : d.toString();
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(zone));
  }

  /** The first day of the last {@code days} (query, 30 by default, at most 366), today included. */
  private LocalDate firstDay(RoutingContext ctx) {
    int days = Requests.intParam(ctx, "days", 30, 1, 366);
    return today().minusDays(days - 1L);
  }

  private void close(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    String period = period(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .close(ManagerApi.manager(ctx), id, period)
                .map(s -> JsonWriter.render(g -> statement(g, s))));
  }

  private void statements(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .statements(ManagerApi.manager(ctx), id)
                .map(
                    list ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartArray();
                              for (LedgerService.Statement s : list) {
                                statement(g, s);
                              }
                              g.writeEndArray();
                            })));
  }

  private void statement(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    String period = period(ctx);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .statement(ManagerApi.manager(ctx), id, period)
                .map(
                    d ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeFieldName("statement");
                              statement(g, d.statement());
                              g.writeArrayFieldStart("items");
                              for (LedgerService.Entry e : d.items()) {
                                entry(g, e);
                              }
                              g.writeEndArray();
                              g.writeEndObject();
                            })));
  }

  /**
   * A statement's figures, in the order both its JSON and its CSV write them: one list, so the two
   * cannot drift apart. Money is written as yuan with two decimals in both.
   */
  private record Column(String json, String csv, Function<LedgerService.Statement, Object> value) {}

  /** An amount in fen, written as yuan. */
  private record Money(long fen) {}

  private static final List<Column> STATEMENT =
      List.of(
          new Column("accountId", "account", s -> s.accountId()),
          new Column("period", "period", LedgerService.Statement::period),
          new Column("openingBalance", "opening_balance", s -> new Money(s.openingFen())),
          new Column("topUps", "top_ups", s -> new Money(s.topUpsFen())),
          new Column("drawdowns", "drawdowns", s -> new Money(s.drawdownsFen())),
          new Column("reversalCredits", "reversal_credits", s -> new Money(s.reversalCreditsFen())),
          new Column("advances", "advances", s -> new Money(s.advancesFen())),
          new Column(
              "advanceReversals", "advance_reversals", s -> new Money(s.advanceReversalsFen())),
          new Column("closingBalance", "closing_balance", s -> new Money(s.closingFen())),
          new Column("advanceOwed", "advance_owed", s -> new Money(s.advanceOwedFen())),
          new Column("settlementCount", "settlements", s -> s.settlementCount()),
          new Column("closedAt", "closed_at", LedgerService.Statement::closedAt),
          new Column("closedBy", "closed_by", LedgerService.Statement::closedBy));

  private void statementCsv(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    String period = period(ctx);
    guard
        .call(() -> ledger.statement(ManagerApi.manager(ctx), id, period))
        .onSuccess(
            d -> {
              // a byte-order mark first, so that Excel reads a Chinese document number as UTF-8
              StringBuilder csv = new StringBuilder("\uFEFF");
              StringJoiner head = new StringJoiner(",", "", "\n");
              StringJoiner values = new StringJoiner(",", "", "\n\n");
              for (Column c : STATEMENT) {
                head.add(c.csv());
                values.add(csvText(c.value().apply(d.statement())));
              }
              csv.append(head).append(values);
              csv.append("transfer_id,kind,amount,settlement_id,claim_no,top_up_ref,created_at\n");
              for (LedgerService.Entry e : d.items()) {
                StringJoiner line = new StringJoiner(",", "", "\n");
                line.add(Long.toString(e.id()))
                    .add(e.kind())
                    .add(Fen.format(e.amountFen()))
                    .add(e.settlementId() == null ? "" : e.settlementId().toString())
                    .add(e.claimNo() == null ? "" : e.claimNo())
                    .add(e.topUpRef() == null ? "" : e.topUpRef())
                    .add(JsonWriter.time(e.createdAt(), zone));
                csv.append(line);
              }
              if (Responses.answered(ctx)) {
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"statement-" + id + "-" + period + ".csv\"")
                  .end(csv.toString());
            })
        .onFailure(ctx::fail);
  }

  private String csvText(Object v) {
    if (v instanceof Money m) {
      return Fen.format(m.fen());
    }
    if (v instanceof Instant t) {
      return JsonWriter.time(t, zone);
    }
    return String.valueOf(v);
  }

  private void entry(JsonGenerator g, LedgerService.Entry e) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", e.id());
    g.writeStringField("kind", e.kind());
    if (e.debitAccount() != null) {
      g.writeStringField("debitAccount", e.debitAccount());
      g.writeStringField("creditAccount", e.creditAccount());
    }
    JsonWriter.money(g, "amount", e.amountFen());
    g.writeStringField(
        "settlementId", e.settlementId() == null ? null : e.settlementId().toString());
    g.writeStringField("claimNo", e.claimNo());
    g.writeStringField("topUpRef", e.topUpRef());
    g.writeStringField("period", e.period());
    g.writeStringField("createdAt", JsonWriter.time(e.createdAt(), zone));
    if (e.createdBy() != null) {
      g.writeStringField("createdBy", e.createdBy());
    }
    if (e.balanceAfterFen() != null) {
      JsonWriter.money(g, "balanceAfter", e.balanceAfterFen());
    }
    LedgerService.Paid p = e.paid();
    if (p != null) {
      g.writeObjectFieldStart("paid");
      g.writeStringField("personIdNo", p.personIdNo());
      g.writeBooleanField("fullIdNo", p.fullIdNo());
      g.writeStringField("personName", p.personName());
      g.writeStringField("hospitalCode", p.hospitalCode());
      g.writeStringField("hospitalName", p.hospitalName());
      g.writeStringField("dischargeDate", text(p.dischargeDate()));
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void statement(JsonGenerator g, LedgerService.Statement s) throws IOException {
    g.writeStartObject();
    for (Column c : STATEMENT) {
      Object v = c.value().apply(s);
      if (v instanceof Money m) {
        JsonWriter.money(g, c.json(), m.fen());
      } else if (v instanceof Number n) {
        g.writeNumberField(c.json(), n.longValue());
      } else if (v instanceof Instant t) {
        g.writeStringField(c.json(), JsonWriter.time(t, zone));
      } else {
        g.writeStringField(c.json(), (String) v);
      }
    }
    g.writeEndObject();
  }

  private static String period(RoutingContext ctx) {
    String p = ctx.pathParam("period");
    if (!PERIOD.matcher(p).matches()) {
      throw Refusal.invalid("period", "must be a month like 2018-03");
    }
    try {
      YearMonth.parse(p);
    } catch (RuntimeException e) {
      throw Refusal.invalid("period", "must be a month like 2018-03");
    }
    return p;
  }
}
