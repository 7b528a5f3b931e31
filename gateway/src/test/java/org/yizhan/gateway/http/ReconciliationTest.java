package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H3_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/** Daily reconciliation: the gateway's figures for a day, and the differences, item by item. */
class ReconciliationTest {
  static TestGateway gw;
  static final List<JsonNode> settled = new ArrayList<>();
  static String today;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    today = LocalDate.now(gw.zone()).toString();
    String[] amounts = {"1000.00", "2000.00", "3000.00", "4000.00"};
    for (int i = 0; i < amounts.length; i++) {
      settled.add(
          ClaimJson.parse(
              gw.post(
                      "/api/v1/settlements",
                      H3_KEY,
                      ClaimJson.claim("RC-" + i)
                          .office("445281")
                          .person(TestData.idNo("445281", LocalDate.of(1990, 1, 1), i))
                          .item("T-A", amounts[i])
                          .json())
                  .body()));
    }
    gw.post("/api/v1/settlements/" + id(3) + "/reversal", H3_KEY, "");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String id(int i) {
    return settled.get(i).get("settlementId").asText();
  }

  static String money(JsonNode n) {
    return n.decimalValue().setScale(2).toPlainString();
  }

  @Test
  void dayTotals_nettingTheDaysReversals() {
    JsonNode day = ClaimJson.parse(gw.get("/api/v1/reconciliation/" + today, H3_KEY).body());

    assertThat(day.get("settled").get("count").asInt()).isEqualTo(4);
    assertThat(money(day.get("settled").get("total"))).isEqualTo("10000.00");
    assertThat(day.get("reversed").get("count").asInt()).isEqualTo(1);
    assertThat(money(day.get("reversed").get("total"))).isEqualTo("-4000.00");
    assertThat(money(day.get("net").get("total"))).isEqualTo("6000.00");
    assertThat(day.get("net").get("count").asInt()).isEqualTo(3);
    assertThat(day.get("settlements")).hasSize(4);
    assertThat(day.get("reversals")).hasSize(1);
    assertThat(day.get("reversals").get(0).get("settlementId").asText()).isEqualTo(id(3));
  }

  @Test
  void compare_matchingLists_isBalanced() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      items.append(i == 0 ? "" : ",").append(item(i, i == 3 ? "REVERSED" : "SETTLED", null));
    }
    JsonNode net =
        ClaimJson.parse(gw.get("/api/v1/reconciliation/" + today, H3_KEY).body()).get("net");
    String body =
        "{\"totals\":{\"count\":3,\"total\":6000.00,\"fundPay\":"
            + money(net.get("fundPay"))
            + ",\"personalPay\":"
            + money(net.get("personalPay"))
            + "},\"settlements\":["
            + items
            + "]}";

    JsonNode r = ClaimJson.parse(gw.post("/api/v1/reconciliation/" + today, H3_KEY, body).body());

    assertThat(r.get("balanced").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get("differences")).isEmpty();
  }

  @Test
  void compare_reportsEachDifferenceLineByLine() {
    String body =
        "{\"totals\":{\"count\":4,\"total\":10000.00,\"fundPay\":0.00,\"personalPay\":0.00},"
            + "\"settlements\":["
            + item(0, "SETTLED", null)
            + ","
            + item(1, "SETTLED", "2000.01")
            + ","
            + item(3, "SETTLED", null)
            + ",{\"claimNo\":\"RC-UNKNOWN\",\"status\":\"SETTLED\",\"total\":5.00,"
            + "\"fundPay\":0.00,\"personalPay\":5.00}]}";

    JsonNode r = ClaimJson.parse(gw.post("/api/v1/reconciliation/" + today, H3_KEY, body).body());

    assertThat(r.get("balanced").asBoolean()).isFalse();
    List<String> found = new ArrayList<>();
    for (JsonNode d : r.get("differences")) {
      found.add(
          d.get("type").asText()
              + ":"
              + d.get("claimNo").asText()
              + (d.has("field") ? ":" + d.get("field").asText() : ""));
    }
    assertThat(found)
        .containsExactlyInAnyOrder(
            "AMOUNT_MISMATCH:RC-1:total",
            "AMOUNT_MISMATCH:RC-1:personalPay",
            "REVERSAL_MISMATCH:RC-3:status",
            "MISSING_IN_GATEWAY:RC-UNKNOWN",
            "MISSING_IN_HOSPITAL:RC-2");
    assertThat(r.get("totalsDifferences").toString()).contains("\"count\"").contains("\"total\"");
  }

  static String item(int i, String status, String total) {
    JsonNode s = settled.get(i);
    return "{\"settlementId\":\""
        + id(i)
        + "\",\"status\":\""
        + status
        + "\",\"total\":"
        + (total == null ? money(s.get("total")) : total)
        + ",\"fundPay\":"
        + money(s.get("fundPay"))
        + ",\"personalPay\":"
        + (total == null
            ? money(s.get("personalPay"))
            : s.get("personalPay")
                .decimalValue()
                .add(new java.math.BigDecimal("0.01"))
                .toPlainString())
        + "}";
  }
}
