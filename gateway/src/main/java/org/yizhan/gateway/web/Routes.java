package org.yizhan.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Registers routes so that their template travels with the request: metrics and the access log
 * label requests by {@code POST /api/v1/settlements/:id/reversal}, never by a path holding an id or
 * an ID number. It also remembers every template, so that a path served for other methods only is
 * answered 405 with {@code Allow}, not 404.
 */
public final class Routes {
  static final String TEMPLATE = "routeTemplate";

  private record Known(String template, Pattern path, HttpMethod method) {}

  private final Router router;
  private final List<Known> known = new ArrayList<>();

  public Routes(Router router) {
    this.router = router;
  }

  public Router router() {
    return router;
  }

  public void add(HttpMethod method, String path, Handler<RoutingContext> handler) {
    known.add(new Known(path, Pattern.compile(path.replaceAll(":[A-Za-z]+", "[^/]+")), method));
    String template = method.name() + " " + path; // made once, not per request
    router
        .route(method, path)
        .handler(
            ctx -> {
              ctx.put(TEMPLATE, template);
              handler.handle(ctx);
            });
  }

  /**
   * A route whose path is matched by {@code regex} (e.g. any prefix before {@code /hsa/hgs/2304}),
   * registered and documented as {@code template}.
   */
  public void addPattern(
      HttpMethod method, String regex, String template, Handler<RoutingContext> handler) {
    known.add(new Known(template, Pattern.compile(regex), method));
    String labelled = method.name() + " " + template;
    router
        .routeWithRegex(method, regex)
        .handler(
            ctx -> {
              ctx.put(TEMPLATE, labelled);
              handler.handle(ctx);
            });
  }

  /**
   * Every route added, as {@code "POST /api/v1/settlements/:id/reversal"}: what the OpenAPI
   * document is checked against (OpenApiDocumentTest).
   */
  Set<String> registered() {
    Set<String> routes = new TreeSet<>();
    for (Known k : known) {
      routes.add(k.method().name() + " " + k.template());
    }
    return routes;
  }

  /** The methods served on {@code path}, empty when the path is unknown. */
  Set<String> methodsFor(String path) {
    Set<String> methods = new TreeSet<>();
    for (Known k : known) {
      if (k.path().matcher(path).matches()) {
        methods.add(k.method().name());
      }
    }
    return methods;
  }

  /** The last handler: 405 with Allow for a known path, else 404. */
  void unmatched(RoutingContext ctx) {
    Set<String> methods = methodsFor(ctx.normalizedPath());
    if (methods.isEmpty()) {
      ctx.fail(Failures.noSuchRoute());
    } else {
      ctx.response().putHeader("Allow", String.join(", ", methods));
      ctx.fail(
          new HttpRefusal(
              405,
              "METHOD_NOT_ALLOWED",
              null,
              "this route takes "
                  + String.join(", ", methods)
                  + ", not "
                  + ctx.request().method().name()));
    }
  }
}
