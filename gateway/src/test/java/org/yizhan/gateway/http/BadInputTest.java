package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Every kind of bad request gets a 4xx with a machine-readable code and the field at fault, and
 * writes nothing: the store's row counts are the same before and after.
 */
class BadInputTest {
  static TestGateway gw;

  static final List<String> TABLES =
      List.of(
          "claim",
          "claim_lines",
          "settlement",
          "settlement_fund",
          "accumulator",
          "ledger_transfer",
          "prepayment_account",
          "idempotency_record",
          "audit_log");

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_HTTP_BODY_LIMIT_BYTES", "65536"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String valid() {
    return ClaimJson.workedExample1("BAD-1").json();
  }

  static String edit(Function<ObjectNode, Object> change) {
    ObjectNode n = ClaimJson.workedExample1("BAD-1").node().deepCopy();
    change.apply(n);
    return n.toString();
  }

  static ObjectNode line(ObjectNode n, int i) {
    return (ObjectNode) n.get("lines").get(i);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        bad("malformed JSON", post("{\"claimNo\": "), 400, "MALFORMED_JSON", "body"),
        bad("empty body", post(""), 400, "MALFORMED_JSON", "body"),
        bad("not an object", post("[1,2]"), 400, "INVALID_FIELD", "body"),
        bad("trailing garbage", post(valid() + "x"), 400, "MALFORMED_JSON", "body"),
        bad(
            "duplicate key",
            post("{\"claimNo\":\"a\",\"claimNo\":\"b\"}"),
            400,
            "MALFORMED_JSON",
            "body"),
        bad(
            "missing claimNo",
            post(edit(n -> n.remove("claimNo"))),
            400,
            "MISSING_FIELD",
            "claimNo"),
        bad(
            "missing line amount",
            post(edit(n -> line(n, 1).remove("amount"))),
            400,
            "MISSING_FIELD",
            "lines[1].amount"),
        bad(
            "claimNo a number",
            post(edit(n -> n.put("claimNo", 42))),
            400,
            "INVALID_FIELD",
            "claimNo"),
        bad(
            "quantity a word",
            post(edit(n -> line(n, 0).put("quantity", "two"))),
            400,
            "INVALID_FIELD",
            "lines[0].quantity"),
        bad(
            "amount with three decimals",
            post(edit(n -> line(n, 2).put("amount", "3000.001"))),
            400,
            "INVALID_FIELD",
            "lines[2].amount"),
        bad(
            "bad date",
            post(edit(n -> n.put("dischargeDate", "2018-02-30"))),
            400,
            "INVALID_FIELD",
            "dischargeDate"),
        bad(
            "bad ID number",
            post(edit(n -> n.put("personIdNo", "12345"))),
            400,
            "INVALID_ID_NUMBER",
            "personIdNo"),
        bad(
            "unknown field",
            post(edit(n -> n.put("hospitalCode", "H44520200002"))),
            400,
            "UNKNOWN_FIELD",
            "hospitalCode"),
        bad(
            "unknown line field",
            post(edit(n -> line(n, 0).put("discount", 1))),
            400,
            "UNKNOWN_FIELD",
            "lines[0].discount"),
        bad(
            "line amount mismatch",
            post(edit(n -> line(n, 0).put("amount", "36999.99"))),
            422,
            "AMOUNT_MISMATCH",
            "lines[0].amount"),
        bad(
            "zero quantity",
            post(edit(n -> line(n, 0).put("quantity", 0).put("amount", 0))),
            422,
            "INVALID_QUANTITY",
            "lines[0].quantity"),
        bad(
            "discharge before admission",
            post(edit(n -> n.put("admissionDate", "2018-04-01"))),
            422,
            "DATES_OUT_OF_ORDER",
            "dischargeDate"),
        bad(
            "no policy for the date",
            post(
                edit(n -> n.put("admissionDate", "2030-01-01").put("dischargeDate", "2030-01-02"))),
            422,
            "NO_POLICY",
            "dischargeDate"),
        bad(
            "no policy for the region",
            post(edit(n -> n.put("officeCode", "110101").put("personIdNo", "110101199001011237"))),
            422,
            "NO_POLICY",
            "dischargeDate"),
        bad(
            "an office that does not manage the person",
            post(edit(n -> n.put("officeCode", "445281"))),
            422,
            "OFFICE_MISMATCH",
            "officeCode"),
        bad("no lines", post(edit(n -> n.putArray("lines"))), 422, "NO_LINES", "lines"),
        bad("too large", post(hugeBody()), 413, "BODY_TOO_LARGE", "body"),
        bad(
            "not JSON",
            req(
                HttpRequest.newBuilder(path("/api/v1/settlements"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(valid())),
                H1_KEY),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type"),
        bad(
            "no key",
            req(
                HttpRequest.newBuilder(path("/api/v1/settlements"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(valid())),
                null),
            401,
            "UNAUTHENTICATED",
            null),
        bad(
            "unknown key (unknown hospital)",
            req(
                HttpRequest.newBuilder(path("/api/v1/settlements"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(valid())),
                "yz_demo_H99999999999_00000000000000000000000000000000"),
            401,
            "UNAUTHENTICATED",
            null),
        bad(
            "unknown route",
            req(HttpRequest.newBuilder(path("/api/v2/settlements")).GET(), H1_KEY),
            404,
            "NOT_FOUND",
            null),
        bad(
            "wrong method",
            req(HttpRequest.newBuilder(path("/api/v1/settlements")).DELETE(), H1_KEY),
            405,
            "METHOD_NOT_ALLOWED",
            null),
        bad(
            "bad Idempotency-Key",
            req(
                HttpRequest.newBuilder(path("/api/v1/settlements"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", "bad key with spaces")
                    .POST(HttpRequest.BodyPublishers.ofString(valid())),
                H1_KEY),
            400,
            "INVALID_FIELD",
            "Idempotency-Key"),
        bad(
            "search without criteria",
            req(HttpRequest.newBuilder(path("/api/v1/settlements")).GET(), H1_KEY),
            400,
            "MISSING_FIELD",
            "from"),
        bad(
            "accumulators of a bad year",
            req(
                HttpRequest.newBuilder(path("/api/v1/persons/445202199001011248/accumulators/1800"))
                    .GET(),
                H1_KEY),
            400,
            "INVALID_FIELD",
            "year"));
  }

  @ParameterizedTest(name = "{0} → {2} {3}")
  @MethodSource("badRequests")
  void badRequest_answers4xxWithCodeAndField_andWritesNothing(
      String why, Function<TestGateway, Response> request, int status, String code, String field) {
    Map<String, Long> before = counts();

    Response r = request.apply(gw);

    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode body = ClaimJson.parse(r.body());
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank().doesNotContain("Exception");
    assertThat(body.get("correlationId").asText()).isNotBlank();
    if (field != null) {
      assertThat(body.get("field").asText()).isEqualTo(field);
      assertThat(body.get("message").asText()).contains(field);
    }
    assertThat(counts()).isEqualTo(before);
  }

  static Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    for (String t : TABLES) {
      out.put(t, gw.count(t));
    }
    return out;
  }

  static String hugeBody() {
    ClaimJson c = ClaimJson.claim("BIG");
    for (int i = 0; i < 1500; i++) {
      c.item("T-A", "1.00");
    }
    return c.json();
  }

  static URI path(String p) {
    return URI.create("http://placeholder" + p);
  }

  static Function<TestGateway, Response> post(String body) {
    return g -> g.post("/api/v1/settlements", H1_KEY, body);
  }

  static Function<TestGateway, Response> req(HttpRequest.Builder b, String key) {
    return g -> {
      HttpRequest proto = b.build();
      HttpRequest.Builder real =
          HttpRequest.newBuilder(URI.create(g.baseUrl() + proto.uri().getPath()))
              .method(
                  proto.method(),
                  proto.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()));
      proto.headers().map().forEach((k, vs) -> vs.forEach(v -> real.header(k, v)));
      return g.send(real, key);
    };
  }

  static Arguments bad(
      String why, Function<TestGateway, Response> r, int status, String code, String field) {
    return Arguments.of(why, r, status, code, field);
  }
}
