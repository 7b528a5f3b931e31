package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.nhsa.NhsaInpatientFlowTest.with;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * msgid as the idempotency key and 2601 冲正: a repeated message is answered byte for byte as the
 * first time; 2601 undoes what a message did exactly once, also a 2304 whose answer was lost, and
 * voids a message that never arrived.
 */
class NhsaCorrectionTest {
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

  /** A person admitted, the fixture's three lines (50000.00) uploaded, and discharged. */
  static Map<String, String> discharged(String idNo) {
    String psnNo = his.ok("1101", Map.of("certno", idNo)).get("baseinfo").get("psn_no").asText();
    String mdtrtId =
        his.ok("2401", Map.of("psn_no", psnNo, "certno", idNo, "ipt_no", "ZY" + idNo))
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids =
        Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "certno", idNo, "medfee_sumamt", "50000.00");
    his.ok("2301", ids);
    his.ok("2402", ids);
    return ids;
  }

  static Map<String, Object> figures(String idNo) {
    Map<String, Object> row =
        gw.sql("SELECT * FROM accumulator WHERE person_id_no = ?", idNo).get(0);
    row.remove("updated_at");
    return row;
  }

  @Test
  void reversal2601_afterALost2304Answer_undoesTheSettlementOnce() {
    String idNo = "445202198001010152";
    TestData.confirmed(gw, idNo, "SUBSISTENCE");
    long account = TestData.topUp(gw, "445202", H1, "80000.00", "HOSPITAL_ADVANCE");
    Map<String, String> ids = discharged(idNo);
    BigDecimal balance = TestData.balance(gw, account);

    String lost = his.nextMsgid();
    his.post(his.body("2304", with(ids, "msgid", lost)));
    assertThat(TestData.balance(gw, account)).isLessThan(balance);
    long transfers = gw.count("ledger_transfer");

    Map<String, String> undo = with(with(ids, "omsgid", lost), "oinfno", "2304");
    JsonNode first = his.send("2601", undo);
    assertThat(first.get("infcode").asInt()).as(first.toString()).isZero();
    assertThat(first.get("warn_msg").isNull()).isTrue();
    assertThat(gw.value("SELECT status FROM settlement WHERE claim_no = ?", ids.get("mdtrt_id")))
        .isEqualTo("REVERSED");
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo(balance);
    assertThat(TestData.ledgerBalance(gw, account)).isEqualByComparingTo(balance);
    assertThat(figures(idNo))
        .containsEntry("basic_paid", new BigDecimal("0.00"))
        .containsEntry("ma_paid", new BigDecimal("0.00"))
        .containsEntry("admissions_level3", 0);
    Map<String, Object> after = figures(idNo);
    long transfersAfter = gw.count("ledger_transfer");
    assertThat(transfersAfter).isEqualTo(transfers + 1);

    JsonNode second = his.send("2601", undo);
    assertThat(second.get("infcode").asInt()).isZero();
    assertThat(second.get("warn_msg").asText()).contains("reversed before");
    assertThat(gw.count("reversal")).isEqualTo(1);
    assertThat(gw.count("ledger_transfer")).isEqualTo(transfersAfter);
    assertThat(figures(idNo)).isEqualTo(after);
    assertThat(TestData.balance(gw, account)).isEqualByComparingTo(balance);

    JsonNode late = his.send("2304", with(ids, "msgid", lost));
    assertThat(late.get("infcode").asInt()).isEqualTo(-1);
    assertThat(late.get("err_msg").asText()).startsWith("msgid").contains("2601");

    JsonNode again = his.ok("2304", ids);
    assertThat(again.get("setlinfo").get("medfee_sumamt").asText()).isEqualTo("50000.00");
  }

  @Test
  void reversal2601_whenTheSettlementCommittedButItsLogEntryDidNot_findsItByItsKey() {
    String idNo = "445202198001010160";
    Map<String, String> ids = discharged(idNo);
    String lost = his.nextMsgid();
    his.ok("2304", with(ids, "msgid", lost));
    gw.sql("DELETE FROM nhsa_message WHERE msgid = ?", lost);

    his.ok("2601", with(with(ids, "omsgid", lost), "oinfno", "2304"));

    assertThat(gw.value("SELECT status FROM settlement WHERE claim_no = ?", ids.get("mdtrt_id")))
        .isEqualTo("REVERSED");
    assertThat(figures(idNo)).containsEntry("basic_paid", new BigDecimal("0.00"));
  }

  @Test
  void reversal2601_ofAMessageThatNeverArrived_refusesItWhenItComesLate() {
    String idNo = "445202198001010179";
    Map<String, String> ids = discharged(idNo);
    String never = his.nextMsgid();

    JsonNode voided = his.send("2601", with(with(ids, "omsgid", never), "oinfno", "2304"));
    assertThat(voided.get("infcode").asInt()).isZero();
    assertThat(voided.get("warn_msg").asText()).contains("never arrived");

    long settlements = gw.count("settlement");
    JsonNode late = his.send("2304", with(ids, "msgid", never));
    assertThat(late.get("infcode").asInt()).isEqualTo(-1);
    assertThat(late.get("err_msg").asText()).contains("msgid").contains("2601");
    assertThat(gw.count("settlement")).isEqualTo(settlements);
  }

  @Test
  void reversal2601_ofAFeeUpload_undoesExactlyItsLines() {
    String idNo = "445202198001010187";
    Map<String, String> ids = discharged(idNo);
    String extra = his.nextMsgid();
    Response up = his.post(his.upload(ids, extra, "X0001", "T-A", "3", "100", "300.00"));
    assertThat(NhsaClient.parse(up.body()).get("infcode").asInt()).as(up.body()).isZero();
    JsonNode refused = his.send("2303", ids);
    assertThat(refused.get("err_msg").asText()).startsWith("input.data.medfee_sumamt");

    his.ok("2601", with(with(ids, "omsgid", extra), "oinfno", "2301"));

    assertThat(
            gw.value(
                "SELECT count(*) FROM nhsa_fee WHERE mdtrt_id = ? AND undone_msgid IS NULL",
                ids.get("mdtrt_id")))
        .isEqualTo(3L);
    assertThat(his.ok("2303", ids).get("setlinfo").get("medfee_sumamt").asText())
        .isEqualTo("50000.00");
  }

  @Test
  void repeatedMsgid_replaysTheFirstAnswerByteForByte_andAReusedMsgidIsRefused() {
    String idNo = "445202198001010195";
    Map<String, String> ids = discharged(idNo);
    String msgid = his.nextMsgid();
    String body = his.body("2304", with(ids, "msgid", msgid));

    Response first = his.post(body);
    Response again = his.post(body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(gw.value("SELECT count(*) FROM settlement WHERE claim_no = ?", ids.get("mdtrt_id")))
        .isEqualTo(1L);

    String admit = his.body("2401", with(with(ids, "ipt_no", "ZY-R-" + idNo), "msgid", msgid));
    JsonNode reused = NhsaClient.parse(his.post(admit).body());
    assertThat(reused.get("infcode").asInt()).isEqualTo(-1);
    assertThat(reused.get("err_msg").asText()).startsWith("msgid").contains("different request");

    String admitMsgid = his.nextMsgid();
    String admitBody =
        his.body("2401", with(with(ids, "ipt_no", "ZY-2-" + idNo), "msgid", admitMsgid));
    String a1 = his.post(admitBody).body();
    String a2 = his.post(admitBody).body();
    assertThat(a2).isEqualTo(a1);
    assertThat(gw.value("SELECT count(*) FROM nhsa_admission WHERE msgid = ?", admitMsgid))
        .isEqualTo(1L);
  }

  @Test
  void reversal2601_ofUndoMessages_makesWhatTheyUndidLiveAgain() {
    Map<String, String> ids = discharged("445202198001010224");
    String undoAll = his.nextMsgid();
    his.ok("2302", with(with(ids, "feedetl_sn", "0000"), "msgid", undoAll));
    assertThat(his.send("2303", ids).get("err_msg").asText())
        .startsWith("input.data.medfee_sumamt")
        .contains("0.00 in 0 lines");
    String undischarge = his.nextMsgid();
    his.ok("2405", with(ids, "msgid", undischarge));

    his.ok("2601", with(with(ids, "omsgid", undoAll), "oinfno", "2302"));
    // the undischarge still holds: 2304 needs a discharge (2303 would be a trial during the stay)
    assertThat(his.send("2304", ids).get("err_msg").asText()).contains("not discharged");
    his.ok("2601", with(with(ids, "omsgid", undischarge), "oinfno", "2405"));

    assertThat(his.ok("2303", ids).get("setlinfo").get("medfee_sumamt").asText())
        .isEqualTo("50000.00");
    JsonNode wrongType = his.send("2601", with(with(ids, "omsgid", undoAll), "oinfno", "2301"));
    assertThat(wrongType.get("err_msg").asText()).startsWith("input.data.oinfno");
  }

  @Test
  void cancel2404_refusesFurtherFees_untilA2601RestoresTheAdmission() {
    String idNo = "445202198001010232";
    String psnNo = his.ok("1101", Map.of("certno", idNo)).get("baseinfo").get("psn_no").asText();
    String mdtrtId =
        his.ok("2401", Map.of("psn_no", psnNo, "certno", idNo, "ipt_no", "ZY-C-" + idNo))
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "certno", idNo);
    String cancel = his.nextMsgid();
    his.ok("2404", with(ids, "msgid", cancel));
    assertThat(his.send("2301", ids).get("err_msg").asText()).contains("cancelled (2404)");

    his.ok("2601", with(with(ids, "omsgid", cancel), "oinfno", "2404"));

    assertThat(his.ok("2301", ids).get("result")).hasSize(3);
  }
}
