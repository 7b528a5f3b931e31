package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Rules §0 through the API: an unconfirmed identity changes nothing, neither the settlement nor the
 * year figures' remaining room.
 */
class IdentitiesThatCountApiTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void unconfirmedDestitute_paysAsNoIdentityAndKeepsTheCriticalIllnessCap() {
    String person = "445202198001040319";
    TestData.identity(gw, person, "DESTITUTE", LocalDate.of(2017, 1, 1), null, false, null);

    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim("IC-1").person(person).item("T-A", "45000.00").json());

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode s = ClaimJson.parse(r.body());
    assertThat(s.get("actDeductible").decimalValue()).isEqualByComparingTo("1000.00");
    assertThat(s.get("funds").get(0).get("paid").decimalValue()).isEqualByComparingTo("29350.00");
    assertThat(s.get("funds").get(1).get("paid").decimalValue()).isEqualByComparingTo("3390.00");
    assertThat(s.get("funds").get(2).get("paid").decimalValue()).isEqualByComparingTo("0.00");

    JsonNode room =
        ClaimJson.parse(gw.get("/api/v1/persons/" + person + "/accumulators/2018", H1_KEY).body())
            .get("remainingRoom");
    assertThat(room.get("criticalIllness").decimalValue()).isEqualByComparingTo("296610.00");
    assertThat(room.get("assistance").size()).isZero();
  }
}
