package org.yizhan.gateway.manager;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.yizhan.gateway.web.Routes;

/**
 * The managers' page under {@code /manager/}: static files (HTML, modules, styles) from {@code
 * webroot/manager}, each with the security headers below. The page is a client of {@link
 * ManagerApi}.
 */
public final class ManagerPage {
  private ManagerPage() {}

  /** Mounts the page; mounted after the managers' API, whose routes match first. */
  public static void mount(Routes routes) {
    // Vert.x matches "/manager" with or without the trailing slash: redirect only without it.
    routes
        .router()
        .get("/manager")
        .handler(
            ctx -> {
              if (ctx.request().path().equals("/manager")) {
                ctx.redirect("/manager/");
              } else {
                ctx.next();
              }
            });
    routes.router().route("/manager/*").handler(ManagerPage::pageSecurityHeaders);
    routes
        .router()
        .route("/manager/*")
        .handler(StaticHandler.create("webroot/manager").setCachingEnabled(false));
  }

  /**
   * The managers' page's content security policy: its scripts (modules, no inline script), styles
   * and API calls come from this gateway only, nothing else loads, and no other site may frame it
   * (clickjacking a top-up or a confirmation).
   */
  static final String PAGE_CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none';"
          + " frame-ancestors 'none'";

  /** Security headers on the managers' page and every asset of it (issue 13.16). */
  static void pageSecurityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", PAGE_CSP)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
