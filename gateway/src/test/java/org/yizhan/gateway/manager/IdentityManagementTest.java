package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** Identity confirmation by civil affairs, as settlements see it. */
class IdentityManagementTest {
  static TestGateway gw;
  static ManagerClient a;
  static ManagerClient b;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    b = ManagerClient.login(gw, ManagerClient.B, ManagerClient.B_PASSWORD);
    a.account(TestGateway.H1, "100000.00", null);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonNode settle(String claimNo, String person, String discharge) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim(claimNo)
                .person(person)
                .dates(discharge, discharge)
                .item("T-A", "1200.00")
                .json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return ClaimJson.parse(r.body());
  }

  @Test
  void settlement_rightAfterConfirmation_getsAssistance() {
    String person = "445202199203030017";
    assertThat(settle("IC-0", person, "2018-05-01").get("funds").get(2).get("paid").asText())
        .isEqualTo("0.00");

    String id =
        a.json(
                a.post(
                    "/manager/api/identities",
                    "{\"personIdNo\":\""
                        + person
                        + "\",\"category\":\"SUBSISTENCE\","
                        + "\"validFrom\":\"2018-01-01\"}"))
            .get("identityId")
            .asText();
    JsonNode unconfirmed = settle("IC-1", person, "2018-05-02");
    assertThat(unconfirmed.get("assistance").get("identity").isNull()).isTrue();

    Response confirmed = a.post("/manager/api/identities/" + id + "/confirm", "");
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(a.json(confirmed).get("version").asInt()).isEqualTo(2);
    JsonNode s = settle("IC-2", person, "2018-05-03");

    assertThat(s.get("assistance").get("identity").asText()).isEqualTo("SUBSISTENCE");
    assertThat(s.get("funds").get(2).get("paid").decimalValue()).isPositive();
  }

  @Test
  void settlement_identityEndedTheDayBeforeDischarge_getsNone() {
    String person = "445202199203030025";
    String id = a.register(person, "DESTITUTE", "2018-01-01", null);
    Response ended =
        a.post("/manager/api/identities/" + id + "/end", "{\"validTo\":\"2018-06-09\"}");
    assertThat(ended.status()).isEqualTo(200);

    JsonNode before = settle("IE-1", person, "2018-06-09");
    JsonNode after = settle("IE-2", person, "2018-06-10");

    assertThat(before.get("assistance").get("identity").asText()).isEqualTo("DESTITUTE");
    assertThat(after.get("assistance").get("identity").isNull()).isTrue();
    assertThat(after.get("funds").get(2).get("paid").asText()).isEqualTo("0.00");
  }

  @Test
  void change_keepsHistory() {
    String person = "445202199203030033";
    String id = a.register(person, "REGISTERED_POOR", "2017-01-01", null);
    a.put("/manager/api/identities/" + id, "{\"liftedOutDate\":\"2018-07-01\"}");
    a.post("/manager/api/identities/" + id + "/end", "{\"validTo\":\"2018-12-31\"}");

    JsonNode history = a.json(a.get("/manager/api/identities/" + id + "/history"));

    assertThat(history).hasSize(3);
    assertThat(history.get(0).get("supersededAt").isNull()).isFalse();
    assertThat(history.get(0).get("liftedOutDate").isNull()).isTrue();
    assertThat(history.get(1).get("liftedOutDate").asText()).isEqualTo("2018-07-01");
    assertThat(history.get(2).get("validTo").asText()).isEqualTo("2018-12-31");
    assertThat(history.get(2).get("supersededAt").isNull()).isTrue();
    assertThat(gw.value("SELECT count(*) FROM audit_log WHERE entity_id = ?", id)).isEqualTo(3L);
  }

  @Test
  void register_overlappingSameCategory_isRefused() {
    String person = "445202199203030041";
    a.register(person, "SUBSISTENCE", "2018-01-01", null);
    Response again =
        a.post(
            "/manager/api/identities",
            "{\"personIdNo\":\""
                + person
                + "\",\"category\":\"SUBSISTENCE\",\"validFrom\":\"2018-03-01\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(a.json(again).get("code").asText()).isEqualTo("IDENTITY_OVERLAP");
  }

  @Test
  void rosterImport_withOneBadRow_isRefusedWholeNothingWritten() {
    long before = gw.count("person_identity");
    long audit = gw.count("audit_log");
    StringBuilder csv =
        new StringBuilder(
            "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n");
    for (int i = 0; i < 2000; i++) {
      csv.append(TestData.idNo("445202", LocalDate.of(1985, 1, 1), i))
          .append(",姓名")
          .append(i)
          .append(",SUBSISTENCE,2018-01-01,,true,\n");
    }
    csv.append(TestData.idNo("445202", LocalDate.of(1985, 1, 1), 9999))
        .append(",坏行,SUBSISTENCE,2018-02-30,,true,\n");
    for (int i = 2000; i < 2100; i++) {
      csv.append(TestData.idNo("445202", LocalDate.of(1985, 1, 1), i))
          .append(",姓名,ILLNESS_POOR,2018-01-01,,true,\n");
    }

    Response r = a.postCsv("/manager/api/identities/import", csv.toString());

    assertThat(r.status()).isEqualTo(422);
    JsonNode error = a.json(r);
    assertThat(error.get("code").asText()).isEqualTo("IMPORT_REFUSED");
    assertThat(error.get("field").asText()).isEqualTo("line 2002: valid_from");
    assertThat(error.get("message").asText())
        .contains("line 2002")
        .contains("nothing was imported");
    assertThat(gw.count("person_identity")).isEqualTo(before);
    assertThat(gw.count("audit_log")).isEqualTo(audit);
  }

  @Test
  void rosterImport_goodFile_writesAllInOneTransaction_andReimportChangesOnlyWhatDiffers() {
    String header =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n";
    StringBuilder csv = new StringBuilder(header);
    for (int i = 0; i < 3000; i++) {
      csv.append(TestData.idNo("445202", LocalDate.of(1986, 1, 1), i))
          .append(",名")
          .append(i)
          .append(i % 2 == 0 ? ",DESTITUTE" : ",REGISTERED_POOR")
          .append(",2018-01-01,,true,\n");
    }
    Response first = a.postCsv("/manager/api/identities/import", csv.toString());
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(a.json(first).get("registered").asInt()).isEqualTo(3000);

    String changed =
        csv.toString()
            .replace(
                "445202198601010017,名1,REGISTERED_POOR,2018-01-01,,true,",
                "445202198601010017,名1,REGISTERED_POOR,2018-01-01,,true,2018-09-01");
    JsonNode second = a.json(a.postCsv("/manager/api/identities/import", changed));
    assertThat(second.get("changed").asInt()).isEqualTo(1);
    assertThat(second.get("unchanged").asInt()).isEqualTo(2999);

    String export = a.get("/manager/api/identities/export").body();
    assertThat(export)
        .startsWith("\uFEFF" + header.trim())
        .contains("445202198601010017,名1,REGISTERED_POOR,2018-01-01,,true,2018-09-01");
    assertThat(b.get("/manager/api/identities/export").body()).doesNotContain("4452021986");
  }

  @Test
  void managerOfAnotherOffice_cannotSeeOrChangeThePeople() {
    String person = "44520219920303005X";
    String id = a.register(person, "SUBSISTENCE", "2018-01-01", null);

    JsonNode listB = b.json(b.get("/manager/api/identities?q=" + person));
    assertThat(listB.get("total").asInt()).isZero();
    assertThat(b.get("/manager/api/identities/" + id + "/history").status()).isEqualTo(404);
    assertThat(b.post("/manager/api/identities/" + id + "/confirm", "").status()).isEqualTo(404);
    assertThat(a.json(a.get("/manager/api/identities?q=" + person)).get("total").asInt())
        .isEqualTo(1);
  }

  @Test
  void login_wrongPassword_isRefused_andCookieChangesNeedTheHeader() {
    Response bad =
        gw.post("/manager/api/login", null, "{\"username\":\"ca445202\",\"password\":\"nope\"}");
    assertThat(bad.status()).isEqualTo(401);
    Response good =
        gw.post(
            "/manager/api/login",
            null,
            "{\"username\":\"ca445202\",\"password\":\"demo-445202-pass\"}");
    String cookie = good.header("Set-Cookie");
    assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
    String session = cookie.substring(0, cookie.indexOf(';'));

    Response withoutHeader =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/manager/api/identities"))
                .header("Cookie", session)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")),
            null);
    assertThat(withoutHeader.status()).isEqualTo(403);
    assertThat(ClaimJson.parse(withoutHeader.body()).get("code").asText())
        .isEqualTo("CSRF_REFUSED");
    Response read =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/manager/api/me"))
                .header("Cookie", session)
                .GET(),
            null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(Map.of("office", ClaimJson.parse(read.body()).get("officeCode").asText()))
        .containsEntry("office", "445202");
  }
}
