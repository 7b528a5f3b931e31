package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Two gateway instances on one database, one clock: a catalogue version approved through one prices
 * claims in both from its start day, without a restart; a settlement across the switch is priced
 * under the version of its discharge date and records it, with the policy version, in its row and
 * its answers.
 */
class CatalogueSwitchTwoInstancesTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    a = TestGateway.start(PolicyFixture.ENV, CLOCK);
    b = TestGateway.start(PolicyFixture.ENV, url -> a.database().jdbcUrl(), CLOCK);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void anApprovedCatalogue_takesEffectAtItsDate_inBothInstances_andSettlementsRecordIt()
      throws Exception {
    ManagerClient makerB =
        ManagerClient.login(b, CatalogueFixture.MAKER, CatalogueFixture.MAKER_PASSWORD);
    long old = CatalogueFixture.inForce(makerB, "2019-06-11");
    // T-B20 is a B item with a 20% self-pay share: 1000.00 of it is 200.00 paid first by the
    // patient
    JsonNode before = settle(b, "CS-1", person(1), "2019-06-01", "2019-06-10");
    assertThat(before.get("preSelfPay").asText()).isEqualTo("200.00");

    ManagerClient maker =
        ManagerClient.login(a, CatalogueFixture.MAKER, CatalogueFixture.MAKER_PASSWORD);
    ManagerClient checker =
        ManagerClient.login(a, CatalogueFixture.CHECKER, CatalogueFixture.CHECKER_PASSWORD);
    Response drafted =
        CatalogueFixture.draft(maker, CatalogueFixture.raisedSelfPay(maker, old), "2019-06-11");
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    assertThat(CatalogueFixture.inForce(makerB, "2019-06-11")).isEqualTo(old);
    Response approved = checker.post("/agency/api/catalogues/" + id + "/approve", "{}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    long seen = old;
    for (int i = 0; i < 50 && seen != id; i++) {
      seen = CatalogueFixture.inForce(makerB, "2019-06-11");
      if (seen != id) {
        Thread.sleep(100);
      }
    }
    assertThat(seen).as("the other instance's catalogue within 5 s").isEqualTo(id);
    assertThat(CatalogueFixture.inForce(maker, "2019-06-11")).isEqualTo(id);
    assertThat(CatalogueFixture.inForce(makerB, "2019-06-10")).as("the day before").isEqualTo(old);

    // still June 10: discharged today, priced under the old version on either instance
    JsonNode sameDay = settle(a, "CS-2", person(2), "2019-06-05", "2019-06-10");
    assertThat(sameDay.get("preSelfPay").asText()).isEqualTo("200.00");

    CLOCK.set(PolicyFixture.JUNE_11);
    // admitted before the switch, discharged on its day: the new catalogue prices every line
    JsonNode across = settle(b, "CS-3", person(3), "2019-06-05", "2019-06-11");
    assertThat(across.get("preSelfPay").asText()).isEqualTo("500.00");
    JsonNode onA = settle(a, "CS-4", person(4), "2019-06-11", "2019-06-11");
    assertThat(onA.get("preSelfPay").asText()).isEqualTo("500.00");

    long policy = before.get("policyVersion").asLong();
    assertThat(policy).isPositive();
    assertThat(before.get("catalogueVersion").asLong()).isEqualTo(old);
    assertThat(sameDay.get("catalogueVersion").asLong()).isEqualTo(old);
    assertThat(across.get("catalogueVersion").asLong()).isEqualTo(id);
    assertThat(across.get("policyVersion").asLong()).isEqualTo(policy);
    assertThat(onA.get("catalogueVersion").asLong()).isEqualTo(id);
    assertThat(stored("CS-1")).isEqualTo(old);
    assertThat(stored("CS-2")).isEqualTo(old);
    assertThat(stored("CS-3")).isEqualTo(id);
    assertThat(stored("CS-4")).isEqualTo(id);

    // the lean answer (search) and the detail answer read back from the row say the same
    JsonNode lean =
        ClaimJson.parse(b.get("/api/v1/settlements?claimNo=CS-3", H1_KEY).body())
            .get("items")
            .get(0);
    assertThat(lean.get("catalogueVersion").asLong()).isEqualTo(id);
    assertThat(lean.get("policyVersion").asLong()).isEqualTo(policy);
    JsonNode detail =
        ClaimJson.parse(
            a.get("/api/v1/settlements/" + across.get("settlementId").asText(), H1_KEY).body());
    assertThat(detail.get("catalogueVersion").asLong()).isEqualTo(id);
    assertThat(detail.get("policyVersion").asLong()).isEqualTo(policy);
  }

  private static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1981, 1, 1), 400 + i);
  }

  private static JsonNode settle(
      TestGateway gw, String claimNo, String person, String admitted, String discharged) {
    String body =
        ClaimJson.claim(claimNo)
            .person(person)
            .dates(admitted, discharged)
            .item("T-B20", "1000.00")
            .json();
    a.enrol(person);
    Response r = gw.post("/api/v1/settlements", H1_KEY, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return ClaimJson.parse(r.body());
  }

  private static long stored(String claimNo) {
    return ((Number)
            a.value("SELECT catalogue_version FROM settlement WHERE claim_no = ?", claimNo))
        .longValue();
  }
}
