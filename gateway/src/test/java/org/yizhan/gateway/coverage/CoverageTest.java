package org.yizhan.gateway.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.coverage.CoverageFixture.enrol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The 应保尽保 matching and the subsidy report over HTTP, on a small roster of office 445202 (and one
 * person of 445281) whose enrolments are written into the V15 register directly.
 *
 * <p>On 2018-06-01: P1 特困 enrolled in the prefecture 445200, subsidised; P2 低保 enrolled in 445202
 * and paid by themselves; P3 建档立卡 enrolled in Guangzhou (440104); P4 因病致贫 never enrolled; P5 特困
 * whose enrolment ended the day before; P6 unconfirmed; P7 whose identity ended in 2017; P8 whose
 * enrolment was subsidised and is now suspended; P9 both 特困 and 建档立卡, subsidised in 445202; P10
 * 建档立卡 subsidised in 445200; Q1 特困 of office 445281, not enrolled.
 */
class CoverageTest {
  static final String DATE = "2018-06-01";
  static final LocalDate Y2018 = LocalDate.of(2018, 1, 1);

  static TestGateway gw;
  static ManagerClient a;
  static ManagerClient agency;
  static final List<String> p = new ArrayList<>();
  static String q1;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    CoverageFixture.agency(gw, "agency445200", "445200");
    agency = ManagerClient.login(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    p.add(null);
    for (int i = 1; i <= 10; i++) {
      p.add(TestData.idNo("445202", LocalDate.of(1950, 1, 1), i));
    }
    q1 = TestData.idNo("445281", LocalDate.of(1950, 1, 1), 1);
    LocalDate from = LocalDate.of(2017, 1, 1);
    LocalDate end = LocalDate.of(2018, 12, 31);
    identity(p.get(1), "DESTITUTE", from, null, true);
    enrol(gw, p.get(1), "445200", Y2018, end, 2018, "SUBSIDISED");
    identity(p.get(2), "SUBSISTENCE", from, null, true);
    enrol(gw, p.get(2), "445202", Y2018, end, 2018, "PAID");
    identity(p.get(3), "REGISTERED_POOR", from, null, true);
    enrol(gw, p.get(3), "440104", Y2018, end, 2018, "SUBSIDISED");
    identity(p.get(4), "ILLNESS_POOR", from, null, true);
    identity(p.get(5), "DESTITUTE", from, null, true);
    enrol(gw, p.get(5), "445202", Y2018, LocalDate.of(2018, 5, 31), 2018, "SUBSIDISED");
    identity(p.get(6), "DESTITUTE", from, null, false);
    identity(p.get(7), "DESTITUTE", from, LocalDate.of(2017, 12, 31), true);
    identity(p.get(8), "SUBSISTENCE", from, null, true);
    CoverageFixture.enrolChanged(gw, p.get(8), "445202", 2018, "SUBSIDISED", "SUSPENDED");
    identity(p.get(9), "DESTITUTE", from, null, true);
    identity(p.get(9), "REGISTERED_POOR", from, null, true);
    enrol(gw, p.get(9), "445202", Y2018, end, 2018, "SUBSIDISED");
    identity(p.get(10), "REGISTERED_POOR", from, null, true);
    enrol(gw, p.get(10), "445200", Y2018, end, 2018, "SUBSIDISED");
    identity(q1, "DESTITUTE", from, null, true);
  }

  static void identity(String idNo, String category, LocalDate from, LocalDate to, boolean ok) {
    TestData.identity(gw, idNo, category, from, to, ok, null);
    gw.sql(
        "UPDATE person_identity SET person_name = ? WHERE person_id_no = ?",
        "人" + idNo.substring(14),
        idNo);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonNode ok(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return a.json(r);
  }

  @Test
  void match_office_classifiesEveryPoorPersonInForce_intoTheFourOutcomes() {
    JsonNode all = ok(a.get("/manager/api/coverage?date=" + DATE));
    assertThat(all.at("/scope/kind").asText()).isEqualTo("office");
    assertThat(all.at("/scope/code").asText()).isEqualTo("445202");
    JsonNode counts = all.get("counts");
    assertThat(counts.get("SUBSIDISED").asLong()).isEqualTo(3); // P1, P9, P10
    assertThat(counts.get("NOT_SUBSIDISED").asLong()).isEqualTo(1); // P2
    assertThat(counts.get("ELSEWHERE").asLong()).isEqualTo(1); // P3
    assertThat(counts.get("NOT_ENROLLED").asLong()).isEqualTo(3); // P4, P5, P8
    assertThat(all.get("total").asLong()).isEqualTo(8);

    JsonNode outreach = ok(a.get("/manager/api/coverage?date=" + DATE + "&outcome=NOT_ENROLLED"));
    assertThat(outreach.get("total").asLong()).isEqualTo(3);
    assertThat(ids(outreach)).containsExactly(p.get(4), p.get(5), p.get(8));
    assertThat(outreach.at("/items/0/personName").asText()).isEqualTo("人" + p.get(4).substring(14));
    assertThat(outreach.at("/items/0/categories/0").asText()).isEqualTo("ILLNESS_POOR");

    JsonNode elsewhere = ok(a.get("/manager/api/coverage?date=" + DATE + "&outcome=ELSEWHERE"));
    assertThat(ids(elsewhere)).containsExactly(p.get(3));
    assertThat(elsewhere.at("/items/0/regions/0").asText()).isEqualTo("440104");

    JsonNode subsidised = ok(a.get("/manager/api/coverage?date=" + DATE + "&outcome=SUBSIDISED"));
    assertThat(ids(subsidised)).containsExactly(p.get(1), p.get(9), p.get(10));
    JsonNode both = subsidised.get("items").get(1);
    assertThat(both.get("categories").toString()).isEqualTo("[\"DESTITUTE\",\"REGISTERED_POOR\"]");

    JsonNode owed = ok(a.get("/manager/api/coverage?date=" + DATE + "&outcome=NOT_SUBSIDISED"));
    assertThat(ids(owed)).containsExactly(p.get(2));
  }

  @Test
  void match_pages_withTheCountsOnEveryPage() {
    JsonNode first = ok(a.get("/manager/api/coverage?date=" + DATE + "&size=2&page=1"));
    JsonNode last = ok(a.get("/manager/api/coverage?date=" + DATE + "&size=2&page=4"));
    assertThat(first.get("items")).hasSize(2);
    assertThat(last.get("items")).hasSize(2);
    assertThat(last.get("counts")).isEqualTo(first.get("counts"));
    JsonNode beyond = ok(a.get("/manager/api/coverage?date=" + DATE + "&size=2&page=5"));
    assertThat(beyond.get("items")).isEmpty();
    assertThat(beyond.get("total").asLong()).isEqualTo(8);
  }

  @Test
  void match_region_isTheAgencys_andCoversEveryOfficeOfIt() {
    JsonNode region = ok(agency.get("/manager/api/coverage?date=" + DATE));
    assertThat(region.at("/scope/kind").asText()).isEqualTo("region");
    assertThat(region.at("/scope/code").asText()).isEqualTo("445200");
    assertThat(region.at("/counts/NOT_ENROLLED").asLong()).isEqualTo(4); // and Q1 of 445281
    assertThat(region.at("/counts/SUBSIDISED").asLong()).isEqualTo(3);

    JsonNode office = ok(agency.get("/manager/api/coverage?date=" + DATE + "&office=445281"));
    assertThat(office.at("/scope/code").asText()).isEqualTo("445281");
    assertThat(ids(office)).containsExactly(q1);
  }

  @Test
  void match_anotherOfficeOrARegion_isRefused403_namingTheField() {
    Response other = a.get("/manager/api/coverage?office=445281");
    assertThat(other.status()).isEqualTo(403);
    assertThat(a.json(other).get("code").asText()).isEqualTo("OUT_OF_SCOPE");
    assertThat(a.json(other).get("field").asText()).isEqualTo("office");
    Response region = a.get("/manager/api/coverage?region=445200");
    assertThat(region.status()).isEqualTo(403);
    assertThat(a.json(region).get("field").asText()).isEqualTo("region");
    Response csv = a.get("/manager/api/coverage/export?office=445281");
    assertThat(csv.status()).isEqualTo(403);

    Response outside = agency.get("/manager/api/coverage?office=440104");
    assertThat(outside.status()).isEqualTo(403);
    Response otherRegion = agency.get("/manager/api/coverage?region=440100");
    assertThat(otherRegion.status()).isEqualTo(403);

    Response bad = a.get("/manager/api/coverage?outcome=MAYBE");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(a.json(bad).get("field").asText()).isEqualTo("outcome");
  }

  @Test
  void match_everyLook_isAudited_withWhoAndWhichOffice_neverThePeople() {
    ok(a.get("/manager/api/coverage?date=" + DATE + "&outcome=ELSEWHERE"));
    Object n =
        gw.value(
            "SELECT count(*) FROM audit_log WHERE action = 'COVERAGE_VIEW'"
                + " AND actor = 'manager:ca445202' AND entity_type = 'office'"
                + " AND entity_id = '445202' AND details::text LIKE '%ELSEWHERE%'");
    assertThat(((Number) n).longValue()).isGreaterThanOrEqualTo(1);
    Object leaked =
        gw.value(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'COVERAGE%' AND details::text LIKE ?",
            "%" + p.get(3) + "%");
    assertThat(((Number) leaked).longValue()).isZero();
  }

  @Test
  void matchCsv_hasABom_chineseHeaders_andTheOutreachList() {
    Response r = a.get("/manager/api/coverage/export?date=" + DATE + "&outcome=NOT_ENROLLED");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/csv");
    assertThat(r.header("Content-Disposition")).contains("attachment");
    assertThat(r.body()).startsWith("\uFEFF身份证号,姓名,办事处,身份类别,比对结果,参保地\r\n");
    String[] lines = r.body().split("\r\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[1]).startsWith(p.get(4) + ",人").contains(",445202,因病致贫返贫,未参保,");
    assertThat(
            gw.value(
                "SELECT count(*) FROM audit_log WHERE action = 'COVERAGE_EXPORT'"
                    + " AND details NOT LIKE '%\"run\"%'"))
        .isEqualTo(1L);
  }

  // ---- matching runs (in the background, stored)

  static JsonNode awaitRun(ManagerClient m, String id, String query) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonNode r = ok(m.get("/manager/api/coverage/runs/" + id + query));
      if (!r.get("state").asText().equals("RUNNING")) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("matching run " + id + " never finished");
  }

  @Test
  void run_region_matchesInTheBackground_storedAndPaged_asTheSynchronousMatching()
      throws Exception {
    Response started = agency.post("/manager/api/coverage/runs?date=" + DATE, "");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    JsonNode run = agency.json(started);
    assertThat(run.at("/scope/kind").asText()).isEqualTo("region");
    assertThat(run.at("/scope/code").asText()).isEqualTo("445200");
    String id = run.get("id").asText();

    JsonNode done = awaitRun(agency, id, "?outcome=NOT_ENROLLED");
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
    JsonNode sync = ok(agency.get("/manager/api/coverage?date=" + DATE));
    assertThat(done.get("counts")).isEqualTo(sync.get("counts"));
    assertThat(ids(done)).containsExactly(p.get(4), p.get(5), p.get(8), q1);
    assertThat(done.at("/progress/identitiesDone").asLong())
        .isEqualTo(done.at("/progress/identitiesTotal").asLong())
        .isPositive();

    JsonNode both = awaitRun(agency, id, "?outcome=SUBSIDISED");
    assertThat(both.at("/items/1/categories").toString())
        .isEqualTo("[\"DESTITUTE\",\"REGISTERED_POOR\"]");

    JsonNode latest = ok(agency.get("/manager/api/coverage/runs/latest"));
    assertThat(latest.get("id").asText()).isEqualTo(id);

    Response csv = agency.get("/manager/api/coverage/runs/" + id + "/export?outcome=NOT_ENROLLED");
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.body()).startsWith("\uFEFF身份证号,姓名,办事处,身份类别,比对结果,参保地\r\n");
    assertThat(csv.body().split("\r\n")).hasSize(5);
    assertThat(
            gw.value(
                "SELECT count(*) FROM audit_log WHERE action = 'COVERAGE_RUN'"
                    + " AND actor = 'manager:agency445200' AND entity_id = '445200'"
                    + " AND details LIKE ?",
                "%" + id + "%"))
        .isEqualTo(1L);
  }

  @Test
  void run_isSeenOnlyInItsScope_anotherOfficeFindsNothing() throws Exception {
    Response started = agency.post("/manager/api/coverage/runs?date=" + DATE, "");
    String id = agency.json(started).get("id").asText();
    awaitRun(agency, id, "");
    Response other = a.get("/manager/api/coverage/runs/" + id);
    assertThat(other.status()).isEqualTo(404);
    Response otherCsv = a.get("/manager/api/coverage/runs/" + id + "/export");
    assertThat(otherCsv.status()).isEqualTo(404);

    Response own = a.post("/manager/api/coverage/runs?date=" + DATE, "");
    assertThat(own.status()).as(own.body()).isEqualTo(202);
    JsonNode office = awaitRun(a, a.json(own).get("id").asText(), "");
    assertThat(office.at("/scope/code").asText()).isEqualTo("445202");
    assertThat(office.at("/counts/NOT_ENROLLED").asLong()).isEqualTo(3);
    Response region = a.post("/manager/api/coverage/runs?region=445200", "");
    assertThat(region.status()).isEqualTo(403);
  }

  @Test
  void run_whoseInstanceStopped_isShownFailed_neverHalfComplete() {
    String id = "00000000-0000-4000-8000-000000000015";
    gw.sql(
        "INSERT INTO coverage_run (run_id, scope_kind, scope_code, match_date, state,"
            + " identities_done, identities_total, requested_by, requested_at, heartbeat_at)"
            + " VALUES (?::uuid, 'region', '445200', date '2018-06-02', 'RUNNING', 5, 10,"
            + " 'manager:agency445200', now() - interval '10 minutes',"
            + " now() - interval '10 minutes')",
        id);
    gw.sql(
        "INSERT INTO coverage_run_row (run_id, person_id_no, office_code, categories, outcome)"
            + " VALUES (?::uuid, ?, '445202', 'DESTITUTE', 'NOT_ENROLLED')",
        id,
        p.get(4));

    JsonNode r = ok(agency.get("/manager/api/coverage/runs/" + id));
    assertThat(r.get("state").asText()).isEqualTo("FAILED");
    assertThat(r.get("failure").asText()).contains("stopped");
    assertThat(r.has("counts")).isFalse();
    assertThat(r.has("items")).isFalse();
    Response csv = agency.get("/manager/api/coverage/runs/" + id + "/export");
    assertThat(csv.status()).isEqualTo(409);
    assertThat(agency.json(csv).get("code").asText()).isEqualTo("RUN_NOT_DONE");
  }

  // ---- standards and the subsidy report

  static final String STANDARD =
      "{\"individualContribution\":\"350.05\",\"subsidies\":{"
          + "\"DESTITUTE\":{\"ratio\":10000},\"SUBSISTENCE\":{\"ratio\":10000},"
          + "\"REGISTERED_POOR\":{\"ratio\":5000},\"ILLNESS_POOR\":{\"fixedAmount\":\"100.00\"}}}";

  static void standards() {
    for (String region : List.of("445200", "445202")) {
      Response r = agency.put("/manager/api/coverage/standards/2018/" + region, STANDARD);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void standards_areTheAgencys_toWrite_andTheOfficesOfTheRegion_toRead() {
    standards();
    Response byOffice = a.put("/manager/api/coverage/standards/2018/445202", STANDARD);
    assertThat(byOffice.status()).isEqualTo(403);
    assertThat(a.json(byOffice).get("code").asText()).isEqualTo("AGENCY_ONLY");
    Response outside = agency.put("/manager/api/coverage/standards/2018/440104", STANDARD);
    assertThat(outside.status()).isEqualTo(403);
    assertThat(a.json(outside).get("code").asText()).isEqualTo("OUT_OF_SCOPE");

    JsonNode read = ok(a.get("/manager/api/coverage/standards?year=2018"));
    assertThat(read).hasSize(2);
    assertThat(read.at("/0/admdvs").asText()).isEqualTo("445200");
    assertThat(read.at("/0/individualContribution").decimalValue()).isEqualByComparingTo("350.05");
    assertThat(read.at("/0/subsidies/REGISTERED_POOR/ratio").asInt()).isEqualTo(5000);
    assertThat(read.at("/0/subsidies/REGISTERED_POOR/subsidy").decimalValue())
        .isEqualByComparingTo("175.03");
    assertThat(read.at("/0/subsidies/ILLNESS_POOR/fixedAmount").decimalValue())
        .isEqualByComparingTo("100.00");
    assertThat(read.at("/0/recordedBy").asText()).isEqualTo("manager:agency445200");
    assertThat(
            gw.value(
                "SELECT count(*) FROM audit_log WHERE action = 'COVERAGE_STANDARD'"
                    + " AND entity_id = '2018/445202'"))
        .isEqualTo(1L);
  }

  @Test
  void standards_badShares_areRefused_namingTheField_andNothingIsWritten() {
    String[][] bad = {
      {
        "{\"individualContribution\":\"350.00\",\"subsidies\":{\"DESTITUTE\":{\"ratio\":10001}}}",
        "subsidies.DESTITUTE.ratio"
      },
      {
        "{\"individualContribution\":\"350.00\",\"subsidies\":{\"DESTITUTE\":"
            + "{\"ratio\":5000,\"fixedAmount\":1}}}",
        "subsidies.DESTITUTE"
      },
      {
        "{\"individualContribution\":\"350.00\",\"subsidies\":{\"WEALTHY\":{\"ratio\":1}}}",
        "subsidies.WEALTHY"
      },
      {"{\"individualContribution\":\"350.001\"}", "individualContribution"},
      {"{\"individualContribution\":\"0\"}", "individualContribution"},
      {
        "{\"individualContribution\":\"350.00\",\"subsidies\":{\"DESTITUTE\":"
            + "{\"fixedAmount\":\"350.01\"}}}",
        "subsidies.DESTITUTE.fixedAmount"
      },
    };
    for (String[] b : bad) {
      Response r = agency.put("/manager/api/coverage/standards/2019/445200", b[0]);
      assertThat(r.status()).as(b[0] + " " + r.body()).isEqualTo(400);
      assertThat(a.json(r).get("field").asText()).as(b[0]).isEqualTo(b[1]);
    }
    assertThat(gw.value("SELECT count(*) FROM contribution_standard WHERE policy_year = 2019"))
        .isEqualTo(0L);
  }

  @Test
  void subsidyReport_listsWhoWasSubsidised_roundsHalfAFenUp_andTotalsForFinance() {
    standards();
    JsonNode r = ok(a.get("/manager/api/coverage/subsidies?year=2018"));
    // P1, P3 (Guangzhou: no standard here), P5 (subsidised until it ended), P9, P10
    assertThat(r.get("total").asInt()).isEqualTo(5);
    assertThat(r.get("missingStandards").toString()).isEqualTo("[\"440104\"]");
    JsonNode p10 = find(r, p.get(10));
    assertThat(p10.get("personIdNo").asText())
        .isEqualTo("4***************" + p.get(10).substring(16));
    assertThat(p10.get("subsidyCategory").asText()).isEqualTo("REGISTERED_POOR");
    assertThat(p10.get("contribution").decimalValue()).isEqualByComparingTo("350.05");
    assertThat(p10.get("subsidy").decimalValue()).isEqualByComparingTo("175.03");
    assertThat(p10.get("paidByPerson").decimalValue()).isEqualByComparingTo("175.02");
    JsonNode p9 = find(r, p.get(9));
    assertThat(p9.get("subsidyCategory").asText()).isEqualTo("DESTITUTE");
    assertThat(p9.get("subsidy").decimalValue()).isEqualByComparingTo("350.05");
    assertThat(find(r, p.get(3)).has("subsidy")).isFalse();

    // with a standard: P1 (445200), P5 and P9 (445202) in full, P10 half
    assertThat(r.at("/totals/persons").asInt()).isEqualTo(5);
    assertThat(r.at("/totals/contribution").decimalValue()).isEqualByComparingTo("1400.20");
    assertThat(r.at("/totals/subsidy").decimalValue()).isEqualByComparingTo("1225.18");
    assertThat(r.at("/totals/paidByPerson").decimalValue()).isEqualByComparingTo("175.02");
    JsonNode finance = r.get("finance");
    assertThat(finance).hasSize(2);
    assertThat(finance.at("/0/admdvs").asText()).isEqualTo("445200");
    assertThat(finance.at("/0/persons").asInt()).isEqualTo(2);
    assertThat(finance.at("/0/subsidy").decimalValue()).isEqualByComparingTo("525.08");
    assertThat(finance.at("/1/admdvs").asText()).isEqualTo("445202");
    assertThat(finance.at("/1/subsidy").decimalValue()).isEqualByComparingTo("700.10");
    assertThat(r.toString()).doesNotContain(p.get(10));
  }

  @Test
  void subsidyCsv_hasABom_chineseHeaders_totals_andTheFinanceFigure() {
    standards();
    Response r = a.get("/manager/api/coverage/subsidies/export?year=2018");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .startsWith("\uFEFF身份证号,姓名,办事处,身份类别,资助类别,缴费年度,参保地,个人缴费（元）,资助金额（元）,个人自付（元）\r\n")
        .contains("\r\n合计,5人,,,,2018,,1400.20,1225.18,175.02\r\n")
        .contains("\r\n财政补助资金\r\n缴费年度,参保地,人数,补助金额（元）\r\n2018,445200,2,525.08\r\n")
        .contains("2018,445202,2,700.10\r\n")
        .contains("缺少缴费标准的参保地,440104")
        .contains("\r\n按办事处\r\n办事处,人数,资助金额（元）\r\n445202,4,1225.18\r\n")
        .contains("\r\n按资助类别\r\n资助类别,人数,资助金额（元）\r\n")
        .contains(",建档立卡贫困人口,2018,445200,350.05,175.03,175.02\r\n")
        .doesNotContain(p.get(10));
    Response other = a.get("/manager/api/coverage/subsidies/export?year=2018&office=445281");
    assertThat(other.status()).isEqualTo(403);
  }

  static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("items").forEach(i -> out.add(i.get("personIdNo").asText()));
    return out;
  }

  static JsonNode find(JsonNode report, String idNo) {
    for (JsonNode i : report.get("items")) {
      if (i.get("personName").asText().equals("人" + idNo.substring(14))) {
        return i;
      }
    }
    throw new AssertionError("no line of " + idNo.substring(14) + " in " + report);
  }
}
