package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Whose money pays: the office that manages the person (the region of the ID number) records the
 * person's identities and pays their assistance through an account it opened; neither another
 * office's manager nor the hospital's claim chooses it, and a settlement never opens an account.
 */
class WhoPaysTest {
  /** H2 (level 2, 445202) and H3 (level 1, 445281). */
  static final String H2 = "H44520200002";

  static final String H3 = "H44528100003";

  static TestGateway gw;
  static ManagerClient a;
  static ManagerClient b;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    b = ManagerClient.login(gw, ManagerClient.B, ManagerClient.B_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A valid resident ID number (GB 11643 check digit) of its first 17 characters. */
  static String id(String first17) {
    return IdNumber.withCheckDigit(first17).value();
  }

  static String identity(String idNo, String category) {
    return "{\"personIdNo\":\""
        + idNo
        + "\",\"category\":\""
        + category
        + "\",\"validFrom\":\"2018-01-01\",\"confirmed\":true}";
  }

  static Response settle(String key, String claimNo, String person, String office) {
    return gw.post(
        "/api/v1/settlements",
        key,
        ClaimJson.claim(claimNo).person(person).office(office).item("T-A", "5000.00").json());
  }

  @Test
  void register_personManagedByAnotherOffice_isRefused() {
    String person = id("44528119800101001");

    Response r = a.post("/manager/api/identities", identity(person, "DESTITUTE"));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(a.json(r).get("code").asText()).isEqualTo("NOT_MANAGING_OFFICE");
    assertThat(a.json(r).get("field").asText()).isEqualTo("personIdNo");
    assertThat(r.body()).doesNotContain(person);
    assertThat(gw.value("SELECT count(*) FROM person_identity WHERE person_id_no = ?", person))
        .isEqualTo(0L);
    Response own = b.post("/manager/api/identities", identity(person, "DESTITUTE"));
    assertThat(own.status()).as(own.body()).isEqualTo(201);
    assertThat(b.json(own).get("officeCode").asText()).isEqualTo("445281");
  }

  @Test
  void rosterLine_personManagedByAnotherOffice_refusesTheFileNamingTheLine() {
    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + id("44520219800101002")
            + ",甲,SUBSISTENCE,2018-01-01,,true,\n"
            + id("44528119800101003")
            + ",乙,SUBSISTENCE,2018-01-01,,true,\n";

    Response r = a.postCsv("/manager/api/identities/import", csv);

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(a.json(r).get("code").asText()).isEqualTo("NOT_MANAGING_OFFICE");
    assertThat(a.json(r).get("field").asText()).isEqualTo("line 3: person_id_no");
    assertThat(gw.value("SELECT count(*) FROM person_identity WHERE person_name IN ('甲', '乙')"))
        .isEqualTo(0L);
  }

  /**
   * What happened before the rule: office 445202 recorded 特困 for a person 445281 manages, and
   * 445281's account paid. Such an identity no longer counts, and 445202 cannot change or confirm
   * it.
   */
  @Test
  void identityRecordedByANonManagingOffice_cannotBeChanged_andPaysNothing() {
    String person = id("44528119800101004");
    UUID identity = UUID.randomUUID();
    gw.sql(
        "INSERT INTO person_identity (identity_id, version, person_id_no, office_code, category,"
            + " valid_from, confirmed, recorded_at, recorded_by)"
            + " VALUES (?, 1, ?, '445202', 'DESTITUTE', ?, true, now(), 'manager:ca445202')",
        identity,
        person,
        LocalDate.of(2018, 1, 1));
    gw.gateway().identities().invalidate(person);
    long bAccount = b.account(H3, "10000.00", "HOSPITAL_ADVANCE");

    Response confirm = a.post("/manager/api/identities/" + identity + "/confirm", "");
    Response settled = settle(TestGateway.H3_KEY, "WP-4", person, "445281");

    assertThat(confirm.status()).as(confirm.body()).isEqualTo(403);
    assertThat(a.json(confirm).get("code").asText()).isEqualTo("NOT_MANAGING_OFFICE");
    assertThat(settled.status()).as(settled.body()).isEqualTo(201);
    JsonNode s = ClaimJson.parse(settled.body());
    assertThat(s.get("funds").get(2).get("paid").decimalValue()).isEqualByComparingTo("0");
    assertThat(s.get("assistance").get("identity").isNull()).isTrue();
    assertThat(gw.value("SELECT balance FROM prepayment_account WHERE id = ?", bAccount))
        .isEqualTo(new BigDecimal("10000.00"));
  }

  @Test
  void claim_namingAnOfficeThatDoesNotManageThePerson_isRefusedAndWritesNothing() {
    String person = id("44520219800101005");
    a.register(person, "DESTITUTE", "2018-01-01", null);
    long settlements = gw.count("settlement");
    long accounts = gw.count("prepayment_account");

    Response settled = settle(TestGateway.H1_KEY, "WP-5", person, "445281");
    Response preview =
        gw.post(
            "/api/v1/settlements/preview",
            TestGateway.H1_KEY,
            ClaimJson.claim("WP-5").person(person).office("445281").item("T-A", "5000").json());

    for (Response r : new Response[] {settled, preview}) {
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      JsonNode e = ClaimJson.parse(r.body());
      assertThat(e.get("code").asText()).isEqualTo("OFFICE_MISMATCH");
      assertThat(e.get("field").asText()).isEqualTo("officeCode");
    }
    assertThat(gw.count("settlement")).isEqualTo(settlements);
    assertThat(gw.count("prepayment_account")).isEqualTo(accounts);
  }

  /**
   * No account of the person's office at the hospital: assistance pays nothing, the answer says why
   * (NO_PREPAYMENT_ACCOUNT), the patient pays that part, and no account is opened.
   */
  @Test
  void settlement_withoutAnAccountOfTheOffice_paysNoAssistance_andOpensNone() {
    String person = id("44520219800101006");
    a.register(person, "DESTITUTE", "2018-01-01", null);

    Response settled = settle(TestGateway.H2_KEY, "WP-6", person, "445202");

    assertThat(settled.status()).as(settled.body()).isEqualTo(201);
    JsonNode s = ClaimJson.parse(settled.body());
    assertThat(s.get("funds").get(2).get("paid").decimalValue()).isEqualByComparingTo("0");
    assertThat(s.get("assistance").get("note").asText()).isEqualTo("NO_PREPAYMENT_ACCOUNT");
    assertThat(s.get("personalPay").decimalValue().add(s.get("fundPay").decimalValue()))
        .isEqualByComparingTo("5000.00");
    assertThat(gw.value("SELECT count(*) FROM prepayment_account WHERE hospital_code = ?", H2))
        .isEqualTo(0L);

    long opened = a.account(H2, "10000.00", "HOSPITAL_ADVANCE");
    Response paid = settle(TestGateway.H2_KEY, "WP-6b", person, "445202");
    JsonNode p = ClaimJson.parse(paid.body());
    assertThat(p.get("funds").get(2).get("paid").decimalValue()).isPositive();
    assertThat(p.get("assistance").get("prepaymentDrawn").decimalValue())
        .isEqualByComparingTo(p.get("funds").get(2).get("paid").decimalValue());
    assertThat((BigDecimal) gw.value("SELECT balance FROM prepayment_account WHERE id = ?", opened))
        .isLessThan(new BigDecimal("10000.00"));
  }
}
