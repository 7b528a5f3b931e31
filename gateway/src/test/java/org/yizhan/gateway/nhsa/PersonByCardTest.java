package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/** 1101 answers from the insured register, by ID number and by social-security card (03). */
class PersonByCardTest {
  static TestGateway gw;
  static NhsaClient his;

  static final String PERSON = TestData.idNo("445202", LocalDate.of(1975, 6, 1), 7);
  static final String CARD = "H44520299000007";

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    gw.enrolOnFirstSight(false);
    his = new NhsaClient(gw, H1_KEY, H1);
    TestData.enrol(gw, PERSON, "445202", LocalDate.of(2018, 1, 1), null, "SUBSIDISED", CARD);
    gw.sql(
        "UPDATE insured_enrolment SET card_sn = 'SN0000007', person_name = '林秀英'"
            + " WHERE person_id_no = ?",
        PERSON);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A 1101 by card: mdtrt_cert_type 03, the card number and serial, certno empty. */
  static JsonNode byCard(String card, String cardSn, String certType) {
    JsonNode body = NhsaClient.parse(his.body("1101", Map.of("certno", "")));
    ObjectNode data = (ObjectNode) body.get("input").get("data");
    data.put("mdtrt_cert_type", certType);
    data.put("mdtrt_cert_no", card);
    data.put("card_sn", cardSn);
    data.put("psn_cert_type", "");
    data.put("certno", "");
    data.remove("psn_name");
    return NhsaClient.parse(his.post(body.toString()).body());
  }

  static void checkInsuinfo(JsonNode out) {
    JsonNode base = out.get("baseinfo");
    assertThat(base.get("certno").asText()).isEqualTo(PERSON);
    assertThat(base.get("psn_name").asText()).isEqualTo("林秀英");
    assertThat(base.get("naty").asText()).isEqualTo("99"); // not held
    assertThat(base.get("gend").asText()).isIn("1", "2");
    assertThat(base.get("brdy").asText()).isEqualTo("1975-06-01");
    assertThat(base.get("age").isNumber()).isTrue();
    JsonNode insu = out.get("insuinfo");
    assertThat(insu).hasSize(1);
    assertThat(insu.get(0).get("insutype").asText()).isEqualTo("390");
    assertThat(insu.get(0).get("psn_type").asText()).isEqualTo("1501"); // an adult resident
    assertThat(insu.get(0).get("psn_insu_stas").asText()).isEqualTo("1");
    assertThat(insu.get(0).get("psn_insu_date").asText()).isEqualTo("2018-01-01");
    assertThat(insu.get(0).get("insuplc_admdvs").asText()).isEqualTo("445202");
    assertThat(insu.get(0).has("emp_name")).isTrue();
    assertThat(insu.get(0).has("paus_insu_date")).isTrue();
  }

  @Test
  void person_byIdNumber_answersTheRegistersEnrolment() {
    JsonNode answer = his.send("1101", Map.of("certno", PERSON));
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    JsonNode out = answer.get("output");
    // the fixture names the person 林秀英 as well
    checkInsuinfo(out);
  }

  @Test
  void person_bySocialSecurityCard_resolvesThroughTheRegister() {
    JsonNode answer = byCard(CARD, "SN0000007", "03");
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    checkInsuinfo(answer.get("output"));
  }

  @Test
  void person_byUnknownCard_refusedClearly() {
    JsonNode answer = byCard("H44520299999999", "", "03");
    assertThat(answer.get("infcode").asInt()).isNotZero();
    assertThat(answer.get("err_msg").asText()).contains("UNKNOWN_CARD").contains("mdtrt_cert_no");
    JsonNode wrongSerial = byCard(CARD, "SN9999999", "03");
    assertThat(wrongSerial.get("err_msg").asText()).contains("UNKNOWN_CARD");
  }

  @Test
  void person_byElectronicVoucher_refusedAsNotSupported() {
    JsonNode answer = byCard("tokenABCDEF123456", "", "01");
    assertThat(answer.get("infcode").asInt()).isNotZero();
    assertThat(answer.get("err_msg").asText()).contains("CERT_TYPE_NOT_SUPPORTED");
  }
}
