package org.yizhan.gateway.manager;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.web.Limits;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The managers' sessions: log in, log out, who am I, and the gate every other managers' route
 * passes. A session is a token, sent as a cookie by the managers' page or as {@code Authorization:
 * Bearer} by a script.
 *
 * <p>Cross-site requests: the session cookie is SameSite=Strict and HttpOnly, and a request that
 * changes something with the cookie must also carry {@code X-Requested-With}, which a page of
 * another site cannot send without a CORS preflight this gateway never grants.
 */
final class ManagerSessions {
  static final String COOKIE = "yz_session";

  static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,64}");
  static final Pattern PASSWORD = Pattern.compile("[\\x20-\\x7e]{1,128}");

  private final ManagerAuth auth;
  private final Limits limits;
  private final DbGuard guard;

  ManagerSessions(ManagerAuth auth, Limits limits, DbGuard guard) {
    this.auth = auth;
    this.limits = limits;
    this.guard = guard;
  }

  /**
   * Checks the session from the headers before the body is read (login excepted): a request without
   * a valid session is answered and its connection closed, its body never read.
   */
  void mountGate(Routes routes) {
    routes
        .router()
        .route("/manager/api/*")
        .handler(
            ctx -> {
              ctx.request().pause();
              authenticate(ctx);
            });
  }

  void mount(Routes routes) {
    routes.add(POST, "/manager/api/login", Requests.json(this::login));
    routes.add(POST, "/manager/api/logout", this::logout);
    routes.add(GET, "/manager/api/me", this::me);
  }

  private void login(RoutingContext ctx) {
    Fields f = Fields.of(Json.parse(Requests.body(ctx)), "", Set.of("username", "password"));
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
                      // the page calls /manager/api and, for agency staff, /agency/api
                      .setPath("/")
                      .setHttpOnly(true)
                      .setSameSite(CookieSameSite.STRICT)
                      .setMaxAge(ManagerAuth.SESSION_HOURS * 3600L);
              if (Responses.answered(ctx)) {
                return;
              }
              ctx.response().addCookie(c);
              Responses.send(
                  ctx,
                  200,
                  JsonWriter.render(
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
            new Refusal(
                Refusal.Kind.FORBIDDEN,
                "CSRF_REFUSED",
                "X-Requested-With",
                "X-Requested-With is required on a change made with the session cookie"));
        return;
      }
    } else {
      ctx.fail(Refusal.unauthenticated("log in first: POST /manager/api/login"));
      return;
    }
    guard
        .call(
            () ->
                eitherRole(ctx.normalizedPath())
                    ? auth.authenticateAnyRole(token)
                    : auth.authenticate(token))
        .onSuccess(
            m -> {
              try {
                limits.admitManager(m.username());
              } catch (Refusal tooMany) {
                ctx.fail(tooMany);
                return;
              }
              ctx.put(ManagerApi.MANAGER, m);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /**
   * Whether the path is open to insurance-agency staff too: the coverage and oversight views
   * (CoverageApi and OversightApi decide who sees what by the principal's role), the simulations
   * (agency staff only, SimulationApi), their own session ({@code me}, {@code logout}) and the
   * page's way to the register import (AgencyApi#mountPage, agency staff only); the rest of the
   * managers' API is civil affairs' alone ({@code WRONG_ROLE}).
   */
  static boolean eitherRole(String path) {
    return path.equals("/manager/api/me")
        || path.equals("/manager/api/logout")
        || path.equals("/manager/api/coverage")
        || path.startsWith("/manager/api/coverage/")
        || path.equals("/manager/api/register/imports")
        || path.startsWith("/manager/api/register/imports/")
        || path.equals("/manager/api/oversight")
        || path.equals("/manager/api/simulations")
        || path.startsWith("/manager/api/simulations/");
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
              if (Responses.answered(ctx)) {
                return;
              }
              ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setMaxAge(0));
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Responses.send(ctx, 200, JsonWriter.render(g -> manager(g, ManagerApi.manager(ctx))));
  }

  private static void manager(JsonGenerator g, ManagerPrincipal m) throws IOException {
    g.writeStartObject();
    g.writeStringField("username", m.username());
    g.writeStringField("name", m.name());
    g.writeStringField("officeCode", m.officeCode());
    g.writeStringField("role", m.role().name());
    g.writeEndObject();
  }
}
