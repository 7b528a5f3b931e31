package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
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
    int days = Requests.intParam(ctx, "days", 30, 1, 366);
    LocalDate from = LocalDate.now(clock.withZone(zone)).minusDays(days - 1L);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .daily(ManagerApi.manager(ctx), id, from)
                .map(
                    list ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartObject();
                              g.writeStringField("from", from.toString());
                              g.writeArrayFieldStart("days");
                              for (LedgerService.Day d : list) {
                                g.writeStartObject();
                                g.writeStringField("day", d.day().toString());
                                JsonWriter.money(g, "topUps", d.topUps());
                                JsonWriter.money(g, "drawdowns", d.drawdowns());
                                JsonWriter.money(g, "reversalCredits", d.reversalCredits());
                                JsonWriter.money(g, "advances", d.advances());
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                              g.writeEndObject();
                            })));
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

  private void statementCsv(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    String period = period(ctx);
    guard
        .call(() -> ledger.statement(ManagerApi.manager(ctx), id, period))
        .onSuccess(
            d -> {
              LedgerService.Statement s = d.statement();
              StringBuilder csv = new StringBuilder();
              csv.append("account,period,opening_balance,top_ups,drawdowns,reversal_credits,")
                  .append(
                      "advances,advance_reversals,closing_balance,advance_owed,settlements,closed_at,closed_by\n");
              csv.append(s.accountId())
                  .append(',')
                  .append(s.period())
                  .append(',')
                  .append(Fen.format(s.openingFen()))
                  .append(',')
                  .append(Fen.format(s.topUpsFen()))
                  .append(',')
                  .append(Fen.format(s.drawdownsFen()))
                  .append(',')
                  .append(Fen.format(s.reversalCreditsFen()))
                  .append(',')
                  .append(Fen.format(s.advancesFen()))
                  .append(',')
                  .append(Fen.format(s.advanceReversalsFen()))
                  .append(',')
                  .append(Fen.format(s.closingFen()))
                  .append(',')
                  .append(Fen.format(s.advanceOwedFen()))
                  .append(',')
                  .append(s.settlementCount())
                  .append(',')
                  .append(JsonWriter.time(s.closedAt(), zone))
                  .append(',')
                  .append(s.closedBy())
                  .append("\n\n");
              csv.append("transfer_id,kind,amount,settlement_id,claim_no,top_up_ref,created_at\n");
              for (LedgerService.Entry e : d.items()) {
                csv.append(e.id())
                    .append(',')
                    .append(e.kind())
                    .append(',')
                    .append(Fen.format(e.amountFen()))
                    .append(',')
                    .append(e.settlementId() == null ? "" : e.settlementId())
                    .append(',')
                    .append(e.claimNo() == null ? "" : e.claimNo())
                    .append(',')
                    .append(e.topUpRef() == null ? "" : e.topUpRef())
                    .append(',')
                    .append(JsonWriter.time(e.createdAt(), zone))
                    .append('\n');
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
    g.writeEndObject();
  }

  private void statement(JsonGenerator g, LedgerService.Statement s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("accountId", s.accountId());
    g.writeStringField("period", s.period());
    JsonWriter.money(g, "openingBalance", s.openingFen());
    JsonWriter.money(g, "topUps", s.topUpsFen());
    JsonWriter.money(g, "drawdowns", s.drawdownsFen());
    JsonWriter.money(g, "reversalCredits", s.reversalCreditsFen());
    JsonWriter.money(g, "advances", s.advancesFen());
    JsonWriter.money(g, "advanceReversals", s.advanceReversalsFen());
    JsonWriter.money(g, "closingBalance", s.closingFen());
    JsonWriter.money(g, "advanceOwed", s.advanceOwedFen());
    g.writeNumberField("settlementCount", s.settlementCount());
    g.writeStringField("closedAt", JsonWriter.time(s.closedAt(), zone));
    g.writeStringField("closedBy", s.closedBy());
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
