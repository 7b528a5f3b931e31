package org.yizhan.gateway.insured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.security.PasswordHash;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The insured register (issue 15): who is not enrolled is not settled, the enrolment's region
 * chooses the policy, and agencies load the register by file, for their region only.
 */
class InsuredRegisterTest {
  static TestGateway gw;
  static String agencyToken;
  static String otherAgencyToken;

  static final String AGENCY_PASSWORD = "agency-test-pass";

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    gw.enrolOnFirstSight(false);
    String hash = PasswordHash.hash(AGENCY_PASSWORD.toCharArray());
    for (String[] a : new String[][] {{"yb445202", "445202"}, {"yb445281", "445281"}}) {
      gw.sql(
          "INSERT INTO manager (username, display_name, office_code, password_hash, updated_at,"
              + " role) VALUES (?, ?, ?, ?, now(), 'AGENCY')",
          a[0],
          "医保局 " + a[1],
          a[1],
          hash);
    }
    agencyToken = login("yb445202");
    otherAgencyToken = login("yb445281");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String login(String username) {
    Response r =
        gw.post(
            "/manager/api/login",
            null,
            "{\"username\":\"" + username + "\",\"password\":\"" + AGENCY_PASSWORD + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ClaimJson.parse(r.body()).get("token").asText();
  }

  static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1970, 1, 1), 500 + i);
  }

  static JsonNode settle(String claimNo, String person, String admission, String discharge) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.workedExample1(claimNo).person(person).dates(admission, discharge).json());
    JsonNode body = ClaimJson.parse(r.body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_status", r.status());
    return body;
  }

  @Test
  void settle_personNotEnrolled_refusedNotInsured_withoutEchoingTheIdNumber() {
    String p = person(1);
    JsonNode r = settle("NI-1", p, "2018-03-01", "2018-03-20");
    assertThat(r.get("_status").asInt()).isEqualTo(422);
    assertThat(r.get("code").asText()).isEqualTo("NOT_INSURED");
    assertThat(r.get("field").asText()).isEqualTo("personIdNo");
    assertThat(r.get("message").asText()).contains("not enrolled").doesNotContain(p);
    assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = 'NI-1'")).isEqualTo(0L);
  }

  @Test
  void settle_enrolmentEndingTheDayBeforeAdmission_refused() {
    String p = person(2);
    TestData.enrol(
        gw, p, "445202", LocalDate.of(2017, 1, 1), LocalDate.of(2018, 2, 28), "PAID", null);
    JsonNode r = settle("NI-2", p, "2018-03-01", "2018-03-20");
    assertThat(r.get("_status").asInt()).isEqualTo(422);
    assertThat(r.get("code").asText()).isEqualTo("NOT_INSURED");
    assertThat(r.get("message").asText()).contains("ended on 2018-02-28");

    String later = person(3);
    TestData.enrol(gw, later, "445202", LocalDate.of(2018, 3, 2), null, "PAID", null);
    JsonNode notYet = settle("NI-3", later, "2018-03-01", "2018-03-20");
    assertThat(notYet.get("message").asText()).contains("begins on 2018-03-02");

    String suspended = person(4);
    TestData.enrol(gw, suspended, "445202", LocalDate.of(2018, 1, 1), null, "SUSPENDED", null);
    assertThat(settle("NI-4", suspended, "2018-03-01", "2018-03-20").get("message").asText())
        .contains("suspended");
  }

  @Test
  void settle_subsidisedPoorPerson_settlesWithAssistance() {
    String p = person(5);
    TestData.enrol(gw, p, "445202", LocalDate.of(2018, 1, 1), null, "SUBSIDISED", null);
    TestData.confirmed(gw, p, "REGISTERED_POOR");
    TestData.topUp(gw, "445202", TestGateway.H1, "100000.00", "HOSPITAL_ADVANCE");
    JsonNode s = settle("SP-1", p, "2018-03-01", "2018-03-20");
    assertThat(s.get("_status").asInt()).as(s.toString()).isEqualTo(201);
    assertThat(s.get("policyId").asText()).startsWith("445200");
    assertThat(s.get("assistance").get("identity").asText()).isEqualTo("REGISTERED_POOR");
  }

  @Test
  void settle_enrolledElsewhereInTheProvince_settlesUnderTheEnrolmentRegionsPolicy() {
    String p = person(6);
    TestData.enrol(gw, p, "440104", LocalDate.of(2018, 1, 1), null, "PAID", null);
    JsonNode s = settle("XR-1", p, "2018-03-01", "2018-03-20");
    assertThat(s.get("_status").asInt()).as(s.toString()).isEqualTo(201);
    assertThat(s.get("policyId").asText()).startsWith("440100");
    // the office that manages the person (and pays their assistance) is still their own
    assertThat(s.get("officeCode").asText()).isEqualTo("445202");
  }

  static Response importCsv(String token, byte[] file) {
    return gw.send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/agency/api/register/imports"))
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofByteArray(file)),
        token);
  }

  static JsonNode awaitImport(String id) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonNode p =
          ClaimJson.parse(gw.get("/agency/api/register/imports/" + id, agencyToken).body());
      String state = p.get("state").asText();
      if (!state.equals("RUNNING") && !state.equals("UPLOADING")) {
        return p;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("import " + id + " never finished");
  }

  @Test
  void import_everyBadLine_isListedWithItsLineAndField_andNothingIsWritten() throws Exception {
    long before = gw.count("insured_enrolment");
    String good = person(20);
    String bad = good.substring(0, 17) + (good.charAt(17) == '0' ? '1' : '0');
    String file =
        HEADER
            + good
            + ",李四,445202,城乡居民,2018-01-01,,2018,已缴费,\n"
            + bad
            + ",王五,445202,城乡居民,2018-01-01,,2018,已缴费,\n"
            + person(21)
            + ",赵六,445202,城乡居民,2018年2月30日,,2018,已缴费,\n"
            + person(22)
            + ",钱七,445202,城乡居民,20180101,,2018,已缴费,\n";
    Response r = importCsv(agencyToken, file.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = ClaimJson.parse(r.body()).get("id").asText();
    JsonNode done = awaitImport(id);
    assertThat(done.get("state").asText()).isEqualTo("REFUSED");
    assertThat(done.get("refusal").get("field").asText()).isEqualTo("line 3: person_id_no");
    JsonNode lines = done.get("refusals");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("line").asLong()).isEqualTo(3);
    assertThat(lines.get(0).get("code").asText()).isEqualTo("INVALID_ID_NUMBER");
    assertThat(lines.get(1).get("line").asLong()).isEqualTo(4);
    assertThat(lines.get(1).get("field").asText()).isEqualTo("line 4: valid_from");
    assertThat(lines.get(1).get("message").asText()).contains("not a date of the calendar");
    assertThat(done.get("startedBy").asText()).isEqualTo("manager:yb445202");
    assertThat(gw.count("insured_enrolment")).isEqualTo(before);
    // stored: the row any instance reads
    assertThat(gw.value("SELECT state FROM insured_import WHERE import_id = ?::uuid", id))
        .isEqualTo("REFUSED");
    assertThat(
            gw.value("SELECT count(*) FROM insured_import_refusal WHERE import_id = ?::uuid", id))
        .isEqualTo(2L);
  }

  @Test
  void import_whoseInstanceStopped_isShownFailed_andAnotherAgencyFindsNothing() {
    String id = "00000000-0000-4000-8000-000000000151";
    gw.sql(
        "INSERT INTO insured_import (import_id, region, state, bytes, rows_read, started_by,"
            + " created_at, started_at, heartbeat_at) VALUES (?::uuid, '445202', 'RUNNING', 100,"
            + " 7, 'manager:yb445202', now() - interval '1 hour', now() - interval '1 hour',"
            + " now() - interval '1 hour')",
        id);
    JsonNode p = ClaimJson.parse(gw.get("/agency/api/register/imports/" + id, agencyToken).body());
    assertThat(p.get("state").asText()).isEqualTo("FAILED");
    assertThat(p.get("refusal").get("code").asText()).isEqualTo("IMPORT_INTERRUPTED");
    assertThat(p.get("rowsRead").asLong()).isEqualTo(7);
    assertThat(gw.get("/agency/api/register/imports/" + id, otherAgencyToken).status())
        .isEqualTo(404);
  }

  static final String HEADER = "身份证号,姓名,参保地,险种,参保开始日期,参保终止日期,缴费年度,缴费状态,社保卡号\n";

  @Test
  void import_badRow_refusesTheWholeFile_namingLineAndField() throws Exception {
    long before = gw.count("insured_enrolment");
    String good = person(10);
    String bad = good.substring(0, 17) + (good.charAt(17) == '0' ? '1' : '0');
    String file =
        HEADER
            + good
            + ",李四,445202,城乡居民,2018-01-01,,2018,已缴费,\n"
            + bad
            + ",王五,445202,城乡居民,2018-01-01,,2018,已缴费,\n";
    Response r = importCsv(agencyToken, file.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    JsonNode done = awaitImport(ClaimJson.parse(r.body()).get("id").asText());
    assertThat(done.get("state").asText()).isEqualTo("REFUSED");
    assertThat(done.get("refusal").get("code").asText()).isEqualTo("INVALID_ID_NUMBER");
    assertThat(done.get("refusal").get("field").asText()).isEqualTo("line 3: person_id_no");
    assertThat(gw.count("insured_enrolment")).isEqualTo(before);

    String overlap =
        HEADER
            + good
            + ",李四,445202,城乡居民,2018-01-01,2018-12-31,2018,已缴费,\n"
            + good
            + ",李四,445202,城乡居民,2018-06-01,,2018,已缴费,\n";
    JsonNode o =
        awaitImport(
            ClaimJson.parse(importCsv(agencyToken, overlap.getBytes(StandardCharsets.UTF_8)).body())
                .get("id")
                .asText());
    assertThat(o.get("refusal").get("code").asText()).isEqualTo("ENROLMENT_OVERLAP");
    assertThat(o.get("refusal").get("field").asText()).isEqualTo("line 3: valid_from");

    String unknownRegion = HEADER + good + ",李四,110101,城乡居民,2018-01-01,,2018,已缴费,\n";
    JsonNode u =
        awaitImport(
            ClaimJson.parse(
                    importCsv(agencyToken, unknownRegion.getBytes(StandardCharsets.UTF_8)).body())
                .get("id")
                .asText());
    assertThat(u.get("refusal").get("code").asText()).isEqualTo("UNKNOWN_REGION");
    assertThat(u.get("refusal").get("field").asText()).isEqualTo("line 2: admdvs");

    String other = person(11);
    TestData.enrol(gw, other, "445202", LocalDate.of(2018, 1, 1), null, "PAID", "C0000000011");
    String card = HEADER + good + ",李四,445202,城乡居民,2018-01-01,,2018,已缴费,C0000000011\n";
    JsonNode c =
        awaitImport(
            ClaimJson.parse(importCsv(agencyToken, card.getBytes(StandardCharsets.UTF_8)).body())
                .get("id")
                .asText());
    assertThat(c.get("refusal").get("code").asText()).isEqualTo("CARD_OWNED");
    assertThat(c.get("refusal").get("field").asText()).isEqualTo("line 2: card_no");
    assertThat(gw.count("insured_enrolment")).isEqualTo(before + 1);
  }

  @Test
  void import_gb18030File_importsAndTheImportedPersonSettles() throws Exception {
    String a = person(20);
    String b = person(21);
    String file =
        HEADER
            + a
            + ",陈一,445202,城乡居民,2018/1/1,,2018,资助参保,C0000000020\n"
            + b
            + ",陈二,445202,城乡居民,2018年1月1日,2018年12月31日,2018,已缴费,\n";
    byte[] gb = file.getBytes(Charset.forName("GB18030"));
    Response r = importCsv(agencyToken, gb);
    JsonNode done = awaitImport(ClaimJson.parse(r.body()).get("id").asText());
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.get("rowsRead").asLong()).isEqualTo(2);
    assertThat(done.get("rowsWritten").asLong()).isEqualTo(2);
    assertThat(gw.value("SELECT person_name FROM insured_enrolment WHERE person_id_no = ?", a))
        .isEqualTo("陈一");
    assertThat(gw.value("SELECT sex FROM insured_enrolment WHERE person_id_no = ?", a))
        .isEqualTo(Integer.toString(new org.yizhan.core.model.IdNumber(a).gender()));

    // the same file again changes nothing; ending b's enrolment supersedes its version
    JsonNode again =
        awaitImport(ClaimJson.parse(importCsv(agencyToken, gb).body()).get("id").asText());
    assertThat(again.get("rowsWritten").asLong()).isZero();
    String end = HEADER + b + ",陈二,445202,城乡居民,2018-01-01,2018-06-30,2018,已缴费,\n";
    JsonNode ended =
        awaitImport(
            ClaimJson.parse(importCsv(agencyToken, end.getBytes(StandardCharsets.UTF_8)).body())
                .get("id")
                .asText());
    assertThat(ended.get("rowsWritten").asLong()).isEqualTo(1);
    assertThat(
            gw.value(
                "SELECT count(*) FROM insured_enrolment WHERE person_id_no = ? AND superseded_at"
                    + " IS NOT NULL",
                b))
        .isEqualTo(1L);
    assertThat(settle("GB-1", a, "2018-03-01", "2018-03-20").get("_status").asInt()).isEqualTo(201);
  }

  @Test
  void agency_actsForItsRegionOnly_andCivilAffairsCannotImport() throws Exception {
    String p = person(30);
    String body =
        "{\"personIdNo\":\""
            + p
            + "\",\"admdvs\":\"445202\",\"scheme\":\"RESIDENT\",\"validFrom\":\"2018-01-01\","
            + "\"contributionYear\":2018,\"status\":\"PAID\"}";
    Response other = gw.post("/agency/api/enrolments", otherAgencyToken, body);
    assertThat(other.status()).as(other.body()).isEqualTo(403);
    assertThat(ClaimJson.parse(other.body()).get("code").asText()).isEqualTo("NOT_AGENCY_REGION");

    Response created = gw.post("/agency/api/enrolments", agencyToken, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = ClaimJson.parse(created.body()).get("enrolmentId").asText();
    assertThat(gw.get("/agency/api/enrolments/" + id + "/history", otherAgencyToken).status())
        .isEqualTo(404);
    assertThat(gw.get("/agency/api/enrolments/" + id + "/history", agencyToken).status())
        .isEqualTo(200);
    Response again = gw.post("/agency/api/enrolments", agencyToken, body);
    assertThat(ClaimJson.parse(again.body()).get("code").asText()).isEqualTo("ENROLMENT_OVERLAP");

    String file = HEADER + person(31) + ",赵六,445202,城乡居民,2018-01-01,,2018,已缴费,\n";
    Response foreign = importCsv(otherAgencyToken, file.getBytes(StandardCharsets.UTF_8));
    JsonNode f = ClaimJson.parse(foreign.body());
    for (int i = 0; i < 200 && f.get("state").asText().equals("RUNNING"); i++) {
      Thread.sleep(50);
      f =
          ClaimJson.parse(
              gw.get("/agency/api/register/imports/" + f.get("id").asText(), otherAgencyToken)
                  .body());
    }
    assertThat(f.get("refusal").get("code").asText()).isEqualTo("NOT_AGENCY_REGION");
    // another agency's import is not found
    assertThat(gw.get("/agency/api/register/imports/" + f.get("id").asText(), agencyToken).status())
        .isEqualTo(404);

    ManagerClient civil = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    Response refused = importCsv(civil.token(), file.getBytes(StandardCharsets.UTF_8));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(ClaimJson.parse(refused.body()).get("code").asText()).isEqualTo("WRONG_ROLE");
    // and an agency's session is not a civil-affairs manager's
    assertThat(gw.get("/manager/api/identities", agencyToken).status()).isEqualTo(403);
    long audited =
        (Long)
            gw.value(
                "SELECT count(*) FROM audit_log WHERE action = 'ENROLMENT_REGISTER' AND actor ="
                    + " 'manager:yb445202'");
    assertThat(audited).isEqualTo(1L);
  }
}
