package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.nhsa.NhsaInpatientFlowTest.with;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.inpatient.SetlIds;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * An item code not in the catalogue, at both front doors (issue 12). Hospital H1 follows the
 * reference policy (self-pay, flagged); hospital H2 is set to refuse such claims in the registry
 * ({@code unknownItems: REFUSE}), which takes precedence over the policy.
 */
class UnknownItemFrontDoorsTest {
  static final String H2 = "H44520200002";
  static final String TYPO = "T-A-TYPO";

  static TestGateway gw;

  /** H1's one national client: msgids count up per client, so two would collide. */
  static NhsaClient h1;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_CONFIG_DIR", refusingConfig().toString()));
    h1 = new NhsaClient(gw, H1_KEY, H1);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The test configuration with H2 refusing unknown item codes. */
  static Path refusingConfig() {
    Path from = TestGateway.testConfigDir();
    Path dir = Path.of("target", "test-config-unknown-refuse").toAbsolutePath();
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path f : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : files.toList()) {
          Path to = dir.resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to);
          }
        }
      }
      Path hospitals = dir.resolve("hospitals.yaml");
      String yaml = Files.readString(hospitals, StandardCharsets.UTF_8);
      String h2 = "  - code: " + H2 + "\n";
      assertThat(yaml).contains(h2);
      Files.writeString(
          hospitals, yaml.replace(h2, h2 + "    unknownItems: REFUSE\n"), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String claim(String no) {
    return ClaimJson.claim(no)
        .person("445202198001010312")
        .item("T-A", "1200.00")
        .item(TYPO, "300.00")
        .json();
  }

  static String metrics() {
    return gw.metrics();
  }

  /** The counter's value now (0 before its first increment). */
  static double unknownItems(String hospital, String operation, String outcome) {
    String series =
        "yizhan_unknown_items_total{hospital=\""
            + hospital
            + "\",operation=\""
            + operation
            + "\",outcome=\""
            + outcome
            + "\"} ";
    for (String line : metrics().split("\n")) {
      if (line.startsWith(series)) {
        return Double.parseDouble(line.substring(series.length()));
      }
    }
    return 0;
  }

  @Test
  void jsonApi_unknownItemByDefault_isSelfPayFlaggedStoredAndCounted() {
    double previewed = unknownItems(H1, "preview", "self_pay");
    double settled = unknownItems(H1, "settle", "self_pay");

    Response preview = gw.post("/api/v1/settlements/preview?detail=lines", H1_KEY, claim("UI-1"));
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    JsonNode lines = ClaimJson.parse(preview.body()).get("lines");
    assertThat(lines.get(0).get("unknownItem").asBoolean()).isFalse();
    assertThat(lines.get(1).get("unknownItem").asBoolean()).isTrue();
    assertThat(lines.get(1).get("category").asText()).isEqualTo("C");
    assertThat(lines.get(1).get("fullOwnPay").decimalValue()).isEqualByComparingTo("300.00");

    Response created = gw.post("/api/v1/settlements?detail=lines", H1_KEY, claim("UI-1"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode answered = ClaimJson.parse(created.body());
    assertThat(answered.get("lines")).isEqualTo(lines);
    Response read =
        gw.get(
            "/api/v1/settlements/" + answered.get("settlementId").asText() + "?detail=lines",
            H1_KEY);
    assertThat(ClaimJson.parse(read.body()).get("lines")).isEqualTo(answered.get("lines"));

    assertThat(unknownItems(H1, "preview", "self_pay")).isEqualTo(previewed + 1);
    assertThat(unknownItems(H1, "settle", "self_pay")).isEqualTo(settled + 1);
    assertThat(metrics()).doesNotContain("445202198001010312").doesNotContain(TYPO);
  }

  @Test
  void jsonApi_hospitalRefusingUnknownItems_refuses422NamingTheLineAndWritesNothing() {
    double previewed = unknownItems(H2, "preview", "refused");
    double settled = unknownItems(H2, "settle", "refused");

    for (String path : new String[] {"/api/v1/settlements/preview", "/api/v1/settlements"}) {
      Response r = gw.post(path, H2_KEY, claim("UI-2"));

      assertThat(r.status()).as(r.body()).isEqualTo(422);
      JsonNode error = ClaimJson.parse(r.body());
      assertThat(error.get("code").asText()).isEqualTo("UNKNOWN_ITEM");
      assertThat(error.get("field").asText()).isEqualTo("lines[1].itemCode");
      assertThat(error.get("message").asText())
          .startsWith("lines[1].itemCode (line 2) is not in the insurance catalogue")
          .doesNotContain(TYPO);
    }
    assertThat(((Number) gw.value("SELECT count(*) FROM claim WHERE claim_no = 'UI-2'")).intValue())
        .isZero();
    assertThat(unknownItems(H2, "preview", "refused")).isEqualTo(previewed + 1);
    assertThat(unknownItems(H2, "settle", "refused")).isEqualTo(settled + 1);

    Response known =
        gw.post(
            "/api/v1/settlements",
            H2_KEY,
            ClaimJson.claim("UI-3").person("445202198001010312").item("T-A", "1200.00").json());
    assertThat(known.status()).as(known.body()).isEqualTo(201);
  }

  @Test
  void nhsa2301_unknownItemByDefault_isFlaggedInMemo() {
    NhsaClient his = h1;
    Map<String, String> ids = admitted(his, "445202198001020318");

    JsonNode answer =
        NhsaClient.parse(
            his.post(his.upload(ids, his.nextMsgid(), "F-U1", TYPO, "1", "300", "300.00")).body());

    assertThat(answer.get("infcode").asInt()).as(answer.toString()).isZero();
    JsonNode line = answer.get("output").get("result").get(0);
    assertThat(line.get("chrgitm_lv").asText()).isEqualTo("03");
    assertThat(line.get("fulamt_ownpay_amt").decimalValue()).isEqualByComparingTo("300.00");
    assertThat(line.get("memo").asText()).startsWith("UNKNOWN_ITEM");
    JsonNode known =
        NhsaClient.parse(
                his.post(his.upload(ids, his.nextMsgid(), "F-U2", "T-A", "1", "10", "10.00"))
                    .body())
            .get("output")
            .get("result")
            .get(0);
    assertThat(known.get("memo").isNull()).isTrue();
  }

  @Test
  void nhsa_hospitalRefusingUnknownItems_refuses2301And2303And2304InTheEnvelope() {
    NhsaClient his = new NhsaClient(gw, H2_KEY, H2);
    Map<String, String> ids = admitted(his, "445202198001030313");

    JsonNode upload =
        NhsaClient.parse(
            his.post(his.upload(ids, his.nextMsgid(), "F-R1", TYPO, "1", "300", "300.00")).body());
    assertThat(upload.get("infcode").asInt()).isEqualTo(-1);
    assertThat(upload.get("err_msg").asText())
        .startsWith("[UNKNOWN_ITEM] input.feedetail[0].med_list_codg (line F-R1)")
        .doesNotContain(TYPO);

    // listed on the fee's day, no longer on the discharge day (2018-03-20): accepted by 2301,
    // refused when the claim is priced on the discharge date
    JsonNode accepted =
        NhsaClient.parse(
            his.post(his.upload(ids, his.nextMsgid(), "F-R2", "T-ENDS-0310", "1", "50", "50.00"))
                .body());
    assertThat(accepted.get("infcode").asInt()).as(accepted.toString()).isZero();
    his.ok("2402", ids);
    for (String infno : new String[] {"2303", "2304"}) {
      JsonNode refused = his.send(infno, with(ids, "medfee_sumamt", "50.00"));

      assertThat(refused.get("infcode").asInt()).as(refused.toString()).isEqualTo(-1);
      assertThat(refused.get("err_msg").asText())
          .startsWith("[UNKNOWN_ITEM] feedetail(feedetl_sn=F-R2).med_list_codg (line F-R2)")
          .doesNotContain("T-ENDS-0310");
      assertThat(refused.get("output").isNull()).isTrue();
    }
    assertThat(
            ((Number)
                    gw.value(
                        "SELECT count(*) FROM settlement WHERE claim_no = ?", ids.get("mdtrt_id")))
                .intValue())
        .isZero();
  }

  @Test
  void nhsa2303And2304_lineUnknownOnTheDischargeDate_isFlaggedInSetlinfoMemoAndStored() {
    NhsaClient his = h1;
    Map<String, String> ids = admitted(his, "445202198001040319");
    // listed on the fee's day, no longer on the discharge day: self-pay when settled
    for (String upload :
        new String[] {
          his.upload(ids, his.nextMsgid(), "F-S1", "T-ENDS-0310", "1", "50", "50.00"),
          his.upload(ids, his.nextMsgid(), "F-S2", "T-A", "1", "10", "10.00")
        }) {
      JsonNode uploaded = NhsaClient.parse(his.post(upload).body());
      assertThat(uploaded.get("infcode").asInt()).as(uploaded.toString()).isZero();
    }
    his.ok("2402", ids);

    for (String infno : new String[] {"2303", "2304"}) {
      JsonNode answer = his.ok(infno, with(ids, "medfee_sumamt", "60.00"));

      JsonNode setlinfo = answer.get("setlinfo");
      assertThat(setlinfo.get("memo").asText())
          .as(infno)
          .isEqualTo("UNKNOWN_ITEM: feedetl_sn=F-S1");
      assertThat(setlinfo.get("fulamt_ownpay_amt").decimalValue()).isEqualByComparingTo("50.00");
      assertThat(answer.toString()).doesNotContain("T-ENDS-0310");
      if (infno.equals("2304")) {
        String id = SetlIds.decode(setlinfo.get("setl_id").asText()).toString();
        Response read = gw.get("/api/v1/settlements/" + id + "?detail=lines", H1_KEY);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        JsonNode lines = ClaimJson.parse(read.body()).get("lines");
        assertThat(lines.get(0).get("lineNo").asText()).isEqualTo("F-S1");
        assertThat(lines.get(0).get("unknownItem").asBoolean()).isTrue();
        assertThat(lines.get(1).get("unknownItem").asBoolean()).isFalse();
      }
    }
  }

  private static Map<String, String> admitted(NhsaClient his, String idNo) {
    String psnNo = his.ok("1101", Map.of("certno", idNo)).get("baseinfo").get("psn_no").asText();
    String mdtrtId =
        his.ok("2401", Map.of("psn_no", psnNo, "certno", idNo, "ipt_no", "ZY" + idNo))
            .get("result")
            .get("mdtrt_id")
            .asText();
    return Map.of("psn_no", psnNo, "mdtrt_id", mdtrtId, "certno", idNo);
  }
}
