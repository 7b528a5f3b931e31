package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A body's charset: UTF-8 or GBK, decoded strictly, by label or by what the bytes are. */
class BodiesTest {
  static final String TEXT = "{\"psn_name\":\"林秀英\",\"opter_name\":\"陈晓敏\"}";

  @ParameterizedTest(name = "{0} labelled {1}")
  @CsvSource({
    "UTF-8, ",
    "UTF-8, utf-8",
    "GB18030, ",
    "GB18030, GBK",
    "GB18030, gb2312",
    "GB18030, GB18030",
  })
  void body_isReadAsUtf8_whateverItWasWrittenIn(String written, String label) {
    byte[] bytes = TEXT.getBytes(java.nio.charset.Charset.forName(written));
    byte[] read = Bodies.utf8(bytes, label == null ? null : label.toLowerCase());
    assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo(TEXT);
  }

  @Test
  void charset_isReadFromTheContentType() {
    assertThat(Bodies.charset("application/json; charset=\"GBK\"")).isEqualTo("gbk");
    assertThat(Bodies.charset("application/json;charset=utf-8")).isEqualTo("utf-8");
    assertThat(Bodies.charset("application/json")).isNull();
    assertThat(Bodies.charset(null)).isNull();
  }

  @Test
  void validUtf8_agreesWithTheStrictDecoder_acrossItsBuffer() {
    String longText = "林".repeat(Bodies.CHECK_CHARS * 3 + 1);
    assertThat(Bodies.validUtf8(longText.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Bodies.validUtf8(longText.getBytes(Bodies.GB18030))).isFalse();
    assertThat(Bodies.validUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse();
    assertThat(Bodies.validUtf8(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse();
    assertThat(Bodies.validUtf8(new byte[] {(byte) 0xE6, (byte) 0x9E})).isFalse();
  }

  @Test
  void neitherUtf8NorGbk_orAnotherCharset_isRefusedNamingTheBody() {
    byte[] bad = {'{', (byte) 0x80, '}'};
    assertThatThrownBy(() -> Bodies.utf8(bad, null))
        .hasMessage("body is neither UTF-8 nor GBK/GB18030 text");
    assertThatThrownBy(() -> Bodies.utf8(bad, "gbk")).hasMessage("body is not GBK/GB18030 text");
    byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Bodies.utf8(utf8, "big5"))
        .hasMessageStartingWith("body is declared in charset big5");
  }
}
