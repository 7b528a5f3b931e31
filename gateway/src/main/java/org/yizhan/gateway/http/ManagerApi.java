package org.yizhan.gateway.http;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.identity.IdentityRoster;
import org.yizhan.gateway.identity.IdentityService;
import org.yizhan.gateway.identity.IdentityVersion;
import org.yizhan.gateway.identity.RosterFile;
import org.yizhan.gateway.ledger.Account;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.security.Limits;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.store.DbGuard;

/**
 * The civil-affairs managers' API under {@code /manager/api}: log in, identities (身份确认) with roster
 * import and export, prepayment accounts, top-ups, ledger entries and their check, drawdowns per
 * day, period clearing (清算) and statements. Every route but login needs a session; a manager acts
 * for one office and another office's identity or account is "not found". The managers' page
 * ({@code /manager/}) is a client of this API.
 *
 * <p>Cross-site requests: the session cookie is SameSite=Strict and HttpOnly, and a request that
 * changes something with the cookie must also carry {@code X-Requested-With}, which a page of
 * another site cannot send without a CORS preflight this gateway never grants.
 */
public final class ManagerApi {
  static final String COOKIE = "yz_session";
  static final String MANAGER = "manager";

  static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,64}");
  static final Pattern PASSWORD = Pattern.compile("[\\x20-\\x7e]{1,128}");

  /**
   * A top-up's reference after NFKC (full-width letters, digits and brackets become ASCII): ASCII
   * letters and digits, Chinese characters and the punctuation of Chinese document numbers (拨付单号
   * such as 揭民救〔2018〕12号), so the same document typed either way is one reference.
   */
  static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9\\p{IsHan}〔〕【】()\\[\\]._/-]{1,64}");

  /** An account id in a path: ASCII digits, at most 18 (a positive bigint). */
  static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{1,18}");

  static final Pattern HOSPITAL = Pattern.compile("[A-Za-z0-9]{1,32}");
  static final Pattern CATEGORY =
      Pattern.compile("DESTITUTE|SUBSISTENCE|REGISTERED_POOR|ILLNESS_POOR");
  static final Pattern PERIOD = Pattern.compile("\\d{4}-\\d{2}");
  static final Pattern KIND =
      Pattern.compile("TOP_UP|DRAWDOWN|ADVANCE|REVERSAL_CREDIT|ADVANCE_REVERSAL");
  static final BigDecimal MAX_AMOUNT = new BigDecimal("10000000000");

  private final ManagerAuth auth;
  private final IdentityService identities;
  private final IdentityRoster roster;
  private final LedgerService ledger;
  private final DbGuard guard;
  private final Pool pool;
  private final Limits limits;
  private final ZoneId zone;

  /** The gateway's clock: the latest birth date an ID number may hold is its today. */
  private final Clock clock;

  public ManagerApi(
      ManagerAuth auth,
      IdentityService identities,
      LedgerService ledger,
      DbGuard guard,
      Pool pool,
      Limits limits,
      ZoneId zone,
      Clock clock) {
    this.auth = auth;
    this.limits = limits;
    this.identities = identities;
    this.roster = new IdentityRoster(identities);
    this.ledger = ledger;
    this.guard = guard;
    this.pool = pool;
    this.zone = zone;
    this.clock = clock;
  }

  /**
   * Checks the session from the headers before the body is read (login excepted): a request without
   * a valid session is answered and its connection closed, its body never read.
   */
  public void mountGate(Routes routes) {
    routes
        .router()
        .route("/manager/api/*")
        .handler(
            ctx -> {
              ctx.request().pause();
              authenticate(ctx);
            });
  }

  public void mount(Routes routes) {
    routes.add(POST, "/manager/api/login", HospitalApi.json(this::login));
    routes.add(POST, "/manager/api/logout", this::logout);
    routes.add(GET, "/manager/api/me", this::me);
    routes.add(GET, "/manager/api/hospitals", this::hospitals);
    routes.add(GET, "/manager/api/identities", this::listIdentities);
    routes.add(POST, "/manager/api/identities", HospitalApi.json(this::register));
    routes.add(GET, "/manager/api/identities/export", this::exportRoster);
    routes.add(POST, "/manager/api/identities/import", this::importRoster);
    routes.add(GET, "/manager/api/identities/:id/history", this::history);
    routes.add(PUT, "/manager/api/identities/:id", HospitalApi.json(this::change));
    routes.add(POST, "/manager/api/identities/:id/confirm", this::confirm);
    routes.add(POST, "/manager/api/identities/:id/end", HospitalApi.json(this::end));
    routes.add(GET, "/manager/api/accounts", this::accounts);
    routes.add(POST, "/manager/api/accounts", HospitalApi.json(this::openAccount));
    routes.add(PUT, "/manager/api/accounts/:id/settings", HospitalApi.json(this::settings));
    routes.add(POST, "/manager/api/accounts/:id/top-ups", HospitalApi.json(this::topUp));
    routes.add(GET, "/manager/api/accounts/:id/entries", this::entries);
    routes.add(GET, "/manager/api/accounts/:id/verify", this::verify);
    routes.add(GET, "/manager/api/accounts/:id/daily", this::daily);
    routes.add(POST, "/manager/api/accounts/:id/periods/:period/close", this::close);
    routes.add(GET, "/manager/api/accounts/:id/statements", this::statements);
    routes.add(GET, "/manager/api/accounts/:id/statements/:period", this::statement);
    routes.add(GET, "/manager/api/accounts/:id/statements/:period/csv", this::statementCsv);
  }

  // ---- sessions

  private void login(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(HospitalApi.body(ctx)), "", Set.of("username", "password"));
    String username = f.text("username", USERNAME, "3–64 lower-case letters or digits", true);
    String password = f.text("password", PASSWORD, "1–128 printable characters", true);
    limits.admitLogin();
    guard
        .call(
            () ->
                auth.login(
                    username,
                    password,
                    ctx.request().remoteAddress() == null
                        ? null
                        : ctx.request().remoteAddress().hostAddress()))
        .onSuccess(
            s -> {
              Cookie c =
                  Cookie.cookie(COOKIE, s.token())
                      .setPath("/manager")
                      .setHttpOnly(true)
                      .setSameSite(CookieSameSite.STRICT)
                      .setMaxAge(ManagerAuth.SESSION_HOURS * 3600L);
              if (HospitalApi.answered(ctx)) {
                return;
              }
              ctx.response().addCookie(c);
              HospitalApi.send(
                  ctx,
                  200,
                  SettlementJson.render(
                      g -> {
                        g.writeStartObject();
                        g.writeStringField("token", s.token());
                        g.writeStringField("expiresAt", s.expiresAt().toString());
                        g.writeFieldName("manager");
                        manager(g, s.manager());
                        g.writeEndObject();
                      }));
            })
        .onFailure(ctx::fail);
  }

  private void authenticate(RoutingContext ctx) {
    if (ctx.normalizedPath().equals("/manager/api/login")) {
      ctx.next();
      return;
    }
    String bearer = ctx.request().getHeader("Authorization");
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String token;
    if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = bearer.substring(7).trim();
    } else if (cookie != null) {
      token = cookie.getValue();
      boolean changes = ctx.request().method() != GET;
      if (changes && ctx.request().getHeader("X-Requested-With") == null) {
        ctx.fail(
            new ApiError(
                403,
                "CSRF_REFUSED",
                "X-Requested-With",
                "X-Requested-With is required on a change made with the session cookie"));
        return;
      }
    } else {
      ctx.fail(ApiError.unauthenticated("log in first: POST /manager/api/login"));
      return;
    }
    guard
        .call(() -> auth.authenticate(token))
        .onSuccess(
            m -> {
              try {
                limits.admitManager(m.username());
              } catch (ApiError tooMany) {
                ctx.fail(tooMany);
                return;
              }
              ctx.put(MANAGER, m);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  static ManagerPrincipal manager(RoutingContext ctx) {
    return ctx.get(MANAGER);
  }

  private void logout(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String bearer = ctx.request().getHeader("Authorization");
    String token =
        bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)
            ? bearer.substring(7).trim()
            : cookie.getValue();
    guard
        .call(() -> auth.logout(token))
        .onSuccess(
            v -> {
              if (HospitalApi.answered(ctx)) {
                return;
              }
              ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/manager").setMaxAge(0));
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    HospitalApi.send(ctx, 200, SettlementJson.render(g -> manager(g, manager(ctx))));
  }

  private static void manager(JsonGenerator g, ManagerPrincipal m) throws IOException {
    g.writeStartObject();
    g.writeStringField("username", m.username());
    g.writeStringField("name", m.name());
    g.writeStringField("officeCode", m.officeCode());
    g.writeEndObject();
  }

  private void hospitals(RoutingContext ctx) {
    reply(
        ctx,
        () ->
            pool.query("SELECT code, name, hospital_level FROM hospital ORDER BY code")
                .execute()
                .map(
                    rows ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartArray();
                              for (var r : rows) {
                                g.writeStartObject();
                                g.writeStringField("code", r.getString("code"));
                                g.writeStringField("name", r.getString("name"));
                                g.writeNumberField("level", r.getInteger("hospital_level"));
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                            })));
  }

  // ---- identities

  private void listIdentities(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    if (q != null && (q.isBlank() || q.length() > 64)) {
      throw ApiError.invalid("q", "must be 1–64 characters");
    }
    if (q != null && !Json.wellFormed(q)) {
      // NUL or a lone surrogate: PostgreSQL would refuse the text (22021) with a 500
      throw ApiError.invalidText("q");
    }
    String c = ctx.queryParams().get("category");
    if (c != null && !CATEGORY.matcher(c).matches()) {
      throw ApiError.invalid("category", "must be one of " + CATEGORY.pattern().replace('|', ','));
    }
    int page = HospitalApi.intParam(ctx, "page", 1, 1, 100_000);
    int size = HospitalApi.intParam(ctx, "size", 50, 1, 500);
    reply(
        ctx,
        () ->
            identities
                .list(manager(ctx), q, c == null ? null : IdentityCategory.valueOf(c), page, size)
                .map(
                    p ->
                        SettlementJson.page(
                            p.page(), p.size(), p.total(), p.items(), this::identity)));
  }

  static final Set<String> IDENTITY_FIELDS =
      Set.of(
          "personIdNo",
          "personName",
          "category",
          "validFrom",
          "validTo",
          "confirmed",
          "liftedOutDate");

  private void register(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(HospitalApi.body(ctx)), "", IDENTITY_FIELDS);
    IdentityService.Draft d =
        new IdentityService.Draft(
            f.idNumber("personIdNo", clock).value(),
            f.text("personName", ClaimParser.NAME, "1–64 printable characters", false),
            IdentityCategory.valueOf(
                f.text(
                    "category",
                    CATEGORY,
                    "DESTITUTE, SUBSISTENCE, REGISTERED_POOR or ILLNESS_POOR",
                    true)),
            f.date("validFrom"),
            optionalDate(f, "validTo"),
            bool(f, "confirmed", false),
            optionalDate(f, "liftedOutDate"));
    replyIdentity(ctx, () -> identities.register(manager(ctx), d), 201);
  }

  private void change(RoutingContext ctx) {
    UUID id = uuid(ctx, "identity");
    Fields f =
        Fields.of(
            Json.parse(HospitalApi.body(ctx)),
            "",
            Set.of("personName", "validFrom", "validTo", "confirmed", "liftedOutDate"));
    String name = f.text("personName", ClaimParser.NAME, "1–64 printable characters", false);
    LocalDate from = f.raw("validFrom") == null ? null : f.date("validFrom");
    boolean hasTo = f.raw("validTo") != null;
    LocalDate to = optionalDate(f, "validTo");
    Boolean confirmed = f.raw("confirmed") == null ? null : bool(f, "confirmed", false);
    boolean hasLifted = f.raw("liftedOutDate") != null;
    LocalDate lifted = optionalDate(f, "liftedOutDate");
    replyIdentity(
        ctx,
        () ->
            identities.change(
                manager(ctx),
                id,
                d ->
                    new IdentityService.Draft(
                        d.personIdNo(),
                        name == null ? d.personName() : name,
                        d.category(),
                        from == null ? d.validFrom() : from,
                        hasTo ? to : d.validTo(),
                        confirmed == null ? d.confirmed() : confirmed,
                        hasLifted ? lifted : d.liftedOutDate()),
                "IDENTITY_CHANGE"),
        200);
  }

  private void confirm(RoutingContext ctx) {
    UUID id = uuid(ctx, "identity");
    replyIdentity(
        ctx,
        () ->
            identities.change(
                manager(ctx), id, IdentityService.Draft::asConfirmed, "IDENTITY_CONFIRM"),
        200);
  }

  private void end(RoutingContext ctx) {
    UUID id = uuid(ctx, "identity");
    Fields f = Fields.of(Json.parse(HospitalApi.body(ctx)), "", Set.of("validTo"));
    LocalDate to = f.date("validTo");
    replyIdentity(
        ctx, () -> identities.change(manager(ctx), id, d -> d.endingOn(to), "IDENTITY_END"), 200);
  }

  private void history(RoutingContext ctx) {
    UUID id = uuid(ctx, "identity");
    reply(
        ctx,
        () ->
            identities
                .history(manager(ctx), id)
                .compose(
                    vs ->
                        vs.isEmpty()
                            ? Future.failedFuture(ApiError.notFound("identity " + id))
                            : Future.succeededFuture(vs))
                .map(
                    vs ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartArray();
                              for (IdentityVersion v : vs) {
                                identity(g, v);
                              }
                              g.writeEndArray();
                            })));
  }

  /** The Content-Types a roster upload may carry; the body's first bytes decide CSV or .xlsx. */
  static final Set<String> ROSTER_TYPES =
      Set.of(
          "text/csv",
          "text/plain",
          "application/vnd.ms-excel",
          RosterFile.XLSX_TYPE,
          "application/octet-stream");

  private void importRoster(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
    if (!ROSTER_TYPES.contains(base)) {
      throw new ApiError(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Content-Type",
          "Content-Type must be text/csv or " + RosterFile.XLSX_TYPE);
    }
    byte[] body = HospitalApi.body(ctx);
    RosterFile.Format format = RosterFile.format(body, type);
    HospitalApi.reply(
        ctx,
        roster
            .importFile(ctx.vertx(), manager(ctx), body, format, guard::call)
            .map(
                r ->
                    SettlementJson.render(
                        g -> {
                          g.writeStartObject();
                          g.writeNumberField("rows", r.rows());
                          g.writeNumberField("registered", r.registered());
                          g.writeNumberField("changed", r.changed());
                          g.writeNumberField("unchanged", r.unchanged());
                          g.writeEndObject();
                        })),
        200);
  }

  private void exportRoster(RoutingContext ctx) {
    ManagerPrincipal m = manager(ctx);
    guard
        .call(() -> identities.list(m, null, null, 1, IdentityRoster.MAX_ROWS))
        .onSuccess(
            p -> {
              if (HospitalApi.answered(ctx)) {
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"roster-" + m.officeCode() + ".csv\"")
                  .end("\uFEFF" + IdentityRoster.exportCsv(p.items()));
            })
        .onFailure(ctx::fail);
  }

  private void replyIdentity(
      RoutingContext ctx, Supplier<Future<IdentityVersion>> change, int status) {
    guard
        .call(change)
        .onSuccess(x -> HospitalApi.send(ctx, status, SettlementJson.render(g -> identity(g, x))))
        .onFailure(ctx::fail);
  }

  private void identity(JsonGenerator g, IdentityVersion v) throws IOException {
    g.writeStartObject();
    g.writeStringField("identityId", v.identityId().toString());
    g.writeNumberField("version", v.version());
    g.writeStringField("personIdNo", v.personIdNo());
    g.writeStringField("personName", v.personName());
    g.writeStringField("officeCode", v.officeCode());
    g.writeStringField("category", v.category().name());
    g.writeStringField("categoryName", v.category().chineseName());
    g.writeStringField("validFrom", v.validFrom().toString());
    g.writeStringField("validTo", v.validTo() == null ? null : v.validTo().toString());
    g.writeBooleanField("confirmed", v.confirmed());
    g.writeStringField(
        "liftedOutDate", v.liftedOutDate() == null ? null : v.liftedOutDate().toString());
    g.writeStringField("recordedAt", SettlementJson.time(v.recordedAt(), zone));
    g.writeStringField("recordedBy", v.recordedBy());
    g.writeStringField("supersededAt", SettlementJson.time(v.supersededAt(), zone));
    g.writeEndObject();
  }

  // ---- accounts

  private void accounts(RoutingContext ctx) {
    reply(
        ctx,
        () ->
            ledger
                .accounts(manager(ctx))
                .map(
                    list ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartArray();
                              for (LedgerService.AccountView a : list) {
                                account(g, a.account(), a.hospitalName(), a.lowBalance());
                              }
                              g.writeEndArray();
                            })));
  }

  private void openAccount(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(HospitalApi.body(ctx)), "", Set.of("hospitalCode"));
    String hospital = f.text("hospitalCode", HOSPITAL, "a hospital code", true);
    reply(
        ctx,
        () ->
            ledger
                .open(manager(ctx), hospital)
                .map(
                    a ->
                        SettlementJson.render(
                            g ->
                                account(g, a, null, a.balanceFen() < a.lowBalanceThresholdFen()))));
  }

  private void settings(RoutingContext ctx) {
    long id = accountId(ctx);
    Fields f =
        Fields.of(Json.parse(HospitalApi.body(ctx)), "", Set.of("mode", "lowBalanceThreshold"));
    PrepaymentMode mode =
        PrepaymentMode.valueOf(
            f.text(
                "mode",
                Pattern.compile("HOSPITAL_ADVANCE|REFUSE"),
                "HOSPITAL_ADVANCE or REFUSE",
                true));
    long threshold = f.typedAmount("lowBalanceThreshold", 2, MAX_AMOUNT);
    if (threshold < 0) {
      throw ApiError.invalid("lowBalanceThreshold", "must not be negative");
    }
    reply(
        ctx,
        () ->
            ledger
                .settings(manager(ctx), id, mode, threshold)
                .map(
                    a ->
                        SettlementJson.render(
                            g ->
                                account(g, a, null, a.balanceFen() < a.lowBalanceThresholdFen()))));
  }

  private void topUp(RoutingContext ctx) {
    long id = accountId(ctx);
    Fields f = Fields.of(Json.parse(HospitalApi.body(ctx)), "", Set.of("reference", "amount"));
    String reference =
        Normalizer.normalize(
            f.text(
                "reference",
                Pattern.compile(".{1,64}", Pattern.DOTALL),
                "1–64 letters, digits, Chinese characters, 〔〕【】()[] or '.', '_', '/', '-'",
                true),
            Normalizer.Form.NFKC);
    if (!REFERENCE.matcher(reference).matches()) {
      throw ApiError.invalid(
          "reference",
          "must be 1–64 letters, digits, Chinese characters, 〔〕【】()[] or '.', '_', '/', '-'"
              + " (a document number such as 揭民救〔2018〕12号)");
    }
    long amount = f.typedAmount("amount", 2, MAX_AMOUNT);
    if (amount <= 0) {
      throw ApiError.invalid("amount", "must be greater than 0");
    }
    guard
        .call(() -> ledger.topUp(manager(ctx), id, reference, amount))
        .onSuccess(
            t -> {
              if (HospitalApi.answered(ctx)) {
                return;
              }
              if (t.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              }
              HospitalApi.send(
                  ctx,
                  t.replayed() ? 200 : 201,
                  SettlementJson.render(
                      g -> {
                        g.writeStartObject();
                        g.writeNumberField("transferId", t.transferId());
                        g.writeStringField("reference", reference);
                        SettlementJson.money(g, "amount", t.amountFen());
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

  private void entries(RoutingContext ctx) {
    long id = accountId(ctx);
    String kind = ctx.queryParams().get("kind");
    if (kind != null && !KIND.matcher(kind).matches()) {
      throw ApiError.invalid("kind", "must be one of " + KIND.pattern().replace('|', ','));
    }
    LocalDate from = HospitalApi.dateParam(ctx, "from");
    LocalDate to = HospitalApi.dateParam(ctx, "to");
    int page = HospitalApi.intParam(ctx, "page", 1, 1, 100_000);
    int size = HospitalApi.intParam(ctx, "size", 50, 1, 500);
    reply(
        ctx,
        () ->
            ledger
                .entries(manager(ctx), id, kind, from, to, page, size)
                .map(
                    p ->
                        SettlementJson.page(
                            p.page(), p.size(), p.total(), p.items(), this::entry)));
  }

  private void verify(RoutingContext ctx) {
    long id = accountId(ctx);
    reply(
        ctx,
        () ->
            ledger
                .verify(manager(ctx), id)
                .map(
                    v ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartObject();
                              g.writeBooleanField("balanced", v.balanced());
                              SettlementJson.money(g, "balance", v.account().balanceFen());
                              SettlementJson.money(g, "ledgerBalance", v.sums().balanceFen());
                              SettlementJson.money(g, "advanceOwed", v.account().advanceOwedFen());
                              SettlementJson.money(
                                  g, "ledgerAdvanceOwed", v.sums().advanceOwedFen());
                              SettlementJson.money(g, "topUps", v.sums().topUps());
                              SettlementJson.money(g, "drawdowns", v.sums().drawdowns());
                              SettlementJson.money(
                                  g, "reversalCredits", v.sums().reversalCredits());
                              SettlementJson.money(g, "advances", v.sums().advances());
                              SettlementJson.money(
                                  g, "advanceReversals", v.sums().advanceReversals());
                              g.writeEndObject();
                            })));
  }

  private void daily(RoutingContext ctx) {
    long id = accountId(ctx);
    int days = HospitalApi.intParam(ctx, "days", 30, 1, 366);
    LocalDate from = LocalDate.now(clock.withZone(zone)).minusDays(days - 1L);
    reply(
        ctx,
        () ->
            ledger
                .daily(manager(ctx), id, from)
                .map(
                    list ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartObject();
                              g.writeStringField("from", from.toString());
                              g.writeArrayFieldStart("days");
                              for (LedgerService.Day d : list) {
                                g.writeStartObject();
                                g.writeStringField("day", d.day().toString());
                                SettlementJson.money(g, "topUps", d.topUps());
                                SettlementJson.money(g, "drawdowns", d.drawdowns());
                                SettlementJson.money(g, "reversalCredits", d.reversalCredits());
                                SettlementJson.money(g, "advances", d.advances());
                                g.writeEndObject();
                              }
                              g.writeEndArray();
                              g.writeEndObject();
                            })));
  }

  private void close(RoutingContext ctx) {
    long id = accountId(ctx);
    String period = period(ctx);
    reply(
        ctx,
        () ->
            ledger
                .close(manager(ctx), id, period)
                .map(s -> SettlementJson.render(g -> statement(g, s))));
  }

  private void statements(RoutingContext ctx) {
    long id = accountId(ctx);
    reply(
        ctx,
        () ->
            ledger
                .statements(manager(ctx), id)
                .map(
                    list ->
                        SettlementJson.render(
                            g -> {
                              g.writeStartArray();
                              for (LedgerService.Statement s : list) {
                                statement(g, s);
                              }
                              g.writeEndArray();
                            })));
  }

  private void statement(RoutingContext ctx) {
    long id = accountId(ctx);
    String period = period(ctx);
    reply(
        ctx,
        () ->
            ledger
                .statement(manager(ctx), id, period)
                .map(
                    d ->
                        SettlementJson.render(
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
    long id = accountId(ctx);
    String period = period(ctx);
    guard
        .call(() -> ledger.statement(manager(ctx), id, period))
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
                  .append(SettlementJson.time(s.closedAt(), zone))
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
                    .append(SettlementJson.time(e.createdAt(), zone))
                    .append('\n');
              }
              if (HospitalApi.answered(ctx)) {
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
    SettlementJson.money(g, "balance", a.balanceFen());
    SettlementJson.money(g, "advanceOwed", a.advanceOwedFen());
    SettlementJson.money(g, "lowBalanceThreshold", a.lowBalanceThresholdFen());
    g.writeBooleanField("lowBalance", low);
    g.writeStringField("openPeriod", a.openPeriod());
    // the period the managers may close now: the open one once it has ended, else none yet
    g.writeStringField("closablePeriod", ledger.ended(a.openPeriod()) ? a.openPeriod() : null);
    g.writeEndObject();
  }

  private void entry(JsonGenerator g, LedgerService.Entry e) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", e.id());
    g.writeStringField("kind", e.kind());
    if (e.debitAccount() != null) {
      g.writeStringField("debitAccount", e.debitAccount());
      g.writeStringField("creditAccount", e.creditAccount());
    }
    SettlementJson.money(g, "amount", e.amountFen());
    g.writeStringField(
        "settlementId", e.settlementId() == null ? null : e.settlementId().toString());
    g.writeStringField("claimNo", e.claimNo());
    g.writeStringField("topUpRef", e.topUpRef());
    g.writeStringField("period", e.period());
    g.writeStringField("createdAt", SettlementJson.time(e.createdAt(), zone));
    if (e.createdBy() != null) {
      g.writeStringField("createdBy", e.createdBy());
    }
    g.writeEndObject();
  }

  private void statement(JsonGenerator g, LedgerService.Statement s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("accountId", s.accountId());
    g.writeStringField("period", s.period());
    SettlementJson.money(g, "openingBalance", s.openingFen());
    SettlementJson.money(g, "topUps", s.topUpsFen());
    SettlementJson.money(g, "drawdowns", s.drawdownsFen());
    SettlementJson.money(g, "reversalCredits", s.reversalCreditsFen());
    SettlementJson.money(g, "advances", s.advancesFen());
    SettlementJson.money(g, "advanceReversals", s.advanceReversalsFen());
    SettlementJson.money(g, "closingBalance", s.closingFen());
    SettlementJson.money(g, "advanceOwed", s.advanceOwedFen());
    g.writeNumberField("settlementCount", s.settlementCount());
    g.writeStringField("closedAt", SettlementJson.time(s.closedAt(), zone));
    g.writeStringField("closedBy", s.closedBy());
    g.writeEndObject();
  }

  // ---- helpers

  /**
   * Answers 200 with the body {@code query} renders. The query is handed over unstarted, so the
   * circuit breaker is asked before any SQL is sent, and counts it once.
   */
  private void reply(RoutingContext ctx, Supplier<Future<Buffer>> query) {
    HospitalApi.reply(ctx, guard.call(query), 200);
  }

  static long accountId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    // ASCII digits only: Long.parseLong also reads full-width and other scripts' digits
    if (!ACCOUNT_ID.matcher(id).matches()) {
      throw ApiError.notFound("account");
    }
    return Long.parseLong(id);
  }

  static UUID uuid(RoutingContext ctx, String what) {
    String id = ctx.pathParam("id");
    try {
      if (id.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound(what);
    }
  }

  static String period(RoutingContext ctx) {
    String p = ctx.pathParam("period");
    if (!PERIOD.matcher(p).matches()) {
      throw ApiError.invalid("period", "must be a month like 2018-03");
    }
    try {
      YearMonth.parse(p);
    } catch (RuntimeException e) {
      throw ApiError.invalid("period", "must be a month like 2018-03");
    }
    return p;
  }

  static LocalDate optionalDate(Fields f, String name) {
    return f.raw(name) == null ? null : f.date(name);
  }

  static boolean bool(Fields f, String name, boolean fallback) {
    var v = f.raw(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw ApiError.invalid(name, "must be true or false");
    }
    return v.booleanValue();
  }
}
