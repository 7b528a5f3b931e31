package org.yizhan.gateway.infra.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * The streaming reader answers every body exactly as the tree reader it replaced on the claim's
 * path ({@link Json#parse}, then {@link Fields}): the same refusal code naming the same field, or
 * the same values. Each body is read both ways, in a shape like a claim's (plain fields and an
 * array of objects), and the outcomes compared; the bodies are the hostile ones of the HTTP suites
 * and more (limits, duplicate keys at any depth, text that is not well-formed in names and values
 * at nested paths, trailing tokens, other encodings).
 */
class JsonStreamTest {
  static final Set<String> TOP = Set.of("a", "n", "items");
  static final Set<String> ITEM = Set.of("x", "q");
  static final Shape SHAPE = Shape.of("a", "n", "items").withArray("items", Shape.of("x", "q"), 3);
  static final Pattern ANY = Pattern.compile(".{0,100}", Pattern.DOTALL);

  /** What the tree reader made of a body: the refusal, or the values read in order. */
  static String byTree(byte[] body) {
    try {
      JsonNode root = Json.parse(body);
      Fields f = Fields.of(root, "", TOP);
      List<String> out = new ArrayList<>();
      out.add(f.text("a", ANY, "text", false));
      out.add(String.valueOf(f.raw("n") == null ? null : f.decimal("n", 2, BigDecimal.TEN)));
      JsonNode items = f.raw("items");
      if (items == null) {
        throw Refusal.missing("items");
      }
      if (!items.isArray()) {
        throw Refusal.invalid("items", "must be an array");
      }
      out.add("count " + items.size());
      for (int i = 0; i < Math.min(items.size(), 3); i++) {
        Fields item = Fields.of(items.get(i), "items[" + i + "]", ITEM);
        out.add(item.text("x", ANY, "text", true));
        out.add(String.valueOf(item.decimal("q", 4, BigDecimal.valueOf(1000))));
      }
      return String.join("|", out);
    } catch (Refusal r) {
      return r.code() + " " + r.field();
    }
  }

  /** The same reading by streaming. */
  static String byStream(byte[] body) {
    try {
      StreamedObject f = JsonStream.read(body, SHAPE).known();
      List<String> out = new ArrayList<>();
      out.add(f.text("a", ANY, "text", false));
      String n;
      try {
        n = String.valueOf(f.decimal("n", 2, BigDecimal.TEN));
      } catch (Refusal r) {
        if (!r.code().equals("MISSING_FIELD")) {
          throw r;
        }
        n = "null";
      }
      out.add(n);
      StreamedObject.Items items = f.items("items");
      out.add("count " + items.count());
      for (int i = 0; i < Math.min(items.count(), 3); i++) {
        StreamedObject item = f.element("items", items, i);
        out.add(item.text("x", ANY, "text", true));
        out.add(String.valueOf(item.decimal("q", 4, BigDecimal.valueOf(1000))));
      }
      return String.join("|", out);
    } catch (Refusal r) {
      return r.code() + " " + r.field();
    }
  }

  static Stream<String> bodies() {
    String ok =
        "{\"a\":\"甲\",\"n\":1.5,\"items\":[{\"x\":\"y\",\"q\":\"2.5\"},{\"x\":\"z\",\"q\":3}]}";
    return Stream.of(
        ok,
        " " + ok + " \n",
        "\ufeff" + ok,
        ok + "x",
        ok + ok,
        ok + "}",
        ok.substring(0, 20),
        "",
        "   ",
        "null",
        "123",
        "\"text\"",
        "\"\\ud800\"",
        "[]",
        "[1,2]",
        "true",
        "{",
        "}",
        "{\"a\":1,}",
        "[1,2,]",
        "{\"a\" 1}",
        "{/* c */\"a\":\"b\",\"items\":[]}",
        "{'a':'b'}",
        "{\"a\":\"\\x41\",\"items\":[]}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"unterminated",
        "{\"a\":\"b\",\"a\":\"c\",\"items\":[]}",
        "{\"items\":[{\"x\":\"1\",\"x\":\"2\",\"q\":1}]}",
        "{\"items\":[],\"zz\":{\"k\":1,\"k\":2}}",
        "{\"items\":[],\"zz\":{\"k\":\"\\ud800\"}}",
        "{\"items\":[],\"zz\":[[\"ok\",\"\\udc00\"]]}",
        "{\"\\ud800\":1,\"items\":[]}",
        "{\"items\":[{\"\\ud800\":1}]}",
        "{\"a\":\"a\\u0000b\",\"items\":[]}",
        "{\"items\":[{\"x\":\"\\ud800y\",\"q\":1}]}",
        "{\"items\":[{\"x\":\"ok\",\"q\":1},{\"x\":\"b\\u0000\",\"q\":1}],\"a\":\"\\ud800\"}",
        "{\"a\":\"\\ud800\",\"items\":[1,}",
        "{\"extra\":1,\"a\":\"b\",\"items\":[]}",
        "{\"a\":\"b\",\"items\":[{\"x\":\"y\",\"q\":1,\"d\":2}]}",
        "{\"a\":\"b\"}",
        "{\"a\":\"b\",\"items\":null}",
        "{\"a\":\"b\",\"items\":\"x\"}",
        "{\"a\":\"b\",\"items\":{\"x\":1}}",
        "{\"a\":\"b\",\"items\":[1]}",
        "{\"a\":\"b\",\"items\":[[]]}",
        "{\"a\":\"b\",\"items\":[null]}",
        "{\"a\":5,\"items\":[]}",
        "{\"a\":true,\"items\":[]}",
        "{\"a\":[\"b\"],\"items\":[]}",
        "{\"a\":null,\"n\":null,\"items\":[]}",
        "{\"n\":\"1.005\",\"items\":[]}",
        "{\"n\":1.005,\"items\":[]}",
        "{\"n\":11,\"items\":[]}",
        "{\"n\":-10.00,\"items\":[]}",
        "{\"n\":1e1,\"items\":[]}",
        "{\"n\":1E-2,\"items\":[]}",
        "{\"n\":\" 1.5 \",\"items\":[]}",
        "{\"n\":\"１\",\"items\":[]}",
        "{\"n\":\"1,5\",\"items\":[]}",
        "{\"n\":\"\",\"items\":[]}",
        "{\"n\":\"e5\",\"items\":[]}",
        "{\"n\":true,\"items\":[]}",
        "{\"n\":{},\"items\":[]}",
        "{\"n\":" + "1".repeat(41) + ",\"items\":[]}",
        "{\"n\":\"" + "1".repeat(41) + "\",\"items\":[]}",
        "{\"a\":\"" + "x".repeat(70_000) + "\",\"items\":[]}",
        "{\"items\":[],\"deep\":" + "[".repeat(20) + "]".repeat(20) + "}",
        "{\"items\":[],\"deep\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20) + "}",
        "{\"items\":[{\"x\":\"1\",\"q\":1},{\"x\":\"2\",\"q\":2},{\"x\":\"3\",\"q\":3},{\"x\":\"4\"}]}",
        "{\"items\":[{\"x\":\"1\",\"q\":1},{\"x\":\"2\",\"q\":2},{\"x\":\"3\",\"q\":3},{\"x\":\"\\ud800\"}]}",
        "{\"items\":[{\"x\":\"1\",\"q\":1},{\"x\":\"2\",\"q\":2},{\"x\":\"3\",\"q\":3},5,}",
        "{\"items\":[{\"x\":\"y\",\"q\":0.00001}]}",
        "{\"items\":[{\"x\":\"y\"}]}",
        "{\"items\":[{\"q\":1}]}");
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void aBody_isAnsweredAlike_byStreamAndByTree(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(byStream(bytes)).as(abbreviate(body)).isEqualTo(byTree(bytes));
  }

  @Test
  void theOutcomes_areTheExpectedOnes() {
    assertThat(
            byStream(
                "{\"a\":\"甲\",\"n\":1.5,\"items\":[{\"x\":\"y\",\"q\":\"2.5\"},{\"x\":\"z\",\"q\":3}]}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("甲|150|count 2|y|25000|z|30000");
    assertThat(byStream("{\"a\":\"b\",\"a\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("MALFORMED_JSON body");
    assertThat(
            byStream(
                "{\"items\":[],\"zz\":[[\"ok\",\"\\udc00\"]]}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("INVALID_TEXT zz[0][1]");
    assertThat(
            byStream(
                "{\"items\":[{\"x\":\"y\",\"q\":1,\"d\":2}]}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("UNKNOWN_FIELD items[0].d");
    assertThat(byStream("{\"items\":[{\"x\":\"y\"}]}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("MISSING_FIELD items[0].q");
  }

  @Test
  void otherEncodingsAndBadBytes_areAnsweredAlike() {
    String ok = "{\"a\":\"甲\",\"items\":[]}";
    List<byte[]> bodies =
        List.of(
            ok.getBytes(StandardCharsets.UTF_16),
            ok.getBytes(StandardCharsets.UTF_16LE),
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0x80, (byte) 0xFF, '"', '}'},
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
            new byte[] {'{', '"', 'a', '"', ':', '"', 0, 1, 27, '"', '}'});
    for (byte[] b : bodies) {
      assertThat(byStream(b)).isEqualTo(byTree(b));
    }
  }

  @Test
  void theArray_keepsAtMostItsBound_andCountsEveryElement() {
    StringBuilder b = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 10; i++) {
      b.append(i == 0 ? "" : ",").append("{\"x\":\"").append(i).append("\",\"q\":1}");
    }
    StreamedObject f =
        JsonStream.read(b.append("]}").toString().getBytes(StandardCharsets.UTF_8), SHAPE);
    assertThat(f.items("items").count()).isEqualTo(10);
    assertThat(f.items("items").kept()).hasSize(3);
  }

  @Test
  void aFieldOutsideTheShape_isAProgrammingError() {
    StreamedObject f = JsonStream.read("{\"items\":[]}".getBytes(StandardCharsets.UTF_8), SHAPE);
    assertThatThrownBy(() -> f.text("nope", ANY, "text", false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + " chars)" : s;
  }

  /**
   * Duplicate keys are found by the streaming reader itself (not by Jackson's detector): at any
   * depth, inside and outside the shape, and before or after other faults, the refusal is the tree
   * reader's word for word.
   */
  @ParameterizedTest
  @MethodSource("duplicates")
  void duplicateKeys_refusedWithTheTreeReadersMessage(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(message(() -> JsonStream.read(bytes, SHAPE).known()))
        .isEqualTo(message(() -> Json.parse(bytes)))
        .startsWith("MALFORMED_JSON body");
  }

  static Stream<String> duplicates() {
    String longName = "k".repeat(300);
    return Stream.of(
        "{\"a\":\"b\",\"a\":\"c\",\"items\":[]}",
        "{\"a\":\"b\",\"a\":\"c\",\"items\":[1,}",
        "{\"items\":[{\"x\":\"1\",\"x\":\"2\",\"q\":1}]}",
        "{\"items\":[{\"x\":\"1\",\"q\":1},{},{},{},{\"q\":1,\"q\":1}]}",
        "{\"items\":[{\"u\":1,\"v\":2,\"u\":3}]}",
        "{\"items\":[],\"zz\":{\"k\":1,\"k\":2}}",
        "{\"zz\":1,\"zz\":2,\"items\":[]}",
        "{\"zz\":[{\"k\":{\"m\":1,\"m\":2}}],\"items\":[]}",
        "{\"\\ud800\":1,\"\\ud800\":2,\"items\":[]}",
        "{\"a\":\"\\ud800\",\"items\":[],\"a\":\"x\"}",
        "{\"" + longName + "\":1,\"" + longName + "\":2}",
        "{\"a\":1,\"n\":2,\"items\":[],\"a\":{}}");
  }

  private static String message(Runnable read) {
    try {
      read.run();
      return "read";
    } catch (Refusal r) {
      return r.code() + " " + r.field() + " " + r.getMessage();
    }
  }
}
