package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** The hospital API end to end: real HTTP, real PostgreSQL. */
class SettlementApiTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonNode json(Response r) {
    return ClaimJson.parse(r.body());
  }

  static String money(JsonNode n) {
    return n.decimalValue().setScale(2).toPlainString();
  }

  /**
   * What is stored reads back as it was answered: the lines (one row of arrays, V9: order, price
   * caps present and absent, fractional quantities, the derived in-scope part), the fund rows and
   * every amount.
   */
  @Test
  void aSettlement_readsBackExactlyAsAnswered() {
    String person = "44520219800101003X";
    TestData.confirmed(gw, person, "SUBSISTENCE");
    TestData.topUp(gw, "445202", TestGateway.H1, "100000.00", "HOSPITAL_ADVANCE");
    String claim =
        ClaimJson.claim("RB-1")
            .person(person)
            .line("T-C", "2", "150.25")
            .line("T-A-CAP100", "3", "120.00")
            .line("T-B20", "0.5", "1999.99", "1000.00")
            .line("T-A", "1", "0.01")
            .line("T-B10", "12", "83.333333", "1000.00")
            .json();

    Response created = gw.post("/api/v1/settlements?detail=lines", H1_KEY, claim);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode answered = json(created);
    Response read =
        gw.get(
            "/api/v1/settlements/" + answered.get("settlementId").asText() + "?detail=lines",
            H1_KEY);

    assertThat(read.status()).isEqualTo(200);
    JsonNode stored = json(read);
    assertThat(stored.get("lines")).hasSize(5).isEqualTo(answered.get("lines"));
    assertThat(stored.get("lines").get(1).get("priceCap").decimalValue())
        .isEqualByComparingTo("100");
    assertThat(stored.get("lines").get(1).get("overLimit").decimalValue())
        .isEqualByComparingTo("60.00");
    assertThat(stored.get("lines").get(0).get("priceCap").isNull()).isTrue();
    assertThat(stored.get("funds")).isEqualTo(answered.get("funds"));
    for (String amount :
        List.of("total", "fullOwnPay", "overLimit", "preSelfPay", "inScope", "fundPay")) {
      assertThat(stored.get(amount)).as(amount).isEqualTo(answered.get(amount));
    }
  }

  @Test
  void settle_workedExamples_toTheFenThroughTheApi() {
    String person = "445202198001010013";
    TestData.confirmed(gw, person, "REGISTERED_POOR");
    long account = TestData.topUp(gw, "445202", TestGateway.H1, "100000.00", "HOSPITAL_ADVANCE");

    Response first =
        gw.post(
            "/api/v1/settlements", H1_KEY, ClaimJson.workedExample1("WE-1").person(person).json());

    assertThat(first.status()).isEqualTo(201);
    JsonNode s = json(first);
    assertThat(money(s.get("total"))).isEqualTo("50000.00");
    assertThat(money(s.get("inScope"))).isEqualTo("45000.00");
    assertThat(money(s.get("funds").get(0).get("paid"))).isEqualTo("29350.00");
    assertThat(money(s.get("funds").get(1).get("paid"))).isEqualTo("6922.50");
    assertThat(money(s.get("funds").get(2).get("paid"))).isEqualTo("6109.25");
    assertThat(money(s.get("fundPay"))).isEqualTo("42381.75");
    assertThat(money(s.get("personalPay"))).isEqualTo("7618.25");
    assertThat(s.get("assistance").get("identity").asText()).isEqualTo("REGISTERED_POOR");
    assertThat(money(s.get("assistance").get("prepaymentDrawn"))).isEqualTo("6109.25");
    assertThat(first.body()).contains("\"total\":50000.00");

    Response second =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim("WE-2")
                .person(person)
                .dates("2018-08-01", "2018-08-09")
                .item("T-A", "20000.00")
                .json());

    assertThat(second.status()).isEqualTo(201);
    JsonNode t = json(second);
    assertThat(money(t.get("actDeductible"))).isEqualTo("0.00");
    assertThat(money(t.get("funds").get(0).get("paid"))).isEqualTo("13000.00");
    assertThat(money(t.get("funds").get(1).get("paid"))).isEqualTo("4550.00");
    assertThat(money(t.get("funds").get(2).get("paid"))).isEqualTo("1715.00");
    assertThat(money(t.get("personalPay"))).isEqualTo("735.00");

    JsonNode figures = json(gw.get("/api/v1/persons/" + person + "/accumulators/2018", H1_KEY));
    assertThat(money(figures.get("basicPaid"))).isEqualTo("42350.00");
    assertThat(money(figures.get("criticalIllnessBase"))).isEqualTo("22650.00");
    assertThat(money(figures.get("assistancePaid"))).isEqualTo("7824.25");
    assertThat(figures.get("admissions").get("level3").asInt()).isEqualTo(2);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo("92175.75");
    assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo("92175.75");
  }

  @Test
  void preview_writesNothingAndAgreesWithTheSettlement() {
    String person = "44520219800101003X";
    long claims = gw.count("claim");
    Response preview =
        gw.post(
            "/api/v1/settlements/preview",
            H1_KEY,
            ClaimJson.workedExample1("PV-1").person(person).json());
    assertThat(preview.status()).isEqualTo(200);
    assertThat(json(preview).get("status").asText()).isEqualTo("PREVIEW");
    assertThat(gw.count("claim")).isEqualTo(claims);
    assertThat(gw.sql("SELECT 1 FROM accumulator WHERE person_id_no = ?", person)).isEmpty();

    Response settled =
        gw.post(
            "/api/v1/settlements", H1_KEY, ClaimJson.workedExample1("PV-1").person(person).json());
    assertThat(json(settled).get("fundPay")).isEqualTo(json(preview).get("fundPay"));
    assertThat(json(settled).get("funds")).isEqualTo(json(preview).get("funds"));
  }

  /** Today's full shape of a settlement answer, in order; the lean answer is it without lines. */
  static final List<String> FULL_SHAPE =
      List.of(
          "settlementId",
          "status",
          "hospitalCode",
          "claimNo",
          "personIdNo",
          "officeCode",
          "policyId",
          "policyVersion",
          "catalogueVersion",
          "year",
          "hospitalLevel",
          "admissionDate",
          "dischargeDate",
          "settledAt",
          "settledOn",
          "total",
          "fullOwnPay",
          "overLimit",
          "preSelfPay",
          "inScope",
          "actDeductible",
          "fundPay",
          "personalPay",
          "funds",
          "assistance",
          "lines",
          "reversal");

  static List<String> names(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void answers_areLeanByDefault_andCarryTheLinesOnDetailOrPrefer() {
    String claim =
        ClaimJson.claim("LEAN-1")
            .person("445202198001010099")
            .line("T-C", "2", "150.25")
            .line("T-A-CAP100", "3", "120.00")
            .line("T-B20", "0.5", "1999.99", "1000.00")
            .json();
    List<String> lean = FULL_SHAPE.stream().filter(n -> !n.equals("lines")).toList();

    Response created = gw.post("/api/v1/settlements", H1_KEY, claim);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode answered = json(created);
    assertThat(names(answered)).isEqualTo(lean);
    assertThat(answered.get("funds")).isNotEmpty();
    String path = "/api/v1/settlements/" + answered.get("settlementId").asText();

    Response plain = gw.get(path, H1_KEY);
    Response detailed = gw.get(path + "?detail=lines", H1_KEY);
    assertThat(plain.body()).isEqualTo(created.body());
    JsonNode full = json(detailed);
    assertThat(names(full)).isEqualTo(FULL_SHAPE);
    assertThat(full.get("lines")).hasSize(3);
    assertThat(full.get("lines").get(0).get("category").asText()).isNotEmpty();
    JsonNode withoutLines = ((ObjectNode) full.deepCopy()).without("lines");
    assertThat(withoutLines).isEqualTo(answered);
    assertThat(plain.header("Preference-Applied")).isNull();

    Response preferred =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .header("Prefer", "respond-async, return=representation")
                .GET(),
            H1_KEY);
    assertThat(preferred.body()).isEqualTo(detailed.body());
    assertThat(preferred.header("Preference-Applied")).isEqualTo("return=representation");

    Response previewLean = gw.post("/api/v1/settlements/preview", H1_KEY, claim);
    Response previewFull = gw.post("/api/v1/settlements/preview?detail=lines", H1_KEY, claim);
    assertThat(names(json(previewLean))).isEqualTo(lean);
    assertThat(names(json(previewFull))).isEqualTo(FULL_SHAPE);
    assertThat(json(previewFull).get("lines")).isEqualTo(full.get("lines"));

    Response minimal =
        gw.post("/api/v1/settlements/preview", H1_KEY, claim, Map.of("Prefer", "return=minimal"));
    assertThat(names(json(minimal))).isEqualTo(lean);

    Response bad = gw.get(path + "?detail=everything", H1_KEY);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(json(bad).get("field").asText()).isEqualTo("detail");
  }

  @Test
  void settle_sameClaimAgain_replaysTheSameSettlement() {
    String body = ClaimJson.workedExample1("RP-1").person("445202198001010056").json();
    Response first = gw.post("/api/v1/settlements", H1_KEY, body);
    Response again = gw.post("/api/v1/settlements", H1_KEY, body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = 'RP-1'")).isEqualTo(1L);
  }

  @Test
  void settle_sameIdempotencyKey_replaysTheStoredResponse() {
    String body = ClaimJson.workedExample1("IK-1").person("445202198001010072").json();
    Map<String, String> key = Map.of("Idempotency-Key", "his-7731-a");
    Response first = gw.post("/api/v1/settlements", H1_KEY, body, key);
    Response again = gw.post("/api/v1/settlements", H1_KEY, body, key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());

    Response otherBody =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.workedExample1("IK-2").person("445202198001010072").json(),
            key);
    assertThat(otherBody.status()).isEqualTo(422);
    assertThat(json(otherBody).get("code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void settle_sameClaimNumberDifferentContent_isRefusedAsConflict() {
    String person = "445202198001010080";
    gw.post("/api/v1/settlements", H1_KEY, ClaimJson.workedExample1("CF-1").person(person).json());
    long settlements = gw.count("settlement");

    Response conflict =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.workedExample1("CF-1").person(person).item("T-A", "1.00").json());

    assertThat(conflict.status()).isEqualTo(409);
    assertThat(json(conflict).get("code").asText()).isEqualTo("CLAIM_CONFLICT");
    assertThat(json(conflict).get("field").asText()).isEqualTo("claimNo");
    assertThat(gw.count("settlement")).isEqualTo(settlements);
  }

  @Test
  void reverse_restoresAccumulatorsAndPrepaymentExactly_andTwiceIsOnce() {
    String person = "445202198001010101";
    TestData.confirmed(gw, person, "SUBSISTENCE");
    long account = TestData.topUp(gw, "445202", TestGateway.H1, "0", "HOSPITAL_ADVANCE");
    BigDecimal balanceBefore = TestData.balance(gw, account);
    gw.post(
        "/api/v1/settlements",
        H1_KEY,
        ClaimJson.claim("RV-0").person(person).item("T-A", "3000.00").json());
    Map<String, Object> before =
        gw.sql("SELECT * FROM accumulator WHERE person_id_no = ?", person).get(0);
    BigDecimal balanceMid = TestData.balance(gw, account);

    JsonNode s =
        json(
            gw.post(
                "/api/v1/settlements",
                H1_KEY,
                ClaimJson.workedExample1("RV-1").person(person).json()));
    String id = s.get("settlementId").asText();
    assertThat(TestData.balance(gw, account)).isLessThan(balanceMid);

    Response reversed =
        gw.post("/api/v1/settlements/" + id + "/reversal", H1_KEY, "{\"reason\":\"wrong bed\"}");
    assertThat(reversed.status()).isEqualTo(200);
    JsonNode r = json(reversed);
    assertThat(r.get("status").asText()).isEqualTo("REVERSED");
    assertThat(money(r.get("reversal").get("total"))).isEqualTo("-50000.00");
    assertThat(money(r.get("reversal").get("assistancePay")))
        .isEqualTo("-" + money(s.get("funds").get(2).get("paid")));

    Map<String, Object> after =
        gw.sql("SELECT * FROM accumulator WHERE person_id_no = ?", person).get(0);
    after.remove("updated_at");
    before.remove("updated_at");
    assertThat(after).isEqualTo(before);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo(balanceMid);
    assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo(balanceMid);

    Response twice =
        gw.post("/api/v1/settlements/" + id + "/reversal", H1_KEY, "{\"reason\":\"again\"}");
    assertThat(twice.status()).isEqualTo(200);
    assertThat(gw.value("SELECT count(*) FROM reversal WHERE settlement_id = ?::uuid", id))
        .isEqualTo(1L);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo(balanceMid);
    assertThat(balanceBefore).isNotNull();
  }

  @Test
  void reverse_thenSettleCorrectedClaim_underTheSameNumber() {
    String person = "445202198001010128";
    JsonNode s =
        json(
            gw.post(
                "/api/v1/settlements",
                H1_KEY,
                ClaimJson.workedExample1("RS-1").person(person).json()));
    gw.post("/api/v1/settlements/" + s.get("settlementId").asText() + "/reversal", H1_KEY, "");

    Response again =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.workedExample1("RS-1").person(person).item("T-A", "5.00").json());

    assertThat(again.status()).isEqualTo(201);
    assertThat(json(again).get("settlementId").asText())
        .isNotEqualTo(s.get("settlementId").asText());
  }

  @Test
  void find_anotherHospitalsSettlement_isNotFound() {
    JsonNode s =
        json(
            gw.post(
                "/api/v1/settlements",
                H1_KEY,
                ClaimJson.workedExample1("HX-1").person("445202198001010136").json()));
    String id = s.get("settlementId").asText();

    assertThat(gw.get("/api/v1/settlements/" + id, H1_KEY).status()).isEqualTo(200);
    Response other = gw.get("/api/v1/settlements/" + id, H2_KEY);
    assertThat(other.status()).isEqualTo(404);
    assertThat(json(other).get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(gw.post("/api/v1/settlements/" + id + "/reversal", H2_KEY, "").status())
        .isEqualTo(404);
    assertThat(gw.get("/api/v1/settlements/" + id, H1_KEY).body()).contains("\"SETTLED\"");
  }

  @Test
  void search_byClaimNumberAndByDateRange_isPaged() {
    for (int i = 0; i < 3; i++) {
      gw.post(
          "/api/v1/settlements",
          H2_KEY,
          ClaimJson.claim("SR-" + i)
              .person(TestData.idNo("445202", LocalDate.of(1980, 2, 2), 10 + i))
              .item("T-A", "100.00")
              .json());
    }
    JsonNode byClaim = json(gw.get("/api/v1/settlements?claimNo=SR-1", H2_KEY));
    assertThat(byClaim.get("total").asInt()).isEqualTo(1);
    assertThat(byClaim.get("items").get(0).get("claimNo").asText()).isEqualTo("SR-1");

    String today = java.time.LocalDate.now(gw.zone()).toString();
    JsonNode page1 =
        json(gw.get("/api/v1/settlements?from=" + today + "&to=" + today + "&size=2", H2_KEY));
    assertThat(page1.get("total").asInt()).isEqualTo(3);
    assertThat(page1.get("items")).hasSize(2);
    JsonNode page2 =
        json(
            gw.get(
                "/api/v1/settlements?from=" + today + "&to=" + today + "&size=2&page=2", H2_KEY));
    assertThat(page2.get("items")).hasSize(1);
  }
}
