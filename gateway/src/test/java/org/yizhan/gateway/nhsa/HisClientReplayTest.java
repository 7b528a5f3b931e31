package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;
import static org.yizhan.gateway.support.TestGateway.H3_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.security.CsbSignature;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * One inpatient stay replayed in the request shapes of the public HIS clients studied
 * (src/test/resources/his-clients/, docs/nhsa-interface.md "Clients studied"), over the transport
 * each uses, the whole stay the issue names: 9001 → 1101 → 2401 → 2301 (with a refund line) → 2303
 * (a trial before discharge) → 2402 → 2303 → 2304 → 2305 or 2601 → 3201 → 9101 + 3202 by file (and
 * 9102 of its result file) → 5206 → 9002. Every answer is checked against the fields that client
 * reads, listed in {@code his-clients/<client>/reads.json} with the model class each list comes
 * from: each field present and, unless the gateway documents it as null ({@link #NULLABLE}), not
 * null; and amounts that add up.
 *
 * <ul>
 *   <li>openhis (C# HttpWebRequest): the national path, x-tif-* with a dashed Guid nonce and the
 *       platform's {@code apikey} header beside, msgid code + time + 4 digits, nulls written,
 *       9101's file as base64, its body in GBK ({@code Encoding.Default} on a Chinese Windows).
 *   <li>Foshan (C# WebClient): {@code <prefix>/hsa/hgs/<infno>}, x-tif-* only, msgid {@code
 *       yyyyMMddHHmmssff0001} (20), at a hospital that requires sign-in (its sign_no in every
 *       envelope), 2601 instead of 2305, 9101's file as signed byte values, 9102's bytes searched
 *       for "error".
 *   <li>hsa-his (Java HttpURLConnection + fastjson): {@code medins_code}, {@code input} as a JSON
 *       string, 2303/2304/2305 without {@code data}, 2402 under {@code mdtrtinfo}, 9001 without
 *       {@code signIn}, never a sign_no, {@code infcode} read as the string "0" (its hospital is
 *       set to infcodeAsString), 3202 inline as {@code fsUploadIn[]} as it sends it and by file. It
 *       sends no credential at all; the replay adds the x-tif-* headers, the one change such a
 *       hospital has to make.
 *   <li>YbRefund (C# HttpWebRequest): Jiangsu's CSB headers ({@code _api_access_key}, {@code
 *       _api_signature}), its own 9001, 2303 and 2304 bodies, the specification's shapes (as
 *       openhis writes them) for the rest.
 * </ul>
 */
class HisClientReplayTest {
  static final String H2 = "H44520200002";
  static final String H3 = "H44528100003";
  static final String OFFICE = "445202";

  /** The stay's net bill: 50,000.00 uploaded, 2,500.00 taken back by the refund line. */
  static final String NET = "47500.00";

  /**
   * Fields the gateway answers null by design (docs/nhsa-interface.md), by name: setl_id of a
   * preview (2303, as the platform answers one), memo (null unless a line was priced as an unknown
   * item), an enrolment's paus_insu_date while it is open, an identity's endtime while open, the
   * platform's extension field exp_content, psn_type_lv (no disability grade is held), emp_name of
   * a resident (no employer).
   */
  static final Set<String> NULLABLE =
      Set.of("memo", "paus_insu_date", "endtime", "exp_content", "psn_type_lv", "emp_name");

  static TestGateway gw;

  /**
   * The gateway's clock: the shapes' stay is in March 2018 (admitted 03-01, discharged 03-20), the
   * years the policy files cover, so the replay runs on 2018's days: during the stay for the trial
   * 2303, then the day after the discharge. Signatures are made on this clock's time.
   */
  static final SettableClock CLOCK = new SettableClock(Instant.parse("2018-03-10T02:00:00Z"));

  static final Instant DURING_THE_STAY = Instant.parse("2018-03-10T02:00:00Z");
  static final Instant AFTER_THE_STAY = Instant.parse("2018-03-21T02:00:00Z");

  /** msgid sequence numbers, shared by every client of the run so that no two msgids meet. */
  static final AtomicInteger SEQUENCE = new AtomicInteger();

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("YIZHAN_CONFIG_DIR", configDir().toString()), CLOCK);
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

  /** How a client authenticates. */
  enum Auth {
    /** x-tif-* alone. */
    TIF,
    /** x-tif-* and openhis's {@code apikey: 123456} (the platform's API-market key) beside. */
    TIF_AND_PLATFORM_APIKEY,
    /** Jiangsu's CSB headers (YbRefund). */
    CSB
  }

  /** A hospital system of one of the studied clients: its shapes, URL, headers and msgids. */
  static final class His {
    final String client;
    final String hospital;
    final String key;
    final UnaryOperator<String> url;
    final Auth auth;

    /** The client whose shapes stand in where this one has none of its own (YbRefund). */
    String shapesOf;

    /** The charset the client writes its body in. */
    Charset charset = StandardCharsets.UTF_8;

    final Map<String, String> values = new HashMap<>();
    final JsonNode reads;

    His(String client, String hospital, String key, UnaryOperator<String> url, Auth auth) {
      this.client = client;
      this.hospital = hospital;
      this.key = key;
      this.url = url;
      this.auth = auth;
      this.shapesOf = client;
      this.reads = NhsaClient.parse(template(client, "reads"));
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

    String body(String shape, Map<String, String> extra) {
      Map<String, String> all = new HashMap<>(values);
      all.put("msgid", msgid());
      all.put("msgid2", msgid());
      all.putAll(extra);
      String body = shape(shape);
      for (Map.Entry<String, String> e : all.entrySet()) {
        body = body.replace("${" + e.getKey() + "}", e.getValue());
      }
      assertThat(body).doesNotContain("${");
      return body;
    }

    private String shape(String shape) {
      try {
        return template(client, shape);
      } catch (IllegalStateException none) {
        return template(shapesOf, shape);
      }
    }

    HttpRequest.Builder request(String infno, String body) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(gw.baseUrl() + url.apply(infno)))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(charset)))
              .header("Content-Type", "application/json");
      if (auth == Auth.CSB) {
        // a CSB signature covers only its second: time passes between a cashier's messages
        CLOCK.advance(Duration.ofSeconds(1));
        csb(key, hospital, CLOCK.instant().getEpochSecond()).forEach(b::header);
        return b;
      }
      String nonce =
          client.equals("foshan")
              ? UUID.randomUUID().toString().replace("-", "")
              : UUID.randomUUID().toString();
      Signer.national(key, hospital, CLOCK.instant().getEpochSecond(), nonce).forEach(b::header);
      if (auth == Auth.TIF_AND_PLATFORM_APIKEY) {
        b.header("apikey", "123456");
      }
      return b;
    }

    JsonNode post(String shape, Map<String, String> extra) {
      Response r = gw.send(request(shape.substring(0, 4), body(shape, extra)), null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      return NhsaClient.parse(r.body());
    }

    /**
     * Sends and returns the output, failing unless infcode is "0" as the client compares it, and
     * unless the output carries every field the client reads for the infno (reads.json).
     */
    JsonNode ok(String shape, Map<String, String> extra) {
      JsonNode answer = post(shape, extra);
      assertThat(answer.get("infcode").asText())
          .as(client + " " + shape + ": " + answer)
          .isEqualTo("0");
      JsonNode output = answer.get("output");
      checkReads(shape.substring(0, 4), output);
      return output;
    }

    /** Every field this client reads from {@code infno}'s output, present and not null. */
    void checkReads(String infno, JsonNode output) {
      JsonNode read = reads.get(infno);
      if (read == null) {
        return;
      }
      read.fieldNames()
          .forEachRemaining(
              node -> {
                if (node.startsWith("_")) {
                  return;
                }
                boolean array = node.endsWith("[]");
                String name = array ? node.substring(0, node.length() - 2) : node;
                JsonNode at = name.isEmpty() ? output : output.get(name);
                String where = client + " " + infno + " output." + node;
                assertThat(at).as(where + " in " + output).isNotNull();
                List<JsonNode> items = new ArrayList<>();
                if (array) {
                  assertThat(at.isArray()).as(where).isTrue();
                  at.forEach(items::add);
                } else {
                  items.add(at);
                }
                for (JsonNode item : items) {
                  for (JsonNode f : read.get(node)) {
                    String field = f.asText();
                    assertThat(item.has(field)).as(where + "." + field + " in " + item).isTrue();
                    boolean nullable =
                        NULLABLE.contains(field)
                            || ("2303".equals(infno) && "setl_id".equals(field));
                    if (!nullable) {
                      assertThat(item.get(field).isNull())
                          .as(where + "." + field + " is null in " + item)
                          .isFalse();
                    }
                  }
                }
              });
    }
  }

  /**
   * Jiangsu's CSB headers as YbRefund makes them ({@code CSBHelper.sign}): Base64 HMAC-SHA1, keyed
   * with the secret, of the sorted {@code _api_*} pairs; the access key is the hospital's paasid
   * and the secret the one the x-tif-* signature uses (hex SHA-256 of the key).
   */
  static Map<String, String> csb(String apiKey, String paasid, long timestamp) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("_api_timestamp", Long.toString(timestamp));
    h.put("_api_name", "hssServives");
    h.put("_api_version", "1.0.0");
    h.put("_api_access_key", paasid);
    h.put("_api_signature", CsbSignature.sign(new TreeMap<>(h), Digests.sha256Hex(apiKey)));
    return h;
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
  void openhis_settlesAStay_inItsOwnShapes_inGbk() {
    His his = new His("openhis", H1, H1_KEY, infno -> NhsaApi.PATH, Auth.TIF_AND_PLATFORM_APIKEY);
    his.charset = Bodies.GB18030;
    replay(his, person(1), false, File.BASE64);
  }

  @Test
  void foshan_settlesAStay_atItsPerInfnoUrl_signedIn() {
    His his =
        new His("foshan", H3, H3_KEY, infno -> "/ebus/gdyb_inf/poc/hsa/hgs/" + infno, Auth.TIF);
    replay(his, person(2), true, File.BYTE_VALUES);
  }

  @Test
  void hsaHis_settlesAStay_withItsEnvelope_andInfcodeAsAString() {
    His his = new His("hsa-his", H2, H2_KEY, infno -> NhsaApi.PATH, Auth.TIF);
    replay(his, person(3), false, File.BASE64);
  }

  @Test
  void ybRefund_settlesAStay_withJiangsusCsbHeaders() {
    His his = new His("ybrefund", H1, H1_KEY, infno -> NhsaApi.PATH, Auth.CSB);
    his.shapesOf = "openhis";
    replay(his, person(5), false, File.BASE64);
  }

  /** How a client puts a file's bytes into 9101's {@code fsUploadIn.in}. */
  enum File {
    BASE64,
    BYTE_VALUES
  }

  /** The whole stay (see the class comment). */
  static void replay(His his, String certno, boolean reverseBy2601, File file) {
    CLOCK.set(DURING_THE_STAY);
    signIn(his);
    gw.enrol(certno); // the insured register must know the patient (issue 15)
    JsonNode person = his.ok("1101", Map.of("certno", certno));
    JsonNode base = person.get("baseinfo");
    assertThat(base.get("certno").asText()).isEqualTo(certno);
    assertThat(base.get("naty").asText()).isEqualTo("99"); // not held (NationalCodes)
    JsonNode insu = person.get("insuinfo").get(0);
    assertThat(insu.get("insutype").asText()).isEqualTo("390");
    assertThat(insu.get("psn_type").asText()).isEqualTo("1501"); // 普通居民（成年）
    assertThat(insu.get("insuplc_admdvs").asText()).isEqualTo(OFFICE);
    his.values.put("psn_no", base.get("psn_no").asText());
    his.values.put("certno", certno);

    String iptNo = "ZY" + Integer.toHexString(his.client.hashCode());
    JsonNode admitted = his.ok("2401", Map.of("ipt_no", iptNo)).get("result");
    assertThat(admitted.get("ipt_otp_no").asText()).isEqualTo(iptNo);
    his.values.put("mdtrt_id", admitted.get("mdtrt_id").asText());

    uploadFees(his);
    JsonNode trial = his.ok("2303", Map.of("medfee_sumamt", NET)).get("setlinfo");
    assertThat(trial.get("setl_id").isNull()).as("a trial writes nothing").isTrue();
    assertThat(trial.get("medfee_sumamt").decimalValue()).isEqualByComparingTo(NET);

    // the day after the discharge: a new day's sign-in (Foshan's is kept 24 hours)
    CLOCK.set(AFTER_THE_STAY);
    String signNo = signIn(his);
    his.ok("2402", Map.of());
    JsonNode preview = his.ok("2303", Map.of("medfee_sumamt", NET)).get("setlinfo");
    assertThat(preview.get("medfee_sumamt").decimalValue()).isEqualByComparingTo(NET);

    String settleMsgid = his.msgid();
    JsonNode settled = his.ok("2304", Map.of("medfee_sumamt", NET, "msgid", settleMsgid));
    JsonNode info = settled.get("setlinfo");
    assertThat(info.get("medins_setl_id").asText()).isEqualTo(settleMsgid);
    assertThat(info.get("psn_type").asText()).isEqualTo("1501");
    assertThat(info.get("age").decimalValue()).isPositive();
    assertAddsUp(info, settled.get("setldetail"), NET);
    String setlId = info.get("setl_id").asText();
    String fund = info.get("fund_pay_sumamt").decimalValue().toPlainString();

    String reversalId = null;
    if (reverseBy2601) {
      his.ok("2601", Map.of("omsgid", settleMsgid, "oinfno", "2304"));
    } else {
      JsonNode reversed = his.ok("2305", Map.of("setl_id", setlId)).get("setlinfo");
      assertThat(reversed.get("medfee_sumamt").decimalValue()).isEqualByComparingTo("-" + NET);
      reversalId = reversed.get("setl_id").asText();
    }

    String today = LocalDate.now(CLOCK.withZone(gw.zone())).toString();
    JsonNode stmt =
        his.ok(
                "3201",
                Map.of(
                    "stmt_begndate", today,
                    "stmt_enddate", today,
                    "medfee_sumamt", "0.00",
                    "fund_pay_sumamt", "0.00",
                    "fixmedins_setl_cnt", "0"))
            .get("stmtinfo");
    assertThat(stmt.get("stmt_rslt").asText()).as(stmt.toString()).isEqualTo("0");
    assertThat(stmt.get("setl_optins").asText()).isEqualTo(OFFICE);

    reconcileByFile(his, today, setlId, reversalId, fund, file);
    if (his.client.equals("hsa-his")) {
      JsonNode inline =
          his.ok(
              "3202",
              Map.of(
                  "stmt_begndate",
                  today,
                  "stmt_enddate",
                  today,
                  "setl_id",
                  setlId,
                  "setl_id2",
                  reversalId,
                  "medfee_sumamt",
                  NET,
                  "fund_pay_sumamt",
                  fund));
      assertThat(inline.get("stmtinfo").get("stmt_rslt").asText()).isEqualTo("0");
    }

    JsonNode cum = his.ok("5206", Map.of()).get("cuminfo");
    assertThat(cum.size()).isPositive();
    his.ok("9002", Map.of("sign_no", signNo));
  }

  /** 9001, twice the same day (the same sign_no); the sign_no then goes in every envelope. */
  static String signIn(His his) {
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
    return signNo;
  }

  /** 2301 of three lines, then a refund line (退单) taking back one of F0002's four. */
  static void uploadFees(His his) {
    JsonNode lines = his.ok("2301", Map.of()).get("result");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("feedetl_sn").asText()).isEqualTo("F0001");
    assertThat(lines.get(0).get("pric_uplmt_amt").decimalValue()).isPositive();
    JsonNode refund = his.ok("2301-refund", Map.of()).get("result");
    assertThat(refund).hasSize(1);
    assertThat(refund.get(0).get("feedetl_sn").asText()).isEqualTo("F0004");
    assertThat(refund.get(0).get("det_item_fee_sumamt").decimalValue())
        .isEqualByComparingTo("-2500.00");
    assertThat(refund.get(0).get("cnt").decimalValue()).isEqualByComparingTo("-1");
  }

  /** setlinfo's money identity and setldetail's funds against it. */
  static void assertAddsUp(JsonNode info, JsonNode detail, String total) {
    BigDecimal medfee = info.get("medfee_sumamt").decimalValue();
    assertThat(medfee).isEqualByComparingTo(total);
    assertThat(medfee)
        .isEqualByComparingTo(
            info.get("fund_pay_sumamt")
                .decimalValue()
                .add(info.get("psn_cash_pay").decimalValue())
                .add(info.get("acct_pay").decimalValue()));
    BigDecimal funds = BigDecimal.ZERO;
    for (JsonNode d : detail) {
      funds = funds.add(d.get("fund_payamt").decimalValue());
    }
    assertThat(funds).isEqualByComparingTo(info.get("fund_pay_sumamt").decimalValue());
    assertThat(detail.get(0).get("fund_pay_type").asText()).isEqualTo("390100");
  }

  /**
   * 9101 the detail file (the spec's tab-separated lines, zipped), 3202 naming it, then 9102 of
   * 3202's result file. With 2305 the file holds the settlement and its reversal and agrees; after
   * 2601 the system holds no reversal id (2601 answers none), so its file has the settlement only
   * and 3202 reports the gateway's reversal row (stmt_rslt 1), which the result file names.
   */
  static void reconcileByFile(
      His his, String day, String setlId, String reversalId, String fund, File file) {
    String mdtrt = his.values.get("mdtrt_id");
    String psn = his.values.get("psn_no");
    String text = setlId + "\t" + mdtrt + "\t" + psn + "\t" + NET + "\t" + fund + "\t0.00\t0\t\n";
    if (reversalId != null) {
      text += reversalId + "\t" + mdtrt + "\t" + psn + "\t-" + NET + "\t-" + fund + "\t0.00\t1\t\n";
    }
    byte[] zip = FileTransactions.zip("scmxdz.txt", text);
    Map<String, String> upload = new HashMap<>();
    if (file == File.BASE64) {
      upload.put("file_base64", Base64.getEncoder().encodeToString(zip));
    } else {
      StringJoiner values = new StringJoiner(",");
      for (byte b : zip) {
        values.add(Integer.toString(b));
      }
      upload.put("file_bytes", values.toString());
    }
    JsonNode uploaded = his.ok("9101", upload);
    String fileNo = uploaded.get("file_qury_no").asText();
    Map<String, String> ask = new HashMap<>();
    ask.put("file_qury_no", fileNo);
    ask.put("stmt_begndate", day);
    ask.put("stmt_enddate", day);
    ask.put("medfee_sumamt", reversalId == null ? NET : "0.00");
    ask.put("fund_pay_sumamt", reversalId == null ? fund : "0.00");
    ask.put("cash_payamt", "0.00");
    ask.put("fixmedins_setl_cnt", reversalId == null ? "1" : "0");
    JsonNode stmt = his.ok(his.client.equals("hsa-his") ? "3202-file" : "3202", ask);
    checkThe3202(his, stmt);
    // this stay's lines (YbRefund's replay settles at openhis's hospital the same day)
    List<String> rows =
        resultFile(his, stmt.get("fileinfo")).stream()
            .filter(row -> row.split("\t", -1)[1].equals(mdtrt))
            .toList();
    assertThat(rows).hasSize(2);
    for (String row : rows) {
      String[] f = row.split("\t", -1); // psn_no, mdtrt_id, setl_id, msgid, stmt_rslt, refd, …
      assertThat(f[0]).isEqualTo(psn);
      boolean reversal = f[5].equals("1");
      assertThat(f[4]).as(row).isEqualTo(reversalId == null && reversal ? "1" : "0");
      assertThat(f[2]).isEqualTo(reversal && reversalId != null ? reversalId : f[2]);
      if (!reversal) {
        assertThat(f[2]).isEqualTo(setlId);
      }
    }
    for (JsonNode differing : stmt.get("result")) {
      if (differing.get("mdtrt_id").asText().equals(mdtrt)) {
        assertThat(reversalId).as("only a 2601's reversal differs: " + differing).isNull();
        assertThat(differing.get("stmt_rslt").asText()).isEqualTo("1");
        assertThat(differing.get("refd_setl_flag").asText()).isEqualTo("1");
      }
    }
    JsonNode refused = downloadRefused(his);
    assertThat(refused.get("err_msg").asText()).startsWith("input.fsDownloadIn.file_qury_no");
  }

  static void checkThe3202(His his, JsonNode stmt) {
    assertThat(stmt.get("fileinfo").get("file_qury_no").asText()).isNotBlank();
    assertThat(stmt.get("stmtinfo").get("setl_optins").asText()).isEqualTo(OFFICE);
  }

  /** 9102 of a fileinfo: the body is the file's bytes; the lines of its one text. */
  static List<String> resultFile(His his, JsonNode fileinfo) {
    String body =
        his.body(
            "9102",
            Map.of(
                "file_qury_no",
                fileinfo.get("file_qury_no").asText(),
                "filename",
                fileinfo.get("filename").asText()));
    HttpResponse<byte[]> r = bytes(his.request("9102", body));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    // how the Foshan client tells a file from a refusal (AbstractService.CallService, 9102)
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("error");
    return FileTransactions.unpack(r.body(), "9102").strip().lines().toList();
  }

  /** A 9102 of a file that is not there: an envelope the client can tell from a file. */
  static JsonNode downloadRefused(His his) {
    String body = his.body("9102", Map.of("file_qury_no", "FNOSUCHFILE", "filename", "x.zip"));
    HttpResponse<byte[]> r = bytes(his.request("9102", body));
    assertThat(r.statusCode()).isEqualTo(200);
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(text).contains("error"); // the Foshan client's test of a failed download
    JsonNode e = NhsaClient.parse(text);
    assertThat(e.get("infcode").asText()).isEqualTo("-1");
    assertThat(e.get("error").asText()).isEqualTo(e.get("err_msg").asText());
    return e;
  }

  static HttpResponse<byte[]> bytes(HttpRequest.Builder b) {
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- refusals: always HTTP 200 with an envelope naming the field

  static Response raw(String path, String body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", contentType);
    Signer.national(H1_KEY, H1, CLOCK.instant().getEpochSecond(), Signer.nonce())
        .forEach(b::header);
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
  void admission_iptNoAndIptOtpNoDisagreeing_isRefusedNamingIptOtpNo() {
    His his = new His("openhis", H1, H1_KEY, infno -> NhsaApi.PATH, Auth.TIF);
    his.values.put("psn_no", "YZ0123456789abcdef0123456789ab");
    his.values.put("certno", person(9));
    ObjectNode body = (ObjectNode) NhsaClient.parse(his.body("2401", Map.of("ipt_no", "ZY1")));
    ((ObjectNode) body.get("input").get("mdtrtinfo")).put("ipt_otp_no", "ZY2");
    refused(raw(NhsaApi.PATH, body.toString(), "application/json"), "input.mdtrtinfo.ipt_otp_no");
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
    His his =
        new His("foshan", H3, H3_KEY, infno -> "/ebus/gdyb_inf/poc/hsa/hgs/" + infno, Auth.TIF);
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
  void csbHeaders_aReplayedOrWrongSignature_isRefusedNamingTheHeader() {
    CLOCK.set(Instant.parse("2018-05-01T02:00:00Z")); // seconds no replay signs in
    Map<String, String> headers = csb(H1_KEY, H1, CLOCK.instant().getEpochSecond() + 7);
    String body = openhis1101(Map.of("msgid", "CSB1"));
    HttpRequest.Builder first =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(first::header);
    JsonNode ok = NhsaClient.parse(gw.send(first, null).body());
    assertThat(ok.get("infcode").asInt()).as(ok.toString()).isZero();

    HttpRequest.Builder again =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(openhis1101(Map.of("msgid", "CSB2"))));
    headers.forEach(again::header);
    refused(gw.send(again, null), "[REPLAYED_NONCE] _api_signature was already used");

    Map<String, String> forged = new LinkedHashMap<>(headers);
    forged.put("_api_timestamp", Long.toString(CLOCK.instant().getEpochSecond() + 8));
    HttpRequest.Builder wrong =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    forged.forEach(wrong::header);
    refused(gw.send(wrong, null), "[BAD_SIGNATURE] _api_signature does not match");

    Map<String, String> stale = csb(H1_KEY, H1, CLOCK.instant().getEpochSecond() - 3600);
    HttpRequest.Builder old =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    stale.forEach(old::header);
    refused(gw.send(old, null), "[STALE_REQUEST] _api_timestamp");
  }

  /** openhis's main path: the platform's API-market key alone names nobody (docs/security.md). */
  @Test
  void openhisPlatformApikeyAlone_isRefused() {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(openhis1101(Map.of("msgid", "AK1"))))
            .header("Content-Type", "application/json")
            .header("apikey", "123456");
    refused(gw.send(b, null), "[UNAUTHENTICATED]");
  }

  @Test
  void gbkBody_isReadAsGbk_andABodyInNeitherIsRefused() {
    String body = openhis1101(Map.of("msgid", "GBK1"));
    HttpRequest.Builder labelled =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(Bodies.GB18030)))
            .header("Content-Type", "application/json; charset=GBK");
    Signer.national(H1_KEY, H1, CLOCK.instant().getEpochSecond(), Signer.nonce())
        .forEach(labelled::header);
    JsonNode ok = NhsaClient.parse(gw.send(labelled, null).body());
    assertThat(ok.get("infcode").asInt()).as(ok.toString()).isZero();
    assertThat(ok.get("output").get("baseinfo").get("psn_name").asText()).isEqualTo("林秀英");

    byte[] neither = body.replace("林秀英", "LXY").getBytes(StandardCharsets.UTF_8);
    neither[neither.length - 3] = (byte) 0x80; // a lone 0x80: neither UTF-8 nor GB18030
    HttpRequest.Builder bad =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofByteArray(neither))
            .header("Content-Type", "application/json");
    Signer.national(H1_KEY, H1, CLOCK.instant().getEpochSecond(), Signer.nonce())
        .forEach(bad::header);
    refused(gw.send(bad, null), "body is neither UTF-8 nor GBK/GB18030 text");
    HttpRequest.Builder latin =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaApi.PATH))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/json; charset=big5");
    Signer.national(H1_KEY, H1, CLOCK.instant().getEpochSecond(), Signer.nonce())
        .forEach(latin::header);
    refused(gw.send(latin, null), "body is declared in charset big5");
  }

  @Test
  void infcodeAsString_isSentToTheHospitalThatAskedForIt_onRefusalsToo() {
    His his = new His("hsa-his", H2, H2_KEY, infno -> NhsaApi.PATH, Auth.TIF);
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
