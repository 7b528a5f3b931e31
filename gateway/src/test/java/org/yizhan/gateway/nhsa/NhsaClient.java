package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * A hospital system speaking the national interface to a test gateway: request bodies come from the
 * fixtures under {@code src/test/resources/nhsa/} (shaped as a HIS integration sends them), with
 * {@code ${name}} placeholders filled in; each message gets a new msgid.
 */
final class NhsaClient {
  static final String PATH = "/fsi/api/rsfComIfsService/callService";

  /** Reads numbers as exact decimals keeping their scale, so "0.2000" stays "0.2000". */
  static final ObjectMapper EXACT =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  private final TestGateway gw;
  private final String key;
  private final String fixmedinsCode;
  private final AtomicInteger sequence = new AtomicInteger();

  NhsaClient(TestGateway gw, String key, String fixmedinsCode) {
    this.gw = gw;
    this.key = key;
    this.fixmedinsCode = fixmedinsCode;
  }

  /** fixmedins_code (12) + yyyyMMddHHmmss (14) + a sequence (4). */
  String nextMsgid() {
    int n = sequence.incrementAndGet();
    return fixmedinsCode + String.format("20180301%06d%04d", n / 10_000, n % 10_000);
  }

  /** A fixture with its placeholders filled ({@code msgid} and {@code fixmedins_code} too). */
  String body(String infno, Map<String, String> values) {
    Map<String, String> all = new HashMap<>(values);
    all.putIfAbsent("msgid", nextMsgid());
    all.putIfAbsent("fixmedins_code", fixmedinsCode);
    String text = fixture(infno);
    for (Map.Entry<String, String> e : all.entrySet()) {
      text = text.replace("${" + e.getKey() + "}", e.getValue());
    }
    return text;
  }

  static String fixture(String infno) {
    try (InputStream in = NhsaClient.class.getResourceAsStream("/nhsa/" + infno + ".json")) {
      if (in == null) {
        throw new IllegalStateException("no fixture nhsa/" + infno + ".json");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response post(String body) {
    return gw.post(PATH, key, body);
  }

  /** Sends a fixture and returns the answer's envelope, whatever its infcode. */
  JsonNode send(String infno, Map<String, String> values) {
    return parse(post(body(infno, values)).body());
  }

  /** Sends a fixture and returns its {@code output}, failing unless infcode is 0. */
  JsonNode ok(String infno, Map<String, String> values) {
    JsonNode answer = send(infno, values);
    if (answer.get("infcode").asInt() != 0) {
      throw new AssertionError(infno + " refused: " + answer.get("err_msg").asText());
    }
    return answer.get("output");
  }

  /** A 2301 of one line, made from the fixture's first line. */
  String upload(
      Map<String, String> ids,
      String msgid,
      String sn,
      String code,
      String cnt,
      String pric,
      String amount) {
    Map<String, String> values = new HashMap<>(ids);
    values.put("msgid", msgid);
    ObjectNode body = (ObjectNode) parse(body("2301", values));
    ArrayNode lines = (ArrayNode) body.get("input").get("feedetail");
    ObjectNode line = (ObjectNode) lines.get(0);
    line.put("feedetl_sn", sn).put("med_list_codg", code).put("cnt", cnt).put("pric", pric);
    line.put("det_item_fee_sumamt", amount);
    lines.remove(2);
    lines.remove(1);
    return body.toString();
  }

  static JsonNode parse(String json) {
    try {
      return EXACT.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String money(JsonNode n) {
    return n.decimalValue().setScale(2).toPlainString();
  }
}
