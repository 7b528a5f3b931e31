package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.nhsa.NhsaClient.money;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * The answers real HIS clients read (issue 16 items 7, 9, 10, 11), over one inpatient stay on a
 * gateway whose clock reads March 2018: every setlinfo field on 2303 (during the stay and after
 * discharge), 2304, its replay and 2305; 2301's per-line fields and a refund line (退单) netted into
 * the settlement; a trial during the stay that writes nothing; 5206's cum_ym; 9101 then 3202 by
 * file, agreeing with 3202 inline.
 */
class NhsaAnswersTest {
  /** 2018-03-21 10:00 in Beijing. */
  static final SettableClock CLOCK = new SettableClock(Instant.parse("2018-03-21T02:00:00Z"));

  /** Born 1950-06-15: 67 on every day of this stay. */
  static final String PERSON = TestData.idNo("445202", LocalDate.of(1950, 6, 15), 17);

  /** Every setlinfo field a client reads (openhis, YbRefund, the spec); setl_id apart. */
  static final List<String> SETLINFO =
      List.of(
          "mdtrt_id",
          "psn_no",
          "psn_name",
          "psn_cert_type",
          "certno",
          "gend",
          "naty",
          "brdy",
          "age",
          "insutype",
          "psn_type",
          "cvlserv_flag",
          "setl_time",
          "mdtrt_cert_type",
          "med_type",
          "medfee_sumamt",
          "fulamt_ownpay_amt",
          "overlmt_selfpay",
          "preselfpay_amt",
          "inscp_scp_amt",
          "act_pay_dedc",
          "hifp_pay",
          "pool_prop_selfpay",
          "cvlserv_pay",
          "hifes_pay",
          "hifmi_pay",
          "hifob_pay",
          "maf_pay",
          "oth_pay",
          "fund_pay_sumamt",
          "psn_part_amt",
          "acct_pay",
          "psn_cash_pay",
          "hosp_part_amt",
          "balc",
          "acct_mulaid_pay",
          "medins_setl_id",
          "clr_optins",
          "clr_way",
          "clr_type",
          "hifdm_pay");

  static final List<String> SETLDETAIL =
      List.of(
          "fund_pay_type",
          "inscp_scp_amt",
          "crt_payb_lmt_amt",
          "fund_payamt",
          "fund_pay_type_name",
          "setl_proc_info");

  static final List<String> RESULT_2301 =
      List.of(
          "feedetl_sn",
          "det_item_fee_sumamt",
          "cnt",
          "pric",
          "pric_uplmt_amt",
          "selfpay_prop",
          "fulamt_ownpay_amt",
          "overlmt_amt",
          "preselfpay_amt",
          "inscp_scp_amt",
          "chrgitm_lv",
          "med_chrgitm_type",
          "bas_medn_flag",
          "hi_nego_drug_flag",
          "chld_medc_flag",
          "list_sp_item_flag",
          "lmt_used_flag",
          "drt_reim_flag");

  /** The tables a trial (2303) must leave as they were. */
  static final List<String> WRITTEN =
      List.of(
          "settlement",
          "settlement_fund",
          "claim",
          "reversal",
          "accumulator",
          "ledger_transfer",
          "idempotency_record",
          "nhsa_fee",
          "nhsa_discharge",
          "nhsa_admission");

  static TestGateway gw;
  static NhsaClient his;

  @BeforeAll
  static void start() {
    // the gateway's clock reads 2018, so a signature made now would be stale: key alone here
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_SECURITY_SIGNATURES_NHSA", "OFF", "YIZHAN_SECURITY_SIGNATURES_API", "OFF"),
            CLOCK);
    his = new NhsaClient(gw, H1_KEY, H1);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void inpatientStay_answersEveryFieldClientsRead_nettingRefunds_andReconcilingByFile() {
    String psnNo = ok("1101", Map.of("certno", PERSON)).get("baseinfo").get("psn_no").asText();
    String mdtrtId =
        ok("2401", Map.of("psn_no", psnNo, "certno", PERSON, "ipt_no", "ZY-ANSWERS"))
            .get("result")
            .get("mdtrt_id")
            .asText();
    Map<String, String> ids = Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "certno", PERSON);

    JsonNode lines = ok("2301", ids).get("result");
    for (JsonNode l : lines) {
      assertPresent(l, RESULT_2301, "2301 result");
      assertThat(l.get("med_chrgitm_type").asText()).isEqualTo("14");
      assertThat(l.get("bas_medn_flag").asText()).isEqualTo("0");
    }
    // T-A has no price cap: the platform's 999999
    assertThat(lines.get(0).get("pric_uplmt_amt").decimalValue()).isEqualByComparingTo("999999");

    refundLines(ids);

    // a trial during the stay (no 2402 yet): the running bill to today, nothing written
    Map<String, Long> before = counts();
    JsonNode trial = ok("2303", with(ids, "medfee_sumamt", "31500.00"));
    assertThat(counts()).isEqualTo(before);
    assertSetlinfo(trial, true);
    NhsaInpatientFlowTest.assertSameAmounts(trial, jsonPreview(mdtrtId, "2018-03-21"));
    assertThat(refusal("2304", with(ids, "medfee_sumamt", "31500.00")))
        .contains("not discharged yet");

    ok("2402", ids);
    Map<String, String> settle = with(ids, "medfee_sumamt", "31500.00");
    JsonNode preview = ok("2303", settle);
    assertSetlinfo(preview, true);
    JsonNode json = jsonPreview(mdtrtId, "2018-03-20");
    NhsaInpatientFlowTest.assertSameAmounts(preview, json);

    String settleMsgid = his.nextMsgid();
    String settleBody = his.body("2304", with(settle, "msgid", settleMsgid));
    JsonNode settled = envelope(settleBody);
    assertThat(settled.get("infcode").asInt()).as(settled.toString()).isZero();
    assertSetlinfo(settled.get("output"), false);
    NhsaInpatientFlowTest.assertSameAmounts(settled.get("output"), json);
    JsonNode info = settled.get("output").get("setlinfo");
    assertThat(info.get("certno").asText()).isEqualTo(PERSON);
    assertThat(info.get("brdy").asText()).isEqualTo("1950-06-15");
    assertThat(info.get("age").asText()).isEqualTo("67.0");
    assertThat(info.get("gend").asText()).isEqualTo("1"); // sequence 017: odd
    assertThat(info.get("mdtrt_cert_type").asText()).isEqualTo("02");
    assertThat(info.get("naty").asText()).isEqualTo("99");
    assertThat(info.get("psn_type").asText()).isEqualTo("1501"); // 普通居民（成年）
    assertThat(money(info.get("hifdm_pay"))).isEqualTo("0.00");
    assertThat(money(info.get("psn_cash_pay"))).isEqualTo(money(json.get("personalPay")));

    JsonNode replay = envelope(settleBody);
    assertThat(replay.get("output")).isEqualTo(settled.get("output"));
    assertSetlinfo(replay.get("output"), false);

    String setlId = info.get("setl_id").asText();
    reconcileByFile(psnNo, mdtrtId, setlId);

    JsonNode reversed = ok("2305", with(ids, "setl_id", setlId));
    assertSetlinfo(reversed, false);
    assertThat(money(reversed.get("setlinfo").get("medfee_sumamt"))).isEqualTo("-31500.00");

    cumYm(psnNo);
  }

  /**
   * 2301 refund lines: one netted, one naming no line refused, one taking back too much refused.
   */
  private static void refundLines(Map<String, String> ids) {
    long fees = count("nhsa_fee");
    JsonNode orphan = envelope(refund(ids, "R0", "NOSUCHLINE", "-1", "-18500.00"));
    assertThat(orphan.get("infcode").asInt()).isEqualTo(-1);
    assertThat(orphan.get("err_msg").asText())
        .startsWith("[REFUND_UNMATCHED] input.feedetail[0].init_feedetl_sn (line R0)");
    JsonNode unnamed = envelope(refund(ids, "R0", "", "-1", "-18500.00"));
    assertThat(unnamed.get("err_msg").asText()).startsWith("input.feedetail[0].cnt");
    JsonNode tooMuch = envelope(refund(ids, "R0", "F0001", "-3", "-55500.00"));
    assertThat(tooMuch.get("err_msg").asText())
        .startsWith("[REFUND_UNMATCHED] input.feedetail[0].cnt (line R0)");
    assertThat(count("nhsa_fee")).isEqualTo(fees);

    JsonNode done = envelope(refund(ids, "R1", "F0001", "-1", "-18500.00"));
    assertThat(done.get("infcode").asInt()).as(done.toString()).isZero();
    JsonNode line = done.get("output").get("result").get(0);
    assertThat(line.get("feedetl_sn").asText()).isEqualTo("R1");
    assertThat(money(line.get("det_item_fee_sumamt"))).isEqualTo("-18500.00");
    assertThat(line.get("cnt").asText()).isEqualTo("-1.0000");
    assertThat(money(line.get("inscp_scp_amt"))).isEqualTo("-18500.00");
    assertThat(count("nhsa_fee")).isEqualTo(fees + 1);
  }

  /** A 2301 of one refund line of T-A at 18500 taking back {@code initSn}. */
  private static String refund(
      Map<String, String> ids, String sn, String initSn, String cnt, String amount) {
    ObjectNode body =
        (ObjectNode)
            NhsaClient.parse(his.upload(ids, his.nextMsgid(), sn, "T-A", cnt, "18500", amount));
    ((ObjectNode) body.get("input").get("feedetail").get(0)).put("init_feedetl_sn", initSn);
    return body.toString();
  }

  /**
   * 3202 inline, then by a file uploaded with 9101 as a zip in base64 (openhis) and as signed bytes
   * (a Guangdong client), with and without the settlement's row: the answers agree. Unknown,
   * another hospital's and expired files are refused.
   */
  private static void reconcileByFile(String psnNo, String mdtrtId, String setlId) {
    String day = LocalDate.now(CLOCK.withZone(gw.zone())).toString();
    String row = setlId + "\t" + mdtrtId + "\t" + psnNo + "\t31500.00\t";
    for (boolean lose : new boolean[] {false, true}) {
      String text = lose ? "" : row + settled(psnNo, mdtrtId, setlId) + "\t0.00\t0\t\r\n";
      JsonNode inline = details(day, lose ? List.of() : List.of(inlineRow(setlId, mdtrtId, psnNo)));
      String base64No = upload(Base64.getEncoder().encodeToString(zip(text)));
      String bytesNo = uploadBytes(zip(text));
      for (String no : List.of(base64No, bytesNo)) {
        JsonNode byFile = byFile(day, no);
        assertThat(byFile.get("stmtinfo")).isEqualTo(inline.get("stmtinfo"));
        assertThat(byFile.get("result")).isEqualTo(inline.get("result"));
      }
      assertThat(inline.get("stmtinfo").get("stmt_rslt").asText()).isEqualTo(lose ? "1" : "0");
      // the result file fileinfo names, fetched with 9102: every row, agreeing ones with 0
      String[] fields = resultFile(inline.get("fileinfo")).strip().split("\t", -1);
      assertThat(fields[2]).isEqualTo(setlId);
      assertThat(fields[4]).isEqualTo(lose ? "1" : "0");
    }

    JsonNode unknown = envelope(fileBody(day, "FNOSUCHFILE"));
    assertThat(unknown.get("err_msg").asText())
        .startsWith("input.data.file_qury_no names no file this institution uploaded");
    String h1File = upload(Base64.getEncoder().encodeToString(zip("")));
    NhsaClient other = new NhsaClient(gw, H2_KEY, "H44520200002");
    JsonNode theirs = NhsaClient.parse(unsigned(H2_KEY, fileBody(other, day, h1File)));
    assertThat(theirs.get("err_msg").asText())
        .startsWith("input.data.file_qury_no names no file this institution uploaded");

    Instant now = CLOCK.instant();
    CLOCK.advance(FileTransactions.KEEP.plus(Duration.ofMinutes(1)));
    try {
      JsonNode expired = envelope(fileBody(day, h1File));
      assertThat(expired.get("err_msg").asText())
          .startsWith("input.data.file_qury_no names a file kept until");
    } finally {
      CLOCK.set(now);
    }
  }

  /** 9102 of a fileinfo: the file's bytes as the body, a zip of one tab-separated text. */
  private static String resultFile(JsonNode fileinfo) {
    assertThat(fileinfo.get("dld_endtime").asText()).isNotBlank();
    ObjectNode body = (ObjectNode) NhsaClient.parse(his.body("2601", Map.of()));
    body.put("infno", "9102");
    ObjectNode in = body.putObject("input").putObject("fsDownloadIn");
    in.put("file_qury_no", fileinfo.get("file_qury_no").asText());
    in.put("filename", fileinfo.get("filename").asText());
    in.put("fixmedins_code", H1);
    try {
      HttpResponse<byte[]> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaClient.PATH))
                      .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + H1_KEY)
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
      return FileTransactions.unpack(r.body(), "9102");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The settlement's fund_pay_sumamt, as 3201 would compare it. */
  private static String settled(String psnNo, String mdtrtId, String setlId) {
    JsonNode detail = details(LocalDate.now(CLOCK.withZone(gw.zone())).toString(), List.of());
    return money(detail.get("result").get(0).get("fund_pay_sumamt"));
  }

  private static ObjectNode inlineRow(String setlId, String mdtrtId, String psnNo) {
    ObjectNode r = NhsaClient.EXACT.createObjectNode();
    r.put("setl_id", setlId);
    r.put("mdtrt_id", mdtrtId);
    r.put("psn_no", psnNo);
    r.put("medfee_sumamt", "31500.00");
    r.put(
        "fund_pay_sumamt",
        settled(psnNo, mdtrtId, setlId)); // the gateway's own figure: the rows agree
    r.put("acct_pay", "0.00");
    r.put("refd_setl_flag", "0");
    return r;
  }

  private static JsonNode details(String day, List<ObjectNode> rows) {
    ObjectNode body = (ObjectNode) NhsaClient.parse(his.body("3202", statementValues(day)));
    ArrayNode detail = ((ObjectNode) body.get("input")).putArray("detail");
    rows.forEach(detail::add);
    JsonNode answer = envelope(body.toString());
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    return answer.get("output");
  }

  private static JsonNode byFile(String day, String fileQuryNo) {
    JsonNode answer = envelope(fileBody(day, fileQuryNo));
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    return answer.get("output");
  }

  private static String fileBody(String day, String fileQuryNo) {
    return fileBody(his, day, fileQuryNo);
  }

  private static String fileBody(NhsaClient client, String day, String fileQuryNo) {
    ObjectNode body = (ObjectNode) NhsaClient.parse(client.body("3202", statementValues(day)));
    ObjectNode input = (ObjectNode) body.get("input");
    input.remove("detail");
    ((ObjectNode) input.get("data")).put("file_qury_no", fileQuryNo);
    return body.toString();
  }

  private static Map<String, String> statementValues(String day) {
    return Map.of(
        "stmt_begndate", day,
        "stmt_enddate", day,
        "medfee_sumamt", "0.00",
        "fund_pay_sumamt", "0.00",
        "fixmedins_setl_cnt", "0");
  }

  /** 9101 as openhis sends it: the zip in base64. */
  private static String upload(String base64) {
    ObjectNode up = uploadBody();
    ((ObjectNode) up.get("input").get("fsUploadIn")).put("in", base64);
    return uploaded(up);
  }

  /** 9101 as the Foshan client sends it: the zip as signed byte values. */
  private static String uploadBytes(byte[] zip) {
    ObjectNode up = uploadBody();
    ArrayNode in = ((ObjectNode) up.get("input").get("fsUploadIn")).putArray("in");
    for (byte b : zip) {
      in.add((int) b);
    }
    return uploaded(up);
  }

  private static ObjectNode uploadBody() {
    ObjectNode body = (ObjectNode) NhsaClient.parse(his.body("2601", Map.of()));
    body.put("infno", "9101");
    ObjectNode input = body.putObject("input");
    ObjectNode up = input.putObject("fsUploadIn");
    up.put("filename", "file.zip");
    up.put("fixmedins_code", H1);
    return body;
  }

  private static String uploaded(ObjectNode body) {
    JsonNode answer = envelope(body.toString());
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    JsonNode out = answer.get("output");
    assertThat(out.get("filename").asText()).isEqualTo("file.zip");
    assertThat(out.get("dld_endtime").asText()).isNotBlank();
    return out.get("file_qury_no").asText();
  }

  /** A zip of one entry, file.txt, holding {@code text}. */
  private static byte[] zip(String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipOutputStream z = new ZipOutputStream(out)) {
        z.putNextEntry(new ZipEntry("file.txt"));
        z.write(text.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 5206 without cum_ym answers the current month on every row; with it, that month. */
  private static void cumYm(String psnNo) {
    ObjectNode body = (ObjectNode) NhsaClient.parse(his.body("5206", Map.of("psn_no", psnNo)));
    ((ObjectNode) body.get("input").get("data")).remove("cum_ym");
    JsonNode answer = envelope(body.toString());
    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    for (JsonNode c : answer.get("output").get("cuminfo")) {
      assertThat(c.get("cum_ym").asText()).isEqualTo("201803");
      assertThat(c.get("year").asText()).isEqualTo("2018");
    }
    for (JsonNode c : ok("5206", Map.of("psn_no", psnNo)).get("cuminfo")) {
      assertThat(c.get("cum_ym").asText()).isEqualTo("201803");
    }
  }

  /** Every setlinfo and setldetail field present and not null (setl_id on a preview apart). */
  private static void assertSetlinfo(JsonNode output, boolean preview) {
    JsonNode info = output.get("setlinfo");
    assertPresent(info, SETLINFO, "setlinfo");
    assertThat(info.has("setl_id")).isTrue();
    assertThat(info.get("setl_id").isNull()).isEqualTo(preview);
    assertThat(output.get("setldetail")).isNotEmpty();
    for (JsonNode d : output.get("setldetail")) {
      assertPresent(d, SETLDETAIL, "setldetail");
    }
  }

  private static void assertPresent(JsonNode node, List<String> fields, String what) {
    List<String> missing = new ArrayList<>();
    for (String f : fields) {
      if (!node.has(f) || node.get(f).isNull()) {
        missing.add(f);
      }
    }
    assertThat(missing).as(what + " " + node).isEmpty();
  }

  /** The JSON API's preview of the stay's net claim (F0001 half taken back). */
  private static JsonNode jsonPreview(String mdtrtId, String discharge) {
    return ClaimJson.parse(
        unsignedJson(
            ClaimJson.claim("JSON-" + mdtrtId + discharge)
                .person(PERSON)
                .dates("2018-03-01", discharge)
                .line("T-A", "1", "18500", "18500.00")
                .line("T-B20", "4", "2500", "10000.00")
                .line("T-C", "1", "3000", "3000.00")
                .json()));
  }

  private static Map<String, Long> counts() {
    Map<String, Long> m = new HashMap<>();
    for (String t : WRITTEN) {
      m.put(t, count(t));
    }
    return m;
  }

  private static long count(String table) {
    return gw.count(table);
  }

  static Map<String, String> with(Map<String, String> base, String key, String value) {
    return NhsaInpatientFlowTest.with(base, key, value);
  }

  private static JsonNode ok(String infno, Map<String, String> values) {
    JsonNode answer = envelope(his.body(infno, values));
    assertThat(answer.get("infcode").asInt()).as(infno + " " + answer).isZero();
    return answer.get("output");
  }

  private static String refusal(String infno, Map<String, String> values) {
    JsonNode answer = envelope(his.body(infno, values));
    assertThat(answer.get("infcode").asInt()).as(infno + " " + answer).isEqualTo(-1);
    return answer.get("err_msg").asText();
  }

  private static JsonNode envelope(String body) {
    return NhsaClient.parse(unsigned(H1_KEY, body));
  }

  /** Unsigned (national signatures are off here): a signature's time is checked against 2018. */
  private static String unsigned(String key, String body) {
    return gw.sendUnsigned(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaClient.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json"),
            key)
        .body();
  }

  private static String unsignedJson(String claim) {
    return gw.sendUnsigned(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/settlements/preview"))
                .POST(HttpRequest.BodyPublishers.ofString(claim, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json"),
            H1_KEY)
        .body();
  }
}
