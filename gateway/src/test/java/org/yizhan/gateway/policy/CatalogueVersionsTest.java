package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.yizhan.gateway.policy.CatalogueFixture.HEADER;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The life of a catalogue version over the agency's API: seeded from the shipped CSV, drafted with
 * every bad line listed, approved by a second person of the province's agency only, frozen once
 * decided, and each step in the audit chain.
 */
class CatalogueVersionsTest {
  static final SettableClock CLOCK = new SettableClock(PolicyFixture.JUNE_10);
  static TestGateway gw;
  static ManagerClient maker;
  static ManagerClient checker;
  static ManagerClient city;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(PolicyFixture.ENV, CLOCK);
    maker = ManagerClient.login(gw, CatalogueFixture.MAKER, CatalogueFixture.MAKER_PASSWORD);
    checker = ManagerClient.login(gw, CatalogueFixture.CHECKER, CatalogueFixture.CHECKER_PASSWORD);
    city = ManagerClient.login(gw, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theShippedFiles_areSeededAsOneApprovedVersion_inForceToday() {
    JsonNode seed = null;
    for (JsonNode v : ClaimJson.parse(city.get("/agency/api/catalogues").body()).get("versions")) {
      if (v.get("author").asText().startsWith("config:")) {
        assertThat(seed).as("one seeded version").isNull();
        seed = v;
      }
    }
    assertThat(seed).isNotNull();
    assertThat(seed.get("state").asText()).isEqualTo("APPROVED");
    assertThat(seed.get("reviewer").asText()).isEqualTo("system:seed");
    assertThat(seed.get("scope").asText()).isEqualTo("440000");
    assertThat(seed.get("validTo").isNull()).isTrue();
    assertThat(seed.get("entryCount").asInt()).isGreaterThan(300);
    assertThat(CatalogueFixture.inForce(maker, "2019-06-10")).isEqualTo(seed.get("id").asLong());
    assertThat(
            gw.value(
                "SELECT count(*) FROM catalogue_entry WHERE version = ?", seed.get("id").asLong()))
        .isEqualTo((long) seed.get("entryCount").asInt());
  }

  @Test
  void draft_withBadLines_isRefusedWithEveryLineListedByColumn() {
    String csv =
        HEADER
            + "T-OK,good item,A,0,,2019-01-01,\n"
            + "T-D,bad category,D,0,,2019-01-01,\n"
            + "T-R,ratio above one,B,1.5,,2019-01-01,\n"
            + "T-X,bad date and cap,A,0,-3,2019-02-30,\n"
            + "T-S,too few columns,A,0\n"
            + "T-OK,overlapping the first,A,0,,2019-03-01,\n";
    Response r =
        CatalogueFixture.draft(
            maker, csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), "2021-01-01", null);

    assertThat(r.status()).as(r.body()).isEqualTo(422);
    JsonNode body = ClaimJson.parse(r.body());
    assertThat(body.get("code").asText()).isEqualTo("CATALOGUE_INVALID");
    List<String> errors = new ArrayList<>();
    body.get("errors")
        .forEach(
            e ->
                errors.add(
                    (e.has("line") ? e.get("line").asInt() + ":" : "") + e.get("field").asText()));
    assertThat(errors)
        .containsExactlyInAnyOrder(
            "documentNo",
            "3:category",
            "4:self_pay_ratio",
            "5:price_cap",
            "5:valid_from",
            "6:columns",
            "7:valid_from");
    assertThat(r.body()).contains("类别须为 A、B 或 C，实为 'D'");
    assertThat(maker.get("/agency/api/catalogues").body()).doesNotContain("\"DRAFT\"");
  }

  @Test
  void draft_startingInThePast_orOverlappingTheVersionInForce_isRefused() {
    String csv = HEADER + "T-A,test item A,A,0,,2010-01-01,\n";
    assertThat(errors(CatalogueFixture.draft(maker, csv, "2019-06-10")))
        .anyMatch(e -> e.startsWith("validFrom: must be after today (2019-06-10)"));
    assertThat(errors(CatalogueFixture.draft(maker, csv, "2010-01-01")))
        .anyMatch(e -> e.startsWith("validFrom: overlaps approved version"));
  }

  @Test
  void aCityAgency_cannotDraftTheProvincesCatalogue() {
    Response r = CatalogueFixture.draft(city, HEADER + "T-A,a,A,0,,2010-01-01,\n", "2019-08-01");
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(ClaimJson.parse(r.body()).get("code").asText()).isEqualTo("NOT_AGENCY_REGION");
  }

  @Test
  void selfApproval_isRefused_aSecondPersonApproves_andTheVersionIsFrozen() {
    long seed = CatalogueFixture.inForce(maker, "2019-06-10");
    // saved from Excel on Chinese Windows: GBK, with the Chinese header
    String csv =
        CatalogueFixture.raisedSelfPay(maker, seed)
            .replaceFirst(
                "code,name,category,self_pay_ratio,price_cap,valid_from,valid_to",
                "编码,名称,类别,自付比例,限价,开始日期,结束日期");
    byte[] gbk = csv.getBytes(Charset.forName("GBK"));
    Response drafted = CatalogueFixture.draft(maker, gbk, "2019-09-01", "粤医保发〔2019〕9号");
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    JsonNode v = ClaimJson.parse(drafted.body());
    long id = v.get("id").asLong();
    assertThat(v.get("state").asText()).isEqualTo("DRAFT");
    assertThat(CatalogueFixture.inForce(maker, "2019-09-01"))
        .as("a draft changes nothing")
        .isEqualTo(seed);

    JsonNode diff = ClaimJson.parse(checker.get("/agency/api/catalogues/" + id + "/diff").body());
    assertThat(diff.get("against").asLong()).isEqualTo(seed);
    assertThat(diff.get("addedCount").asInt()).isZero();
    assertThat(diff.get("removedCount").asInt()).isZero();
    assertThat(diff.get("changedCount").asInt()).isEqualTo(1);
    JsonNode change = diff.get("changed").get(0);
    assertThat(change.get("code").asText()).isEqualTo("T-B20");
    assertThat(change.get("before").get(0).get("selfPayRatio").asText()).isEqualTo("0.2");
    assertThat(change.get("after").get(0).get("selfPayRatio").asText()).isEqualTo("0.5");

    assertThat(city.post("/agency/api/catalogues/" + id + "/approve", "{}").status())
        .isEqualTo(403);
    Response self = maker.post("/agency/api/catalogues/" + id + "/approve", "{}");
    assertThat(self.status()).isEqualTo(403);
    assertThat(ClaimJson.parse(self.body()).get("code").asText()).isEqualTo("SELF_APPROVAL");

    Response approved =
        checker.post("/agency/api/catalogues/" + id + "/approve", "{\"note\":\"核对无误\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode a = ClaimJson.parse(approved.body());
    assertThat(a.get("state").asText()).isEqualTo("APPROVED");
    assertThat(a.get("author").asText()).isEqualTo("manager:" + CatalogueFixture.MAKER);
    assertThat(a.get("reviewer").asText()).isEqualTo("manager:" + CatalogueFixture.CHECKER);
    assertThat(CatalogueFixture.inForce(maker, "2019-08-31")).isEqualTo(seed);
    assertThat(CatalogueFixture.inForce(maker, "2019-09-01")).isEqualTo(id);

    assertThat(checker.post("/agency/api/catalogues/" + id + "/approve", "{}").status())
        .isEqualTo(409);
    assertThat(maker.get("/agency/api/catalogues/" + id + "/document").body()).isEqualTo(csv);
    assertThat(
            gw.value(
                "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log"
                    + " WHERE entity_type = 'catalogue_version' AND entity_id = ?",
                Long.toString(id)))
        .isEqualTo("CATALOGUE_DRAFT,CATALOGUE_APPROVE");
    assertThatThrownBy(
            () ->
                gw.value(
                    "UPDATE catalogue_entry SET self_pay_ratio = 0 WHERE version = ?"
                        + " AND code = 'T-B20' RETURNING 1",
                    id))
        .hasMessageContaining("cannot change");
  }

  @Test
  void aDraft_isWithdrawnByItsAuthorOnly() {
    long seed = CatalogueFixture.inForce(maker, "2019-06-10");
    Response drafted =
        CatalogueFixture.draft(maker, CatalogueFixture.raisedSelfPay(maker, seed), "2019-12-01");
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
    long id = ClaimJson.parse(drafted.body()).get("id").asLong();
    Response other = checker.post("/agency/api/catalogues/" + id + "/withdraw", "{}");
    assertThat(other.status()).isEqualTo(403);
    Response withdrawn = maker.post("/agency/api/catalogues/" + id + "/withdraw", "{}");
    assertThat(ClaimJson.parse(withdrawn.body()).get("state").asText()).isEqualTo("WITHDRAWN");
  }

  private static List<String> errors(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    List<String> out = new ArrayList<>();
    ClaimJson.parse(r.body())
        .get("errors")
        .forEach(e -> out.add(e.get("field").asText() + ": " + e.get("message").asText()));
    return out;
  }
}
