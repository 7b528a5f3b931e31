package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Values are checked where they enter, on the hospital API and the managers' API (the national
 * interface's are in NhsaErrorsTest): ID numbers (GB 11643, one canonical key per person), text (no
 * half characters, no NUL), amounts (ASCII digits), the length of a stay; and a refusal names the
 * field, never the value.
 */
class InputValidationTest {
  /** An ID number whose check character is X, and its other spellings. */
  static final String CANONICAL = "44520219900101123X";

  static final String LOWER_X = "44520219900101123x";
  static final String FIFTEEN = "445202900101123";

  /** A well-formed ID number with a wrong check digit (the README's old demo number). */
  static final String WRONG_CHECK = "445202199001011234";

  static TestGateway gw;
  static ManagerClient manager;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    manager = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonNode refused(Response r, int status, String code, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonNode e = ClaimJson.parse(r.body());
    assertThat(e.get("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(e.get("field").asText()).isEqualTo(field);
    assertThat(e.get("message").asText()).contains(field);
    return e;
  }

  // ---- ID numbers

  static Stream<Arguments> invalidIdNumbers() {
    return Stream.of(
        Arguments.of(WRONG_CHECK, "wrong check digit"),
        Arguments.of("000000000000000000", "all zeros"),
        Arguments.of("445202199002300017", "born on 30 February"),
        Arguments.of("445202900230123", "15 digits born on 30 February"),
        Arguments.of("44520219900101123Y", "a letter other than X"),
        Arguments.of("４４５２０２１９９００１０１１２３Ｘ", "full-width digits"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidIdNumbers")
  void settle_withAnInvalidIdNumber_isRefusedNamingTheField_andSettlesNothing(
      String idNo, String why) {
    String claim = ClaimJson.claim("ID-BAD").person(idNo).item("T-A", "100.00").json();

    JsonNode e =
        refused(
            gw.post("/api/v1/settlements", H1_KEY, claim), 400, "INVALID_ID_NUMBER", "personIdNo");

    assertThat(e.get("message").asText()).doesNotContain(idNo);
    assertThat(gw.count("settlement")).isZero();
  }

  @Test
  void yearFigures_ofAnInvalidIdNumber_areRefusedNamingThePathParameter() {
    refused(
        gw.get("/api/v1/persons/" + WRONG_CHECK + "/accumulators/2018", H1_KEY),
        400,
        "INVALID_ID_NUMBER",
        "idNo");
    refused(
        gw.get("/api/v1/persons/000000000000000000/accumulators/2018", H1_KEY),
        400,
        "INVALID_ID_NUMBER",
        "idNo");
  }

  @Test
  void registerIdentity_withAnInvalidIdNumber_isRefusedNamingTheField() {
    long before = gw.count("person_identity");
    Response r =
        manager.post(
            "/manager/api/identities",
            "{\"personIdNo\":\""
                + WRONG_CHECK
                + "\",\"category\":\"DESTITUTE\",\"validFrom\":\"2018-01-01\"}");

    JsonNode e = refused(r, 400, "INVALID_ID_NUMBER", "personIdNo");
    assertThat(e.get("message").asText()).doesNotContain(WRONG_CHECK);
    assertThat(gw.count("person_identity")).isEqualTo(before);
  }

  @Test
  void registerIdentity_underAnotherSpelling_isKeptUnderTheCanonicalNumber() {
    String person = "445202198801010011";
    String fifteen = "445202880101001";
    manager.register(fifteen, "SUBSISTENCE", "2018-01-01", null);

    assertThat(
            gw.value(
                "SELECT person_id_no FROM person_identity WHERE person_id_no LIKE ?",
                "4452021988%"))
        .isEqualTo(person);
  }

  @Test
  void rosterImport_withAnInvalidIdNumber_isRefusedNamingTheLine_andImportsNothing() {
    long before = gw.count("person_identity");
    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + "445202198701010014,甲,SUBSISTENCE,2018-01-01,,true,\n"
            + WRONG_CHECK
            + ",乙,SUBSISTENCE,2018-01-01,,true,\n";

    Response r = manager.postCsv("/manager/api/identities/import", csv);

    JsonNode e = refused(r, 422, "INVALID_ID_NUMBER", "line 3: person_id_no");
    assertThat(e.get("message").asText()).contains("check digit").doesNotContain(WRONG_CHECK);
    assertThat(gw.count("person_identity")).isEqualTo(before);
  }

  @Test
  void rosterImport_inGbk_isDecodedAsGb18030_ratherThanStoringReplacementCharacters() {
    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + "445202198701010014,李四,SUBSISTENCE,2018-01-01,,true,\n";
    Response r =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/manager/api/identities/import"))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv.getBytes(Charset.forName("GBK")))),
            manager.token());

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode list =
        ClaimJson.parse(manager.get("/manager/api/identities?q=445202198701010014").body());
    assertThat(list.get("items").get(0).get("personName").asText()).isEqualTo("李四");
  }

  @Test
  void rosterImport_twoSpellingsOfOnePerson_areOneRepeatedRow() {
    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + CANONICAL
            + ",甲,SUBSISTENCE,2018-01-01,,true,\n"
            + FIFTEEN
            + ",甲,SUBSISTENCE,2018-01-01,,true,\n";

    Response r = manager.postCsv("/manager/api/identities/import", csv);

    refused(r, 422, "IMPORT_REFUSED", "line 3: person_id_no");
  }

  /**
   * One person settled under three spellings of the number (upper-case X, lower-case x, the
   * 15-digit first-generation form) is one person: one row of year figures, one annual cap of basic
   * insurance (150,000.00 under the reference policy), not three.
   */
  @Test
  void settle_underEverySpellingOfOneNumber_drawsOnOneAnnualCap() {
    String[] spellings = {CANONICAL, LOWER_X, FIFTEEN};
    BigDecimal basic = BigDecimal.ZERO;
    for (int i = 0; i < spellings.length; i++) {
      String claim =
          ClaimJson.claim("CAP-" + i)
              .person(spellings[i])
              .dates("2018-0" + (3 + i) + "-01", "2018-0" + (3 + i) + "-20")
              .item("T-A", "300000.00")
              .json();
      Response r = gw.post("/api/v1/settlements", H1_KEY, claim);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      JsonNode s = ClaimJson.parse(r.body());
      assertThat(s.get("personIdNo").asText()).isEqualTo(CANONICAL);
      for (JsonNode f : s.get("funds")) {
        if (f.get("fund").asText().equals("BASIC")) {
          basic = basic.add(f.get("paid").decimalValue());
        }
      }
    }

    assertThat(basic).isEqualByComparingTo("150000.00");
    assertThat(
            gw.value("SELECT count(*) FROM accumulator WHERE person_id_no LIKE '445202%9001011%'"))
        .isEqualTo(1L);
    JsonNode figures =
        ClaimJson.parse(gw.get("/api/v1/persons/" + FIFTEEN + "/accumulators/2018", H1_KEY).body());
    assertThat(figures.get("basicPaid").decimalValue()).isEqualByComparingTo("150000.00");
    assertThat(
            figures.get("admissions").get("level3").asInt()
                + figures.get("admissions").get("level2").asInt()
                + figures.get("admissions").get("level1").asInt())
        .isEqualTo(3);
  }

  // ---- errors never echo values

  @Test
  void anIdNumberInADateField_isNotEchoed_onTheHospitalApi() {
    String person = "445202198001010013";
    String claim = ClaimJson.claim("ECHO-1").dates(person, "2018-03-20").item("T-A", "1.00").json();

    JsonNode e =
        refused(
            gw.post("/api/v1/settlements", H1_KEY, claim), 400, "INVALID_FIELD", "admissionDate");

    assertThat(e.toString()).doesNotContain(person);
  }

  @Test
  void anIdNumberInAnAmount_orInAMalformedBody_isNotEchoed() {
    String person = "445202198001010013";
    String claim =
        ClaimJson.claim("ECHO-2")
            .item("T-A", "1.00")
            .json()
            .replace("\"amount\":1.00", "\"amount\":\"" + person + "x\"");
    JsonNode e =
        refused(
            gw.post("/api/v1/settlements", H1_KEY, claim), 400, "INVALID_FIELD", "lines[0].amount");
    assertThat(e.toString()).doesNotContain(person);

    String malformed = "{\"claimNo\": x" + person + "}";
    JsonNode m =
        refused(gw.post("/api/v1/settlements", H1_KEY, malformed), 400, "MALFORMED_JSON", "body");
    assertThat(m.toString()).doesNotContain(person);
  }

  @Test
  void anIdNumberInADateField_isNotEchoed_onTheManagersApi() {
    String person = "445202198001010013";
    Response r =
        manager.post(
            "/manager/api/identities",
            "{\"personIdNo\":\""
                + person
                + "\",\"category\":\"DESTITUTE\",\"validFrom\":\""
                + person
                + "\"}");

    JsonNode e = refused(r, 400, "INVALID_FIELD", "validFrom");
    assertThat(e.get("message").asText()).doesNotContain(person);

    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + person
            + ",甲,SUBSISTENCE,"
            + person
            + ",,true,\n";
    JsonNode roster =
        refused(
            manager.postCsv("/manager/api/identities/import", csv),
            422,
            "IMPORT_REFUSED",
            "line 2: valid_from");
    assertThat(roster.get("message").asText()).doesNotContain(person);
  }

  @Test
  void anIdNumberInAPathId_isNotEchoed() {
    String person = "445202198001010013";
    JsonNode e = ClaimJson.parse(gw.get("/api/v1/settlements/" + person, H1_KEY).body());
    assertThat(e.get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(e.toString()).doesNotContain(person);
    JsonNode m =
        ClaimJson.parse(manager.get("/manager/api/accounts/" + person + "/entries").body());
    assertThat(m.toString()).doesNotContain(person);
    Response key =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/keys/" + person)).DELETE(),
            H1_KEY);
    assertThat(key.status()).isEqualTo(404);
    assertThat(key.body()).doesNotContain(person);
  }

  // ---- invalid Unicode

  static Stream<Arguments> invalidText() {
    return Stream.of(
        Arguments.of("\\ud800目", "personName", "a lone high surrogate in the name"),
        Arguments.of("\\udc00中", "personName", "a lone low surrogate in the name"),
        Arguments.of("张\\u0000三", "personName", "NUL in the name"),
        Arguments.of("\\ud800目", "lines[0].itemName", "a lone surrogate in an item name"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("invalidText")
  void settle_withInvalidText_isRefusedNamingTheField_andStoresNothing(
      String text, String field, String why) {
    String claim =
        ClaimJson.claim("TEXT-1")
            .item("T-A", "100.00")
            .json()
            .replace(field.equals("personName") ? "张三" : "项目 T-A", text);

    refused(gw.post("/api/v1/settlements", H1_KEY, claim), 400, "INVALID_TEXT", field);
    refused(gw.post("/api/v1/settlements/preview", H1_KEY, claim), 400, "INVALID_TEXT", field);
    assertThat(gw.value("SELECT count(*) FROM claim WHERE claim_no = 'TEXT-1'")).isEqualTo(0L);
  }

  @Test
  void identitySearch_withNulInQ_isRefusedNamingQ() {
    refused(manager.get("/manager/api/identities?q=4452%00"), 400, "INVALID_TEXT", "q");
  }

  @Test
  void accountId_inFullWidthDigits_isNotFound() {
    long id = manager.account("H44520200002", null, null);
    assertThat(manager.get("/manager/api/accounts/" + id + "/entries").status()).isEqualTo(200);
    StringBuilder fullWidth = new StringBuilder();
    for (char c : Long.toString(id).toCharArray()) {
      fullWidth.append((char) (c - '0' + '０'));
    }

    Response r =
        manager.get(
            "/manager/api/accounts/"
                + URLEncoder.encode(fullWidth.toString(), StandardCharsets.UTF_8)
                + "/entries");

    assertThat(r.status()).as(r.body()).isEqualTo(404);
  }

  @Test
  void registerIdentity_withALoneSurrogateInTheName_isRefusedNamingTheField() {
    long before = gw.count("person_identity");
    Response r =
        manager.post(
            "/manager/api/identities",
            "{\"personIdNo\":\"445202198601010025\",\"personName\":\"\\ud800中\","
                + "\"category\":\"DESTITUTE\",\"validFrom\":\"2018-01-01\"}");

    refused(r, 400, "INVALID_TEXT", "personName");
    assertThat(gw.count("person_identity")).isEqualTo(before);
  }

  @Test
  void settle_withAValidSupplementaryCharacter_isAccepted() {
    String claim =
        ClaimJson.claim("TEXT-OK")
            .person("44520219850101001X")
            .item("T-A", "100.00")
            .json()
            .replace("张三", "𠀀三");
    Response r = gw.post("/api/v1/settlements", H1_KEY, claim);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(gw.value("SELECT person_name FROM claim WHERE claim_no = 'TEXT-OK'"))
        .isEqualTo("𠀀三");
  }

  // ---- full-width digits and the length of a stay

  @Test
  void settle_withFullWidthDigitsInAnAmount_isRefusedNamingTheField() {
    String claim =
        ClaimJson.claim("FW-1")
            .item("T-A", "100.00")
            .json()
            .replace("\"amount\":100.00", "\"amount\":\"１００.００\"");

    refused(gw.post("/api/v1/settlements", H1_KEY, claim), 400, "INVALID_FIELD", "lines[0].amount");
    String quantity =
        ClaimJson.claim("FW-2")
            .item("T-A", "100.00")
            .json()
            .replace("\"quantity\":1", "\"quantity\":\"１\"");
    refused(
        gw.post("/api/v1/settlements", H1_KEY, quantity),
        400,
        "INVALID_FIELD",
        "lines[0].quantity");
  }

  @Test
  void aYearOrPageInFullWidthDigits_isRefusedNamingTheParameter() {
    refused(
        gw.get(
            "/api/v1/persons/" + CANONICAL + "/accumulators/%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%98",
            H1_KEY),
        400,
        "INVALID_FIELD",
        "year");
    refused(
        gw.get("/api/v1/settlements?from=2018-01-01&to=2018-01-31&page=%EF%BC%91", H1_KEY),
        400,
        "INVALID_FIELD",
        "page");
  }

  @Test
  void settle_ofAStayLongerThanTheBound_isRefused_andOfExactlyTheBound_isSettled() {
    String century =
        ClaimJson.claim("STAY-118").dates("1900-03-01", "2018-03-20").item("T-A", "100.00").json();
    refused(gw.post("/api/v1/settlements", H1_KEY, century), 422, "STAY_TOO_LONG", "dischargeDate");

    String farFuture =
        ClaimJson.claim("STAY-MAX")
            .dates("2018-03-01", "+999999999-12-31")
            .item("T-A", "100.00")
            .json();
    refused(
        gw.post("/api/v1/settlements", H1_KEY, farFuture), 422, "STAY_TOO_LONG", "dischargeDate");
    String farPast =
        ClaimJson.claim("STAY-MIN")
            .dates("-999999999-01-01", "2018-03-20")
            .item("T-A", "100.00")
            .json();
    refused(gw.post("/api/v1/settlements", H1_KEY, farPast), 422, "STAY_TOO_LONG", "dischargeDate");

    String tooLong =
        ClaimJson.claim("STAY-367").dates("2017-03-19", "2018-03-21").item("T-A", "100.00").json();
    refused(gw.post("/api/v1/settlements", H1_KEY, tooLong), 422, "STAY_TOO_LONG", "dischargeDate");

    String longest =
        ClaimJson.claim("STAY-366")
            .person("445202198401010012")
            .dates("2017-03-19", "2018-03-20")
            .item("T-A", "100.00")
            .json();
    Response ok = gw.post("/api/v1/settlements", H1_KEY, longest);
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
  }

  @Test
  void theStayBound_isASetting() {
    try (TestGateway shorter = TestGateway.start(Map.of("YIZHAN_CLAIMS_MAX_STAY_DAYS", "30"))) {
      String claim =
          ClaimJson.claim("STAY-31").dates("2018-02-01", "2018-03-04").item("T-A", "100.00").json();
      Response r = shorter.post("/api/v1/settlements/preview", H1_KEY, claim);
      JsonNode e = refused(r, 422, "STAY_TOO_LONG", "dischargeDate");
      assertThat(e.get("message").asText()).contains("30 days");
    }
  }
}
