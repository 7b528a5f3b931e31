package org.yizhan.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.Gateway;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.metrics.Metrics;
import org.yizhan.gateway.support.TestGateway;

/**
 * The OpenAPI document served at {@code /openapi.yaml} against the routes the gateway serves.
 *
 * <p>The routes are read from a real HTTP instance: one more {@link HttpVerticle} is deployed on
 * the test gateway and its {@link Routes} are caught as it mounts them, so the check sees every
 * route registered the way every instance registers them (the hospital API, the managers' API, the
 * national interface and its alias, operations, and the document itself). A route without its
 * operation in the document, or an operation without its route, fails here rather than in a
 * client's generated code.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  static TestGateway gw;
  static JsonNode doc;

  /**
   * The served routes as the document names them: {@code "post /api/v1/settlements/{id}/reversal"}.
   */
  static Set<String> served;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start();
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.yaml")) {
      // a key written twice (two '429' answers of one operation) is invalid YAML, yet most
      // readers silently keep the last one: refuse it here
      doc =
          YAMLMapper.builder()
              .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
              .build()
              .readTree(in);
    }
    served = new TreeSet<>();
    for (String route : routesOfOneMoreInstance()) {
      String[] methodAndPath = route.split(" ", 2);
      served.add(
          methodAndPath[0].toLowerCase() + " " + methodAndPath[1].replaceAll(":(\\w+)", "{$1}"));
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** Deploys one more HTTP instance on the test gateway and returns the routes it registered. */
  static Set<String> routesOfOneMoreInstance() throws Exception {
    Gateway app = gw.gateway();
    AtomicReference<Routes> mounted = new AtomicReference<>();
    HttpContext catching =
        new HttpContext() {
          @Override
          public AppConfig config() {
            return app.config();
          }

          @Override
          public Metrics metrics() {
            return app.metrics();
          }

          @Override
          public Transport transport() {
            return app.transport();
          }

          @Override
          public void mountGates(Routes routes) {
            app.mountGates(routes);
          }

          @Override
          public void mount(Routes routes) {
            mounted.set(routes);
            app.mount(routes);
          }
        };
    String id =
        gw.vertx()
            .deployVerticle(new HttpVerticle(catching))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    Set<String> routes = mounted.get().registered();
    gw.vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return routes;
  }

  /** Every operation of the document, as {@code "get /api/v1/settlements/{id}"}. */
  static Set<String> documented() {
    Set<String> ops = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          ops.add(op.getKey() + " " + path.getKey());
        }
      }
    }
    return ops;
  }

  @Test
  void everyServedRoute_isADocumentedOperation() {
    assertThat(served)
        .as("the gateway registers these routes")
        .contains(
            "post /manager/api/login",
            "get /manager/api/accounts/{id}/statements/{period}/csv",
            "post /fsi/api/rsfComIfsService/callService",
            "post /nhsa/call",
            "get /openapi.yaml");
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented());
    assertThat(undocumented).as("routes missing from openapi.yaml").isEmpty();
  }

  @Test
  void everyDocumentedOperation_isAServedRoute() {
    Set<String> unserved = documented();
    unserved.removeAll(served);
    assertThat(unserved).as("operations in openapi.yaml that no route serves").isEmpty();
  }

  @Test
  void everyRef_resolvesInsideTheDocument() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    List<String> broken = new ArrayList<>();
    for (String ref : refs) {
      if (!ref.startsWith("#/") || doc.at(JsonPointer.compile(ref.substring(1))).isMissingNode()) {
        broken.add(ref);
      }
    }
    assertThat(broken).as("$refs that point at nothing").isEmpty();
  }

  @Test
  void operations_haveUniqueIds_declaredTags_andDeclaredSecuritySchemes() {
    Set<String> tags = new HashSet<>();
    doc.get("tags").forEach(t -> tags.add(t.get("name").asText()));
    Set<String> schemes = new HashSet<>();
    doc.get("components").get("securitySchemes").fieldNames().forEachRemaining(schemes::add);
    Set<String> ids = new HashSet<>();
    List<String> problems = new ArrayList<>();
    checkSecurity("top level", doc.get("security"), schemes, problems);
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        String where = op.getKey() + " " + path.getKey();
        JsonNode o = op.getValue();
        if (!o.hasNonNull("operationId") || !ids.add(o.get("operationId").asText())) {
          problems.add(where + ": operationId missing or repeated");
        }
        if (!o.hasNonNull("tags") || o.get("tags").isEmpty()) {
          problems.add(where + ": no tag");
        } else {
          o.get("tags").forEach(t -> check(tags.contains(t.asText()), where, t, problems));
        }
        if (!o.hasNonNull("responses") || o.get("responses").isEmpty()) {
          problems.add(where + ": no responses");
        }
        checkSecurity(where, o.get("security"), schemes, problems);
      }
    }
    assertThat(doc.get("openapi").asText()).isEqualTo("3.0.3");
    assertThat(problems).isEmpty();
  }

  @Test
  void managerOperations_declareTheSessionOrBearer_andLoginNeedsNone() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      if (!path.getKey().startsWith("/manager/api/")) {
        continue;
      }
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        String security = String.valueOf(op.getValue().get("security"));
        boolean login = path.getKey().equals("/manager/api/login");
        boolean ok =
            login
                ? security.equals("[]")
                : security.contains("managerSession") && security.contains("managerBearer");
        check(ok, op.getKey() + " " + path.getKey(), security, problems);
      }
    }
    assertThat(problems).isEmpty();
  }

  private static void checkSecurity(
      String where, JsonNode security, Set<String> schemes, List<String> problems) {
    if (security == null) {
      return;
    }
    for (JsonNode requirement : security) {
      requirement
          .fieldNames()
          .forEachRemaining(s -> check(schemes.contains(s), where, s, problems));
    }
  }

  private static void check(boolean ok, String where, Object what, List<String> problems) {
    if (!ok) {
      problems.add(where + ": " + what);
    }
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }
}
