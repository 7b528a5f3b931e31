package org.yizhan.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.policy.Policy;

/** The policy's out-of-pocket line (因病致贫 candidates, issue 19 item 5): default and checks. */
class OutOfPocketLineTest {
  static String reference() throws IOException {
    return Files.readString(Path.of("..", "config", "policies", "445200-RESIDENT-2018.yaml"));
  }

  @Test
  void shippedPolicy_setsTenThousandYuan() throws IOException {
    assertThat(PolicyFiles.parseDocument("p.yaml", reference()).outOfPocketLineFen())
        .isEqualTo(1_000_000L);
  }

  @Test
  void absentLine_isTheDefault() throws IOException {
    String text = reference().replace("outOfPocketLine: 10000\n", "");
    assertThat(text).doesNotContain("outOfPocketLine");

    assertThat(PolicyFiles.parseDocument("p.yaml", text).outOfPocketLineFen())
        .isEqualTo(Policy.DEFAULT_OUT_OF_POCKET_LINE_FEN);
  }

  @Test
  void lineWithFen_isKeptExactly() throws IOException {
    String text = reference().replace("outOfPocketLine: 10000", "outOfPocketLine: 8500.55");

    assertThat(PolicyFiles.parseDocument("p.yaml", text).outOfPocketLineFen()).isEqualTo(850_055L);
  }

  @ParameterizedTest
  @CsvSource({
    "0, more than 0",
    "-1, must not be negative",
    "1000000.01, at most",
    "12.345, 2 decimals",
    "ten, "
  })
  void badLine_isRefusedNamingTheField(String value, String why) throws IOException {
    String text = reference().replace("outOfPocketLine: 10000", "outOfPocketLine: " + value);

    assertThatThrownBy(() -> PolicyFiles.parseDocument("p.yaml", text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("outOfPocketLine")
        .hasMessageContaining(why == null ? "" : why);
  }

  @Test
  void notAMapping_isRefused() {
    assertThatThrownBy(() -> PolicyFiles.parseDocument("p.yaml", "- 1\n- 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mapping");
  }
}
