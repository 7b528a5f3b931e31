package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Who may see whom: a hospital reads a person's year figures only while it treats them (an
 * admission or a settlement of its own within the window), else the person is "not found"; 1101
 * tells a poverty identity only to a hospital of the person's city or one that treats them; psn_no
 * cannot be guessed.
 */
class PersonScopeTest {
  /** 广州市越秀区中心医院, another city (config/demo-keys.txt). */
  static final String H4 = "H44010400004";

  static final String H4_KEY = "yz_demo_H44010400004_56f8061d32be1deb697ec29087235644";
  static final String H2 = "H44520200002";

  static TestGateway gw;

  /** One client per hospital for the class: each numbers its messages (msgid) in sequence. */
  static NhsaClient h1;

  static NhsaClient h2;
  static NhsaClient h4;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    h1 = new NhsaClient(gw, H1_KEY, H1);
    h2 = new NhsaClient(gw, H2_KEY, H2);
    h4 = new NhsaClient(gw, H4_KEY, H4);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String figuresPath(String person) {
    return "/api/v1/persons/" + person + "/accumulators/2018";
  }

  static void settle(String claimNo, String person) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim(claimNo).person(person).item("T-A", "3000.00").json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void yearFigures_onlyForAHospitalThatTreatsThePerson() {
    String person = "445202198001010136";
    TestData.confirmed(gw, person, "SUBSISTENCE");
    settle("PS-1", person);

    Response treating = gw.get(figuresPath(person), H1_KEY);
    Response other = gw.get(figuresPath(person), H2_KEY);
    Response nobody = gw.get(figuresPath("445202198001010152"), H2_KEY);

    assertThat(treating.status()).as(treating.body()).isEqualTo(200);
    assertThat(other.status()).as(other.body()).isEqualTo(404);
    assertThat(other.body()).doesNotContain("SUBSISTENCE").doesNotContain(person);
    // a person who does not exist and one the hospital does not treat look the same
    assertThat(ClaimJson.parse(other.body()).get("message"))
        .isEqualTo(ClaimJson.parse(nobody.body()).get("message"));
  }

  @Test
  void yearFigures_notAfterTheTreatmentWindow() {
    String person = "445202198001010144";
    settle("PS-2", person);
    gw.sql(
        "UPDATE settlement SET settled_at = now() - interval '366 days' WHERE person_id_no = ?",
        person);

    assertThat(gw.get(figuresPath(person), H1_KEY).status()).isEqualTo(404);
  }

  @Test
  void national5206_refusesAPersonTheHospitalDoesNotTreat_asUnknown() {
    String person = "445202198001010160";
    settle("PS-3", person);
    String psnNo = h1.ok("1101", Map.of("certno", person)).get("baseinfo").get("psn_no").asText();

    JsonNode mine = h1.send("5206", Map.of("psn_no", psnNo));
    JsonNode theirs = h2.send("5206", Map.of("psn_no", psnNo));

    assertThat(mine.get("infcode").asInt()).as(mine.toString()).isZero();
    assertThat(theirs.get("infcode").asInt()).isNotZero();
    assertThat(theirs.get("err_msg").asText()).contains("is not a known psn_no");
    assertThat(theirs.toString()).doesNotContain("cuminfo");
  }

  @Test
  void national1101_tellsPovertyIdentities_onlyInThePersonsCityOrWhileTreating() {
    String person = "445202198001010195";
    TestData.confirmed(gw, person, "DESTITUTE");
    NhsaClient sameCity = h2;
    NhsaClient guangzhou = h4;

    JsonNode near = sameCity.ok("1101", Map.of("certno", person));
    JsonNode far = guangzhou.ok("1101", Map.of("certno", person));

    assertThat(near.get("idetinfo")).hasSize(1);
    assertThat(far.get("idetinfo")).isEmpty();
    assertThat(far.get("baseinfo").get("psn_no").asText())
        .isEqualTo(near.get("baseinfo").get("psn_no").asText());
    assertThat(far.get("insuinfo").get(0).get("insuplc_admdvs").asText()).isEqualTo("445202");
    assertThat(far.toString()).doesNotContain("特困");
  }

  /** The national path applies the claim's office check already at admission. */
  @Test
  void national2401_namingAnOfficeThatDoesNotManageThePerson_isRefused() {
    String person = "445202198001010224";
    String psnNo = h1.ok("1101", Map.of("certno", person)).get("baseinfo").get("psn_no").asText();
    String body =
        h1.body("2401", Map.of("psn_no", psnNo, "certno", person, "ipt_no", "ZY-PS-7"))
            .replace("\"insuplc_admdvs\": \"445202\"", "\"insuplc_admdvs\": \"445281\"");
    assertThat(body).contains("\"insuplc_admdvs\": \"445281\"");

    JsonNode refused = NhsaClient.parse(h1.post(body).body());

    assertThat(refused.get("infcode").asInt()).isNotZero();
    assertThat(refused.get("err_msg").asText()).contains("OFFICE_MISMATCH");
    assertThat(gw.value("SELECT count(*) FROM nhsa_admission WHERE ipt_no = 'ZY-PS-7'"))
        .isEqualTo(0L);
  }

  @Test
  void psnNo_isRandom_andASequentialOneIsUnknown() {
    String a =
        h1.ok("1101", Map.of("certno", "445202198001010208"))
            .get("baseinfo")
            .get("psn_no")
            .asText();
    String b =
        h1.ok("1101", Map.of("certno", "445202198001010216"))
            .get("baseinfo")
            .get("psn_no")
            .asText();

    assertThat(a).matches("YZ[0-9a-f]{28}");
    assertThat(b).matches("YZ[0-9a-f]{28}").isNotEqualTo(a);
    JsonNode guessed = h1.send("5206", Map.of("psn_no", "YZ000000000000000001"));
    assertThat(guessed.get("infcode").asInt()).isNotZero();
  }
}
