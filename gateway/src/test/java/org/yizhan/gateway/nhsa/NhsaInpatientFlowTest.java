package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.nhsa.NhsaClient.money;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * The inpatient flow over the national interface, 1101 → 2401 → 2301 → 2402 → 2303 → 2304 → 5206 →
 * 2305 → 3201 / 3202, with the request bodies a HIS integration sends, against a real gateway and
 * PostgreSQL; the amounts must equal the JSON API's for the same claim (the worked example of the
 * rules: a 建档立卡 patient at a level-3 hospital).
 */
class NhsaInpatientFlowTest {
  static final String PERSON = "445202198001010144";

  static TestGateway gw;
  static NhsaClient his;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    his = new NhsaClient(gw, H1_KEY, H1);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void inpatientFlow_settlesAsTheJsonApiDoes_andReversesAndReconciles() {
    TestData.confirmed(gw, PERSON, "REGISTERED_POOR");
    long account = TestData.topUp(gw, "445202", H1, "100000.00", "HOSPITAL_ADVANCE");

    JsonNode person = his.ok("1101", Map.of("certno", PERSON));
    String psnNo = person.get("baseinfo").get("psn_no").asText();
    assertThat(psnNo).matches("YZ[0-9a-f]{28}");
    assertThat(person.get("baseinfo").get("brdy").asText()).isEqualTo("1980-01-01");
    assertThat(person.get("idetinfo").get(0).get("psn_idet_type").asText()).isEqualTo("24");

    String mdtrtId =
        his.ok("2401", Map.of("psn_no", psnNo, "certno", PERSON, "ipt_no", "ZY2018000731"))
            .get("result")
            .get("mdtrt_id")
            .asText();
    assertThat(mdtrtId).hasSize(26);
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "certno", PERSON);

    JsonNode lines = his.ok("2301", ids).get("result");
    assertThat(lines).hasSize(3);
    assertLine(lines.get(0), "F0001", "01", "0.0000", "0.00", "0.00", "37000.00");
    assertLine(lines.get(1), "F0002", "02", "0.2000", "0.00", "2000.00", "8000.00");
    assertLine(lines.get(2), "F0003", "03", "0.0000", "3000.00", "0.00", "0.00");
    assertThat(lines.get(1).get("cnt").asText()).isEqualTo("4.0000");
    assertThat(lines.get(1).get("pric").asText()).isEqualTo("2500.000000");

    his.ok("2402", ids);

    JsonNode json =
        ClaimJson.parse(
            gw.post(
                    "/api/v1/settlements/preview",
                    H1_KEY,
                    ClaimJson.claim("JSON-" + mdtrtId)
                        .person(PERSON)
                        .dates("2018-03-01", "2018-03-20")
                        .line("T-A", "2", "18500", "37000.00")
                        .line("T-B20", "4", "2500", "10000.00")
                        .line("T-C", "1", "3000", "3000.00")
                        .json())
                .body());

    Map<String, String> settle = with(ids, "medfee_sumamt", "50000.00");
    JsonNode preview = his.ok("2303", settle);
    assertSameAmounts(preview, json);
    assertThat(preview.get("setlinfo").get("setl_id").isNull()).isTrue();

    String settleMsgid = his.nextMsgid();
    JsonNode settled = his.ok("2304", with(settle, "msgid", settleMsgid));
    assertSameAmounts(settled, json);
    JsonNode info = settled.get("setlinfo");
    assertThat(money(info.get("hifp_pay"))).isEqualTo("29350.00");
    assertThat(money(info.get("hifmi_pay"))).isEqualTo("6922.50");
    assertThat(money(info.get("maf_pay"))).isEqualTo("6109.25");
    assertThat(money(info.get("psn_cash_pay"))).isEqualTo("7618.25");
    assertThat(info.get("medins_setl_id").asText()).isEqualTo(settleMsgid);
    assertThat(info.get("clr_type").asText()).isEqualTo("21");
    assertThat(info.get("pool_prop_selfpay").asText()).isEqualTo("0.6522");
    assertThat(settled.get("setldetail").get(0).get("fund_pay_type").asText()).isEqualTo("390100");
    assertThat(settled.get("setldetail").get(2).get("setl_proc_info").asText()).isNotBlank();
    String setlId = info.get("setl_id").asText();
    assertThat(setlId).hasSize(26);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo("93890.75");

    JsonNode cum = his.ok("5206", ids).get("cuminfo");
    assertThat(cum(cum, "D390100")).isEqualTo("29350.00");
    assertThat(cum(cum, "D390200")).isEqualTo("6922.50");
    assertThat(cum(cum, "D610100")).isEqualTo("6109.25");
    assertThat(cum(cum, "C0003")).isEqualTo("1.00");
    assertThat(cum(cum, "Q0000")).isEqualTo("1000.00");

    String today = LocalDate.now(gw.zone()).toString();
    assertThat(statement(today, "50000.00", "42381.75", "1").get("stmt_rslt").asText())
        .isEqualTo("0");

    JsonNode reversed = his.ok("2305", with(ids, "setl_id", setlId));
    assertThat(money(reversed.get("setlinfo").get("medfee_sumamt"))).isEqualTo("-50000.00");
    assertThat(money(reversed.get("setlinfo").get("maf_pay"))).isEqualTo("-6109.25");
    String reversalId = reversed.get("setlinfo").get("setl_id").asText();
    assertThat(reversalId).isNotEqualTo(setlId);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo("100000.00");
    assertThat(gw.value("SELECT basic_paid FROM accumulator WHERE person_id_no = ?", PERSON))
        .isEqualTo(new BigDecimal("0.00"));

    JsonNode balanced = statement(today, "0.00", "0.00", "0");
    assertThat(balanced.get("stmt_rslt").asText()).isEqualTo("0");
    JsonNode off = statement(today, "50000.00", "42381.75", "1");
    assertThat(off.get("stmt_rslt").asText()).isEqualTo("1");
    assertThat(off.get("stmt_rslt_dscr").asText()).contains("medfee_sumamt gateway 0.00");

    JsonNode details = details(today, setlId, reversalId, mdtrtId, psnNo, false);
    assertThat(details.get("stmtinfo").get("stmt_rslt").asText()).isEqualTo("0");
    JsonNode missing = details(today, setlId, reversalId, mdtrtId, psnNo, true);
    assertThat(missing.get("stmtinfo").get("stmt_rslt").asText()).isEqualTo("1");
    assertThat(missing.get("result")).hasSize(1);
    assertThat(missing.get("result").get(0).get("setl_id").asText()).isEqualTo(reversalId);
    assertThat(missing.get("result").get(0).get("stmt_rslt").asText()).isEqualTo("1");
  }

  private static JsonNode statement(String day, String medfee, String fund, String count) {
    return his.ok(
            "3201",
            Map.of(
                "stmt_begndate", day,
                "stmt_enddate", day,
                "medfee_sumamt", medfee,
                "fund_pay_sumamt", fund,
                "fixmedins_setl_cnt", count))
        .get("stmtinfo");
  }

  /** 3202 with the hospital's two rows (the settlement and its reversal), or only the first. */
  private static JsonNode details(
      String day, String setlId, String reversalId, String mdtrtId, String psnNo, boolean lose) {
    ObjectNode body =
        (ObjectNode)
            ClaimJson.parse(
                his.body(
                    "3202",
                    Map.of(
                        "stmt_begndate", day,
                        "stmt_enddate", day,
                        "medfee_sumamt", "0.00",
                        "fund_pay_sumamt", "0.00",
                        "fixmedins_setl_cnt", "0")));
    ArrayNode rows = ((ObjectNode) body.get("input")).putArray("detail");
    row(rows, setlId, mdtrtId, psnNo, "50000.00", "42381.75", "0");
    if (!lose) {
      row(rows, reversalId, mdtrtId, psnNo, "-50000.00", "-42381.75", "1");
    }
    JsonNode answer = NhsaClient.parse(his.post(body.toString()).body());
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    return answer.get("output");
  }

  private static void row(
      ArrayNode rows, String setlId, String mdtrt, String psn, String fee, String fund, String f) {
    ObjectNode r = rows.addObject();
    r.put("setl_id", setlId);
    r.put("mdtrt_id", mdtrt);
    r.put("psn_no", psn);
    r.put("medfee_sumamt", fee);
    r.put("fund_pay_sumamt", fund);
    r.put("acct_pay", "0.00");
    r.put("refd_setl_flag", f);
  }

  static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new java.util.HashMap<>(base);
    m.put(key, value);
    return m;
  }

  private static void assertLine(
      JsonNode l, String sn, String lv, String ratio, String own, String pre, String in) {
    assertThat(l.get("feedetl_sn").asText()).isEqualTo(sn);
    assertThat(l.get("chrgitm_lv").asText()).isEqualTo(lv);
    assertThat(l.get("selfpay_prop").asText()).isEqualTo(ratio);
    assertThat(money(l.get("fulamt_ownpay_amt"))).isEqualTo(own);
    assertThat(money(l.get("overlmt_amt"))).isEqualTo("0.00");
    assertThat(money(l.get("preselfpay_amt"))).isEqualTo(pre);
    assertThat(money(l.get("inscp_scp_amt"))).isEqualTo(in);
  }

  /** Every amount of a national setlinfo/setldetail equals the JSON API's settlement. */
  static void assertSameAmounts(JsonNode national, JsonNode json) {
    JsonNode s = national.get("setlinfo");
    assertThat(money(s.get("medfee_sumamt"))).isEqualTo(money(json.get("total")));
    assertThat(money(s.get("fulamt_ownpay_amt"))).isEqualTo(money(json.get("fullOwnPay")));
    assertThat(money(s.get("overlmt_selfpay"))).isEqualTo(money(json.get("overLimit")));
    assertThat(money(s.get("preselfpay_amt"))).isEqualTo(money(json.get("preSelfPay")));
    assertThat(money(s.get("inscp_scp_amt"))).isEqualTo(money(json.get("inScope")));
    assertThat(money(s.get("act_pay_dedc"))).isEqualTo(money(json.get("actDeductible")));
    assertThat(money(s.get("fund_pay_sumamt"))).isEqualTo(money(json.get("fundPay")));
    assertThat(money(s.get("psn_part_amt"))).isEqualTo(money(json.get("personalPay")));
    String[] fields = {"hifp_pay", "hifmi_pay", "maf_pay"};
    for (int i = 0; i < 3; i++) {
      JsonNode fund = json.get("funds").get(i);
      JsonNode detail = national.get("setldetail").get(i);
      assertThat(money(s.get(fields[i]))).isEqualTo(money(fund.get("paid")));
      assertThat(detail.get("fund_pay_type").asText()).isEqualTo(fund.get("fundCode").asText());
      assertThat(money(detail.get("fund_payamt"))).isEqualTo(money(fund.get("paid")));
      assertThat(money(detail.get("inscp_scp_amt"))).isEqualTo(money(fund.get("base")));
      assertThat(detail.get("setl_proc_info").asText()).isEqualTo(fund.get("trace").asText());
    }
  }

  private static String cum(JsonNode cuminfo, String code) {
    for (JsonNode c : cuminfo) {
      if (c.get("cum_type_code").asText().equals(code)) {
        return money(c.get("cum"));
      }
    }
    throw new AssertionError("no cuminfo " + code + " in " + cuminfo);
  }
}
