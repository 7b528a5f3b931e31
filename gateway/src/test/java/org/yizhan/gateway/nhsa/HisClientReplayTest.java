package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;
import static org.yizhan.gateway.support.TestGateway.H3_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * One inpatient stay replayed in the request shapes of three public HIS clients
 * (src/test/resources/his-clients/, docs/nhsa-interface.md "Clients studied"), over the transport
 * each uses: 9001 → 1101 → 2401 → 2301 → 2402 → 2303 → 2304 → 2305 or 2601 → 3201 → 5206 → 9002,
 * checking the answer fields each client reads.
 *
 * <ul>
 *   <li>openhis (C# HttpWebRequest): the national path, x-tif-* with a dashed Guid nonce and the
 *       platform's {@code apikey} header beside, msgid code + time + 4 digits, nulls written.
 *   <li>Foshan (C# WebClient): {@code <prefix>/hsa/hgs/<infno>}, x-tif-* only, msgid {@code
 *       yyyyMMddHHmmssff0001} (20), at a hospital that requires sign-in (its sign_no in every
 *       envelope), 2601 instead of 2305.
 *   <li>hsa-his (Java HttpURLConnection + fastjson): {@code medins_code}, {@code input} as a JSON
 *       string, 2303/2304/2305 without {@code data}, 2402 under {@code mdtrtinfo}, 9001 without
 *       {@code signIn}, never a sign_no, and {@code infcode} read as the string "0" (its hospital
 *       is set to infcodeAsString). The client sends no credential at all; the replay adds the
 *       x-tif-* headers, the one change such a hospital has to make.
 * </ul>
 */
class HisClientReplayTest {
  static final String H2 = "H44520200002";
  static final String H3 = "H44528100003";
  static final String OFFICE = "445202";

  static TestGateway gw;

  /** msgid sequence numbers, shared by every client of the run so that no two msgids meet. */
  static final AtomicInteger SEQUENCE = new AtomicInteger();

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_CONFIG_DIR", configDir().toString()));
    TestData.topUp(gw, OFFICE, H1, "100000.00", "HOSPITAL_ADVANCE");
    TestData.topUp(gw, OFFICE, H2, "100000.00", "HOSPITAL_ADVANCE");
    TestData.topUp(gw, OFFICE, H3, "100000.00", "HOSPITAL_ADVANCE");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The test configuration, with H2 answering infcode as a string and H3 requiring sign-in. */
  static Path configDir() {
    Path dir = Path.of("target", "test-config-his-clients");
    try {
      Path from = TestGateway.testConfigDir();
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : files.toList()) {
          Path to = dir.resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      Path hospitals = dir.resolve("hospitals.yaml");
      String yaml = Files.readString(hospitals);
      yaml =
          yaml.replace(
                  "    name: 揭阳市榕城区人民医院\n",
                  "    name: 揭阳市榕城区人民医院\n    nhsa:\n      infcodeAsString: true\n")
              .replace(
                  "    name: 普宁市洪阳镇卫生院\n",
                  "    name: 普宁市洪阳镇卫生院\n    nhsa:\n      signInRequired: true\n");
      Files.writeString(hospitals, yaml);
      return dir.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A hospital system of one of the studied clients: its shapes, URL, headers and msgids. */
  static final class His {
    final String client;
    final String hospital;
    final String key;
    final UnaryOperator<String> url;
    final boolean platformApikey;
    final Map<String, String> values = new HashMap<>();

    His(String client, String hospital, String key, UnaryOperator<String> url, boolean apikey) {
      this.client = client;
      this.hospital = hospital;
      this.key = key;
      this.url = url;
      this.platformApikey = apikey;
      values.put("fixmedins_code", hospital);
      values.put("opter", "0031");
      values.put("inf_time", "2018-03-01 09:00:00");
      values.put("sign_no", "");
      values.put("cainfo", "9f2c0d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d");
      values.put("url", "http://gateway.example/fsi/api/rsfComIfsService/callService");
      values.put("mid_setl_flag", "0");
    }

    /** A msgid as this client makes it. */
    String msgid() {
      int n = SEQUENCE.incrementAndGet();
      if (client.equals("foshan")) {
        return String.format("20180301%06d%02d0001", 90000 + n / 100, n % 100);
      }
      return hospital + String.format("20180301%06d%04d", 90000 + n, n);
    }

    JsonNode post(String shape, Map<String, String> extra) {
      String infno = shape.substring(0, 4);
      Map<String, String> all = new HashMap<>(values);
      all.put("msgid", msgid());
      all.put("msgid2", msgid());
      all.putAll(extra);
      String body = template(client, shape);
      for (Map.Entry<String, String> e : all.entrySet()) {
        body = body.replace("${" + e.getKey() + "}", e.getValue());
      }
      assertThat(body).doesNotContain("${");
      String nonce =
          client.equals("foshan")
              ? UUID.randomUUID().toString().replace("-", "")
              : UUID.randomUUID().toString();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(gw.baseUrl() + url.apply(infno)))
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .header("Content-Type", "application/json");
      Signer.national(key, hospital, Instant.now().getEpochSecond(), nonce).forEach(b::header);
      if (platformApikey) {
        b.header("apikey", "123456");
      }
      Response r = gw.send(b, null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      return NhsaClient.parse(r.body());
    }

    /** Sends and returns the output, failing unless infcode is "0" as the client compares it. */
    JsonNode ok(String shape, Map<String, String> extra) {
      JsonNode answer = post(shape, extra);
      assertThat(answer.get("infcode").asText())
          .as(client + " " + shape + ": " + answer)
          .isEqualTo("0");
      return answer.get("output");
    }
  }

  static String template(String client, String shape) {
    String path = "/his-clients/" + client + "/" + shape + ".json";
    try (InputStream in = HisClientReplayTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no shape " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String person(int i) {
    return TestData.idNo(OFFICE, LocalDate.of(1981, 2, 3), 700 + i);
  }

  @Test
  void openhis_settlesAStay_inItsOwnShapes() {
    His his = new His("openhis", H1, H1_KEY, infno -> NhsaApi.PATH, true);
    replay(his, person(1), false);
  }

  @Test
  void foshan_settlesAStay_atItsPerInfnoUrl_signedIn() {
    His his = new His("foshan", H3, H3_KEY, infno -> "/ebus/gdyb_inf/poc/hsa/hgs/" + infno, false);
    replay(his, person(2), true);
  }

  @Test
  void hsaHis_settlesAStay_withItsEnvelope_andInfcodeAsAString() {
    His his = new His("hsa-his", H2, H2_KEY, infno -> NhsaApi.PATH, false);
    his.values.put("medfee_sumamt", "50000.00");
    replay(his, person(3), false);
  }

  /** 9001 → 1101 → 2401 → 2301 → 2402 → 2303 → 2304 → 2305/2601 → 3201 → 5206 → 9002. */
  static void replay(His his, String certno, boolean reverseBy2601) {
    JsonNode sign = his.ok("9001", Map.of()).get("signinoutb");
    String signNo = sign.get("sign_no").asText();
    assertThat(signNo).isNotBlank().hasSizeLessThanOrEqualTo(30);
    assertThat(sign.get("sign_time").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(his.ok("9001", Map.of()).get("signinoutb").get("sign_no").asText())
        .as("a second sign-in the same day answers the same sign_no")
        .isEqualTo(signNo);
    if (!his.client.equals("hsa-his")) {
      his.values.put("sign_no", signNo);
    }

    gw.enrol(certno); // the insured register must know the patient (issue 15)
    JsonNode person = his.ok("1101", Map.of("certno", certno));
    JsonNode base = person.get("baseinfo");
    String psnNo = base.get("psn_no").asText();
    assertThat(psnNo).isNotBlank();
    assertThat(base.get("certno").asText()).isEqualTo(certno);
    for (String f : new String[] {"psn_cert_type", "psn_name", "gend", "brdy", "age"}) {
      assertThat(base.hasNonNull(f)).as("baseinfo." + f).isTrue();
    }
    JsonNode insu = person.get("insuinfo").get(0);
    assertThat(insu.get("insutype").asText()).isEqualTo("390");
    assertThat(insu.get("insuplc_admdvs").asText()).isEqualTo(OFFICE);
    his.values.put("psn_no", psnNo);
    his.values.put("certno", certno);

    String mdtrtId =
        his.ok("2401", Map.of("ipt_no", "ZY" + his.client.hashCode()))
            .get("result")
            .get("mdtrt_id")
            .asText();
    assertThat(mdtrtId).isNotBlank();
    his.values.put("mdtrt_id", mdtrtId);

    JsonNode lines = his.ok("2301", Map.of()).get("result");
    assertThat(lines).hasSize(3);
    for (JsonNode line : lines) {
      for (String f :
          new String[] {
            "feedetl_sn", "det_item_fee_sumamt", "cnt", "pric", "selfpay_prop",
            "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt", "chrgitm_lv",
            "lmt_used_flag"
          }) {
        assertThat(line.hasNonNull(f)).as("2301 result[]." + f + " in " + line).isTrue();
      }
      assertThat(line.has("pric_uplmt_amt")).isTrue();
    }
    assertThat(lines.get(0).get("feedetl_sn").asText()).isEqualTo("F0001");

    his.ok("2402", Map.of());

    Map<String, String> settle = Map.of("medfee_sumamt", "50000.00");
    JsonNode preview = his.ok("2303", settle).get("setlinfo");
    assertThat(preview.get("medfee_sumamt").decimalValue()).isEqualByComparingTo("50000.00");
    assertThat(preview.get("setl_id").isNull()).isTrue();

    String settleMsgid = his.msgid();
    JsonNode settled = his.ok("2304", Map.of("medfee_sumamt", "50000.00", "msgid", settleMsgid));
    JsonNode info = settled.get("setlinfo");
    for (String f :
        new String[] {
          "setl_id", "mdtrt_id", "psn_no", "medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay",
          "hifp_pay", "insutype", "clr_type", "medins_setl_id", "psn_part_amt", "acct_pay"
        }) {
      assertThat(info.hasNonNull(f)).as("2304 setlinfo." + f).isTrue();
    }
    assertThat(info.get("medins_setl_id").asText()).isEqualTo(settleMsgid);
    assertThat(info.get("medfee_sumamt").decimalValue())
        .isEqualByComparingTo(
            info.get("fund_pay_sumamt")
                .decimalValue()
                .add(info.get("psn_cash_pay").decimalValue())
                .add(info.get("acct_pay").decimalValue()));
    JsonNode detail = settled.get("setldetail");
    assertThat(detail.size()).isPositive();
    assertThat(detail.get(0).get("fund_pay_type").asText()).isEqualTo("390100");
    assertThat(detail.get(0).hasNonNull("fund_payamt")).isTrue();
    String setlId = info.get("setl_id").asText();

    if (reverseBy2601) {
      his.ok("2601", Map.of("omsgid", settleMsgid, "oinfno", "2304"));
    } else {
      JsonNode reversed = his.ok("2305", Map.of("setl_id", setlId)).get("setlinfo");
      assertThat(reversed.get("medfee_sumamt").decimalValue()).isEqualByComparingTo("-50000.00");
    }

    String today = LocalDate.now(gw.zone()).toString();
    JsonNode stmt =
        his.ok(
                "3201",
                Map.of(
                    "stmt_begndate",
                    today,
                    "stmt_enddate",
                    today,
                    "medfee_sumamt",
                    "0.00",
                    "fund_pay_sumamt",
                    "0.00",
                    "fixmedins_setl_cnt",
                    "0"))
            .get("stmtinfo");
    assertThat(stmt.get("stmt_rslt").asText()).as(stmt.toString()).isEqualTo("0");
    assertThat(stmt.get("setl_optins").asText()).isEqualTo(OFFICE);

    JsonNode cum = his.ok("5206", Map.of()).get("cuminfo");
    assertThat(cum.size()).isPositive();
    for (String f : new String[] {"insutype", "year", "cum_type_code", "cum"}) {
      assertThat(cum.get(0).hasNonNull(f)).as("5206 cuminfo[]." + f).isTrue();
    }

    JsonNode out = his.ok("9002", Map.of("sign_no", signNo)).get("signoutoutb");
    assertThat(out.get("sign_time").asText()).isNotBlank();
  }

  // ---- refusals: always HTTP 200 with an envelope naming the field

  static Response raw(String path, String body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", contentType);
    Signer.national(H1_KEY).forEach(b::header);
    return gw.send(b, null);
  }

  static String openhis1101(Map<String, String> values) {
    String body = template("openhis", "1101");
    Map<String, String> all = new HashMap<>();
    all.put("msgid", H1 + "20180301100000" + String.format("%04d", values.size()));
    all.put("fixmedins_code", H1);
    all.put("opter", "0031");
    all.put("inf_time", "2018-03-01 10:00:00");
    all.put("sign_no", "");
    all.put("certno", person(9));
    all.putAll(values);
    for (Map.Entry<String, String> e : all.entrySet()) {
      body = body.replace("${" + e.getKey() + "}", e.getValue());
    }
    return body;
  }

  static JsonNode refused(Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode e = NhsaClient.parse(r.body());
    assertThat(e.has("code")).as(r.body()).isFalse();
    assertThat(e.get("infcode").asInt()).as(r.body()).isEqualTo(-1);
    assertThat(e.get("err_msg").asText()).as(r.body()).startsWith(field);
    return e;
  }

  @Test
  void pathInfno_mustBeTheEnvelopes() {
    refused(raw(NhsaApi.PATH + "/2401", openhis1101(Map.of()), "application/json"), "infno");
    refused(raw("/hsa/hgs/24O1", openhis1101(Map.of()), "application/json"), "URL");
    JsonNode ok =
        NhsaClient.parse(
            raw("/nhsa/call/1101", openhis1101(Map.of("msgid", "M1")), "application/json").body());
    assertThat(ok.get("infcode").asInt()).as(ok.toString()).isZero();
  }

  @Test
  void badMsgid_isRefused_anyShortTokenIsAccepted() {
    refused(raw(NhsaApi.PATH, openhis1101(Map.of("msgid", "x".repeat(41))), "text/plain"), "msgid");
    refused(raw(NhsaApi.PATH, openhis1101(Map.of("msgid", "a b")), "text/plain"), "msgid");
    JsonNode ok =
        NhsaClient.parse(
            raw(NhsaApi.PATH, openhis1101(Map.of("msgid", "2018030110000012")), "text/plain")
                .body());
    assertThat(ok.get("infcode").asInt()).as(ok.toString()).isZero();
  }

  @Test
  void failuresUnderTheNationalPrefixes_areEnvelopes_neverTheJsonApisError() {
    refused(raw("/fsi/api/other", "{}", "application/json"), "URL");
    refused(raw("/ebus/gdyb_inf/poc/hsa/hgs/2304/x", "{}", "application/json"), "URL");
    Response get = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH)), null);
    refused(get, "method");
    Response noKey =
        gw.send(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/hsa/hgs/1101"))
                .POST(HttpRequest.BodyPublishers.ofString(openhis1101(Map.of()))),
            null);
    refused(noKey, "[UNAUTHENTICATED]");
  }

  @Test
  void envelopeDialects_ambiguousOrMalformed_areRefusedClearly() {
    JsonNode body = NhsaClient.parse(openhis1101(Map.of("msgid", "D1")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("medins_code", H2);
    refused(raw(NhsaApi.PATH, body.toString(), "application/json"), "medins_code");
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("medins_code", H1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("input", "{\"data\":");
    refused(raw(NhsaApi.PATH, body.toString(), "application/json"), "input");
  }

  @Test
  void formBodies_withOneJsonValue_areAccepted_otherwiseRefused() {
    String json = openhis1101(Map.of("msgid", "F1"));
    String form =
        "appid=x&data=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8) + "&v=1";
    JsonNode ok =
        NhsaClient.parse(raw(NhsaApi.PATH, form, "application/x-www-form-urlencoded").body());
    assertThat(ok.get("infcode").asInt()).as(ok.toString()).isZero();
    JsonNode labelled =
        NhsaClient.parse(
            raw(
                    NhsaApi.PATH,
                    openhis1101(Map.of("msgid", "F2")),
                    "application/x-www-form-urlencoded")
                .body());
    assertThat(labelled.get("infcode").asInt()).as(labelled.toString()).isZero();
    refused(raw(NhsaApi.PATH, "a=1&b=2", "application/x-www-form-urlencoded"), "body");
  }

  @Test
  void signInRequired_refusesAMessageWithoutAnOpenSignIn() {
    His his = new His("foshan", H3, H3_KEY, infno -> "/ebus/gdyb_inf/poc/hsa/hgs/" + infno, false);
    JsonNode none = his.post("1101", Map.of("certno", person(4)));
    assertThat(none.get("infcode").asInt()).isEqualTo(-1);
    assertThat(none.get("err_msg").asText()).startsWith("sign_no");
    his.values.put("sign_no", "20180301000000NOTASIGNIN");
    assertThat(his.post("1101", Map.of("certno", person(4))).get("err_msg").asText())
        .startsWith("sign_no");
    String signNo =
        his.ok("9001", Map.of("opter", "0099")).get("signinoutb").get("sign_no").asText();
    his.values.put("sign_no", signNo);
    his.ok("1101", Map.of("certno", person(4)));
    his.ok("9002", Map.of("sign_no", signNo));
    JsonNode after = his.post("1101", Map.of("certno", person(4)));
    assertThat(after.get("err_msg").asText()).startsWith("sign_no");
  }

  @Test
  void infcodeAsString_isSentToTheHospitalThatAskedForIt_onRefusalsToo() {
    His his = new His("hsa-his", H2, H2_KEY, infno -> NhsaApi.PATH, false);
    JsonNode bad = his.post("5206", Map.of("psn_no", "YZ0000000000000000000000000000"));
    assertThat(bad.get("infcode").isTextual()).as(bad.toString()).isTrue();
    assertThat(bad.get("infcode").asText()).isEqualTo("-1");
    JsonNode unsigned =
        NhsaClient.parse(
            gw.send(
                    HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .header("x-tif-paasid", H2)
                        .header("x-tif-signature", "0".repeat(64))
                        .header("x-tif-timestamp", "1")
                        .header("x-tif-nonce", Signer.nonce()),
                    null)
                .body());
    assertThat(unsigned.get("infcode").asText()).isEqualTo("-1");
    assertThat(unsigned.get("infcode").isTextual()).isTrue();
  }
}
