package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.nhsa.NhsaInpatientFlowTest.with;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Every failure on the national routes is a national envelope: infcode non-zero, err_msg naming the
 * field, HTTP 200 (401 without a key), never HTTP 500 and never the JSON API's {code, message}.
 */
class NhsaErrorsTest {
  static TestGateway gw;
  static NhsaClient his;
  static String psnNo;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    his = new NhsaClient(gw, H1_KEY, H1);
    psnNo =
        his.ok("1101", Map.of("certno", "445202198001010208"))
            .get("baseinfo")
            .get("psn_no")
            .asText();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String admit(Map<String, String> values) {
    return his.body("2401", with(with(values, "psn_no", psnNo), "certno", "445202198001010208"));
  }

  /** An admission body with one field of {@code input.mdtrtinfo} or of the envelope changed. */
  static String edited(boolean envelope, String field, Object value) {
    ObjectNode body = (ObjectNode) NhsaClient.parse(admit(Map.of("ipt_no", "ZY-E")));
    ObjectNode target = envelope ? body : (ObjectNode) body.get("input").get("mdtrtinfo");
    if (value == null) {
      target.remove(field);
    } else {
      target.putPOJO(field, value);
    }
    return body.toString();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"infno\": \"2401\",", "body"),
        Arguments.of("not an object", "[1, 2]", "body"),
        Arguments.of("empty body", "", "body"),
        Arguments.of("no infno", edited(true, "infno", null), "infno"),
        Arguments.of("unknown infno", edited(true, "infno", "9999"), "infno"),
        Arguments.of("infno of letters", edited(true, "infno", "24O1"), "infno"),
        Arguments.of("no msgid", edited(true, "msgid", null), "msgid"),
        Arguments.of(
            "msgid of 41 characters", edited(true, "msgid", "M" + "0".repeat(40)), "msgid"),
        Arguments.of("msgid with a space", edited(true, "msgid", "2018 0301"), "msgid"),
        Arguments.of("no fixmedins_code", edited(true, "fixmedins_code", null), "fixmedins_code"),
        Arguments.of(
            "another hospital", edited(true, "fixmedins_code", "H44520200002"), "fixmedins_code"),
        Arguments.of("no input", edited(true, "input", null), "input"),
        Arguments.of("input not an object", edited(true, "input", "x"), "input"),
        Arguments.of("no insuplc_admdvs", edited(true, "insuplc_admdvs", null), "insuplc_admdvs"),
        Arguments.of("no psn_no", edited(false, "psn_no", null), "input.mdtrtinfo.psn_no"),
        Arguments.of("empty psn_no", edited(false, "psn_no", ""), "input.mdtrtinfo.psn_no"),
        Arguments.of(
            "unknown psn_no",
            edited(false, "psn_no", "YZ0000000000000000000000099999"),
            "input.mdtrtinfo.psn_no"),
        Arguments.of("no begntime", edited(false, "begntime", null), "input.mdtrtinfo.begntime"),
        Arguments.of(
            "bad begntime", edited(false, "begntime", "2018/03/01"), "input.mdtrtinfo.begntime"),
        Arguments.of("employee insutype", edited(false, "insutype", "310"), "input.mdtrtinfo"),
        Arguments.of("psn_no a number", edited(false, "psn_no", 12.5), "input.mdtrtinfo.psn_no"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusal_isANationalEnvelopeNamingTheField(String what, String body, String field) {
    Response r = his.post(body);
    assertRefused(r, 200, field);
  }

  @Test
  void missingOrUnknownKey_is200WithAnEnvelope() {
    // HIS clients throw on a status of 400 or more without reading the body (issue 16)
    String body = admit(Map.of("ipt_no", "ZY-K"));
    assertRefused(gw.post(NhsaClient.PATH, null, body), 200, "API key");
    assertRefused(gw.post(NhsaClient.PATH, "yz_made_up", body), 200, "API key");
  }

  @Test
  void anotherHospitalsKey_isRefusedNamingFixmedinsCode() {
    Response r = gw.post(NhsaClient.PATH, H2_KEY, admit(Map.of("ipt_no", "ZY-H2")));
    assertRefused(r, 200, "fixmedins_code");
  }

  @Test
  void wrongMethod_isAnEnvelopeToo() {
    Response r =
        gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaClient.PATH)), H1_KEY);
    assertRefused(r, 200, "POST");
  }

  @Test
  void engineRefusal_namesTheFeeDetailField() {
    String mdtrtId =
        NhsaClient.parse(his.post(admit(Map.of("ipt_no", "ZY-F"))).body())
            .get("output")
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId);
    String bad = his.upload(ids, his.nextMsgid(), "F1", "T-A", "2", "3", "7.00");
    Response r = his.post(bad);
    assertRefused(r, 200, "input.feedetail[0].det_item_fee_sumamt");
    assertThat(NhsaClient.parse(r.body()).get("err_msg").asText()).contains("AMOUNT_MISMATCH");
    assertThat(gw.value("SELECT count(*) FROM nhsa_fee WHERE mdtrt_id = ?", mdtrtId)).isEqualTo(0L);
  }

  @Test
  void aliasRoute_answersTheSame() {
    Response r = gw.post("/nhsa/call", H1_KEY, edited(true, "infno", "9999"));
    assertRefused(r, 200, "infno");
    Response ok = gw.post("/nhsa/call", H1_KEY, admit(Map.of("ipt_no", "ZY-A")));
    assertThat(NhsaClient.parse(ok.body()).get("infcode").asInt()).isZero();
  }

  @Test
  void unavailableStore_is200WithAnEnvelopeAndRetryAfter() throws Exception {
    TestGateway down = TestGateway.start();
    try {
      NhsaClient c = new NhsaClient(down, H1_KEY, H1);
      c.ok("1101", Map.of("certno", "445202198001010216"));
      down.gateway().pool().close().toCompletionStage().toCompletableFuture().get();

      Response r = c.post(c.body("1101", Map.of("certno", "445202198001010216")));

      assertRefused(r, 200, "unavailable");
      assertThat(r.header("Retry-After")).isNotBlank();
    } finally {
      down.close();
    }
  }

  // ---- ID numbers, values never echoed, text, digits, the length of a stay

  @Test
  void person1101_withAnInvalidIdNumber_isRefusedInItsEnvelope_withoutTheNumber() {
    for (String bad : new String[] {"445202199001011234", "000000000000000000"}) {
      Response r = his.post(his.body("1101", Map.of("certno", bad)));
      assertRefused(r, 200, "input.data.mdtrt_cert_no");
      String err = NhsaClient.parse(r.body()).get("err_msg").asText();
      assertThat(err).startsWith("[INVALID_ID_NUMBER]").doesNotContain(bad);
    }
  }

  @Test
  void person1101_underEverySpellingOfOneNumber_isOnePerson() {
    String canonical = "44520219900101123X";
    JsonNode upper = his.ok("1101", Map.of("certno", canonical)).get("baseinfo");
    for (String spelling : new String[] {"44520219900101123x", "445202900101123"}) {
      JsonNode other = his.ok("1101", Map.of("certno", spelling)).get("baseinfo");
      assertThat(other.get("psn_no").asText()).isEqualTo(upper.get("psn_no").asText());
      assertThat(other.get("certno").asText()).isEqualTo(canonical);
    }
  }

  @Test
  void admission2401_withAnotherPersonsIdNumber_orAnInvalidOne_isRefused() {
    Response other =
        his.post(
            his.body(
                "2401",
                Map.of("psn_no", psnNo, "certno", "445202198001010013", "ipt_no", "ZY-C1")));
    assertRefused(other, 200, "input.mdtrtinfo.mdtrt_cert_no");
    assertThat(NhsaClient.parse(other.body()).get("err_msg").asText())
        .contains("input.mdtrtinfo.mdtrt_cert_no is not the ID number of psn_no")
        .doesNotContain("445202198001010013");
    Response invalid =
        his.post(
            his.body(
                "2401",
                Map.of("psn_no", psnNo, "certno", "445202198001010201", "ipt_no", "ZY-C2")));
    assertRefused(invalid, 200, "input.mdtrtinfo.mdtrt_cert_no");
    assertThat(NhsaClient.parse(invalid.body()).get("err_msg").asText())
        .startsWith("[INVALID_ID_NUMBER]");
  }

  @Test
  void anIdNumberInATimeField_isNotEchoed() {
    String person = "445202198001010208";
    Response r = his.post(edited(false, "begntime", person));
    assertRefused(r, 200, "input.mdtrtinfo.begntime");
    assertThat(r.body()).doesNotContain(person);
  }

  @Test
  void aLoneSurrogateInAName_isRefusedNamingTheField_andNothingIsStored() {
    String body =
        his.body("1101", Map.of("certno", "445202198001010232")).replace("\"林秀英\"", "\"\\ud800中\"");
    Response r = his.post(body);
    assertRefused(r, 200, "input.data.psn_name");
    assertThat(NhsaClient.parse(r.body()).get("err_msg").asText())
        .startsWith("[INVALID_TEXT] input.data.psn_name");
    assertThat(
            gw.value(
                "SELECT count(*) FROM nhsa_person WHERE person_id_no = ?", "445202198001010232"))
        .isEqualTo(0L);
  }

  @Test
  void fullWidthDigitsInAQuantity_areRefusedNamingTheField() {
    String mdtrtId =
        NhsaClient.parse(his.post(admit(Map.of("ipt_no", "ZY-FW"))).body())
            .get("output")
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId);
    String bad = his.upload(ids, his.nextMsgid(), "FW1", "T-A", "２", "3", "6.00");
    assertRefused(his.post(bad), 200, "input.feedetail[0].cnt");
    assertThat(gw.value("SELECT count(*) FROM nhsa_fee WHERE mdtrt_id = ?", mdtrtId)).isEqualTo(0L);
  }

  @Test
  void discharge2402_moreThanTheBoundAfterAdmission_isRefused() {
    String admitted =
        admit(Map.of("ipt_no", "ZY-118")).replace("2018-03-01 09:30:00", "1900-03-01 09:30:00");
    String mdtrtId =
        NhsaClient.parse(his.post(admitted).body())
            .get("output")
            .get("result")
            .get("mdtrt_id")
            .asText();
    Response r = his.post(his.body("2402", Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId)));
    assertRefused(r, 200, "input.dscginfo.endtime");
    assertThat(NhsaClient.parse(r.body()).get("err_msg").asText()).startsWith("[STAY_TOO_LONG]");
  }

  @Test
  void settle2304_ofAStayLongerThanTheBound_isRefusedInTheEnvelope() {
    String mdtrtId =
        NhsaClient.parse(his.post(admit(Map.of("ipt_no", "ZY-LONG"))).body())
            .get("output")
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId);
    JsonNode uploaded =
        NhsaClient.parse(
            his.post(his.upload(ids, his.nextMsgid(), "L1", "T-A", "1", "10", "10.00")).body());
    assertThat(uploaded.get("infcode").asInt()).as(uploaded.toString()).isZero();
    his.ok("2402", ids);
    // a discharge recorded before 2402 checked the bound (an upgraded database)
    gw.value(
        "UPDATE nhsa_admission SET begntime = '1900-03-01 09:30:00' WHERE mdtrt_id = ?"
            + " RETURNING 1",
        mdtrtId);

    for (String infno : new String[] {"2303", "2304"}) {
      JsonNode refused =
          NhsaClient.parse(
              his.post(
                      his.body(
                          infno,
                          Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "medfee_sumamt", "10.00")))
                  .body());

      assertThat(refused.get("infcode").asInt()).as(refused.toString()).isEqualTo(-1);
      assertThat(refused.get("err_msg").asText())
          .startsWith("[STAY_TOO_LONG] endtime (2402) is more than 366 days after begntime");
    }
    assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = ?", mdtrtId))
        .isEqualTo(0L);
  }

  static void assertRefused(Response r, int status, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode e = NhsaClient.parse(r.body());
    assertThat(e.has("code")).isFalse();
    assertThat(e.get("infcode").asInt()).isEqualTo(-1);
    assertThat(e.get("err_msg").asText()).contains(field);
    assertThat(e.get("inf_refmsgid").asText()).hasSize(30);
    assertThat(e.get("output").isNull()).isTrue();
  }
}
