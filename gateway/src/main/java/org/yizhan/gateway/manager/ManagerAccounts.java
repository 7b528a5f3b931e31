package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.security.HospitalDirectory;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The managers' prepayment accounts, one per office and hospital: the hospitals one may be opened
 * for, open one, set its mode (advance or refuse when the money runs out) and its low-balance
 * threshold, and top it up (拨付) with a document number that makes a repeated top-up a replay.
 * Another office's account is "not found". Its entries, periods and statements: {@link
 * ManagerStatements}.
 */
final class ManagerAccounts {
  /**
   * A top-up's reference after NFKC (full-width letters, digits and brackets become ASCII): ASCII
   * letters and digits, Chinese characters and the punctuation of Chinese document numbers (拨付单号
   * such as 揭民救〔2018〕12号), so the same document typed either way is one reference.
   */
  static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9\\p{IsHan}〔〕【】()\\[\\]._/-]{1,64}");

  static final Pattern HOSPITAL = Pattern.compile("[A-Za-z0-9]{1,32}");
  static final BigDecimal MAX_AMOUNT = new BigDecimal("10000000000");

  private final LedgerService ledger;
  private final DbGuard guard;
  private final Pool pool;

  ManagerAccounts(LedgerService ledger, DbGuard guard, Pool pool) {
    this.ledger = ledger;
    this.guard = guard;
    this.pool = pool;
  }

  void mount(Routes routes) {
    routes.add(GET, "/manager/api/hospitals", this::hospitals);
    routes.add(GET, "/manager/api/accounts", this::accounts);
    routes.add(POST, "/manager/api/accounts", Requests.json(this::openAccount));
    routes.add(PUT, "/manager/api/accounts/:id/settings", Requests.json(this::settings));
    routes.add(POST, "/manager/api/accounts/:id/top-ups", Requests.json(this::topUp));
  }

  private void hospitals(RoutingContext ctx) {
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            HospitalDirectory.all(pool)
                .map(
                    rows ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartArray();
                              for (var r : rows) {
                                g.writeStartObject();
                                g.writeStringField("code", r.code());
                                g.writeStringField("name", r.name());
                                g.writeNumberField("level", r.level());
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                            })));
  }

  private void accounts(RoutingContext ctx) {
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .accounts(ManagerApi.manager(ctx))
                .map(
                    list ->
                        JsonWriter.render(
                            g -> {
                              g.writeStartArray();
                              for (LedgerService.AccountView a : list) {
                                account(g, a.account(), a.hospitalName(), a.lowBalance());
                              }
                              g.writeEndArray();
                            })));
  }

  private void openAccount(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("hospitalCode"));
    String hospital = f.text("hospitalCode", HOSPITAL, "a hospital code", true);
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .open(ManagerApi.manager(ctx), hospital)
                .map(
                    a ->
                        JsonWriter.render(
                            g ->
                                account(g, a, null, a.balanceFen() < a.lowBalanceThresholdFen()))));
  }

  private void settings(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("mode", "lowBalanceThreshold"));
    PrepaymentMode mode =
        PrepaymentMode.valueOf(
            f.text(
                "mode",
                Pattern.compile("HOSPITAL_ADVANCE|REFUSE"),
                "HOSPITAL_ADVANCE or REFUSE",
                true));
    long threshold = f.typedAmount("lowBalanceThreshold", 2, MAX_AMOUNT);
    if (threshold < 0) {
      throw Refusal.invalid("lowBalanceThreshold", "must not be negative");
    }
    ManagerApi.reply(
        ctx,
        guard,
        () ->
            ledger
                .settings(ManagerApi.manager(ctx), id, mode, threshold)
                .map(
                    a ->
                        JsonWriter.render(
                            g ->
                                account(g, a, null, a.balanceFen() < a.lowBalanceThresholdFen()))));
  }

  private void topUp(RoutingContext ctx) {
    long id = ManagerApi.accountId(ctx);
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("reference", "amount"));
    String reference =
        Normalizer.normalize(
            f.text(
                "reference",
                Pattern.compile(".{1,64}", Pattern.DOTALL),
                "1–64 letters, digits, Chinese characters, 〔〕【】()[] or '.', '_', '/', '-'",
                true),
            Normalizer.Form.NFKC);
    if (!REFERENCE.matcher(reference).matches()) {
      throw Refusal.invalid(
          "reference",
          "must be 1–64 letters, digits, Chinese characters, 〔〕【】()[] or '.', '_', '/', '-'"
              + " (a document number such as 揭民救〔2018〕12号)");
    }
    long amount = f.typedAmount("amount", 2, MAX_AMOUNT);
    if (amount <= 0) {
      throw Refusal.invalid("amount", "must be greater than 0");
    }
    guard
        .call(() -> ledger.topUp(ManagerApi.manager(ctx), id, reference, amount))
        .onSuccess(
            t -> {
              if (Responses.answered(ctx)) {
                return;
              }
              if (t.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              }
              Responses.send(
                  ctx,
                  t.replayed() ? 200 : 201,
                  JsonWriter.render(
                      g -> {
                        g.writeStartObject();
                        g.writeNumberField("transferId", t.transferId());
                        g.writeStringField("reference", reference);
                        JsonWriter.money(g, "amount", t.amountFen());
                        g.writeFieldName("account");
                        account(
                            g,
                            t.account(),
                            null,
                            t.account().balanceFen() < t.account().lowBalanceThresholdFen());
                        g.writeEndObject();
                      }));
            })
        .onFailure(ctx::fail);
  }

  private void account(JsonGenerator g, Account a, String hospitalName, boolean low)
      throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", a.id());
    g.writeStringField("officeCode", a.officeCode());
    g.writeStringField("hospitalCode", a.hospitalCode());
    if (hospitalName != null) {
      g.writeStringField("hospitalName", hospitalName);
    }
    g.writeStringField("mode", a.mode().name());
    JsonWriter.money(g, "balance", a.balanceFen());
    JsonWriter.money(g, "advanceOwed", a.advanceOwedFen());
    JsonWriter.money(g, "lowBalanceThreshold", a.lowBalanceThresholdFen());
    g.writeBooleanField("lowBalance", low);
    g.writeStringField("openPeriod", a.openPeriod());
    // the period the managers may close now: the open one once it has ended, else none yet
    g.writeStringField("closablePeriod", ledger.ended(a.openPeriod()) ? a.openPeriod() : null);
    g.writeEndObject();
  }
}
