package org.yizhan.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.core.policy.UnknownItems;

/** The shipped policy files, and what a bad one is told. */
class PolicyFilesTest {
  static final Path SHIPPED = Path.of("..", "config", "policies");

  @Test
  void shippedReferencePolicy_isExactlyTheRulesPage() {
    Policy loaded = PolicyFiles.loadFile(SHIPPED.resolve("445200-RESIDENT-2018.yaml"));
    assertThat(loaded).isEqualTo(ReferencePolicy.policy());
  }

  @Test
  void shippedPolicies_loadAndDiffer() {
    PolicyBook book = PolicyFiles.load(SHIPPED);
    Policy y2018 = book.find("445202", "RESIDENT", LocalDate.of(2018, 6, 1)).orElseThrow();
    Policy y2019 = book.find("445202", "RESIDENT", LocalDate.of(2019, 6, 1)).orElseThrow();
    Policy gz = book.find("440104", "RESIDENT", LocalDate.of(2018, 6, 1)).orElseThrow();
    assertThat(y2018.id().toString()).isEqualTo("445200/RESIDENT/2018");
    assertThat(y2019.id().toString()).isEqualTo("445200/RESIDENT/2019");
    assertThat(gz.id().toString()).isEqualTo("440100/RESIDENT/2018");
    assertThat(y2019.basic()).isNotEqualTo(y2018.basic());
    assertThat(y2019.criticalIllness().includePreSelfPay()).isTrue();
    assertThat(y2019.overallCapRatio()).isNotNull();
    assertThat(gz.basic().deductibleFenByLevel())
        .isNotEqualTo(y2018.basic().deductibleFenByLevel());
  }

  static Stream<Arguments> badEdits() {
    return Stream.of(
        edit("annualCap: 150000", "annualCapp: 150000", "basic.annualCapp: unknown key"),
        edit("  annualCap: 150000\n", "", "basic.annualCap: is required"),
        edit(
            "upTo: 30000, ratio: 0.65}",
            "upTo: 30000, ratio: 0.65001}",
            "basic.ratio.3[0].ratio: must be a ratio with at most 4 decimals"),
        edit(
            "threshold: 10000",
            "threshold: 10000.001",
            "criticalIllness.threshold: must be yuan with at most 2 decimals"),
        edit(
            "deductible: {1: 200, 2: 500, 3: 1000}",
            "deductible: {1: 200, 2: 500, 4: 1000}",
            "basic.deductible.4: hospital level must be 1, 2 or 3"),
        edit("ILLNESS_POOR:", "ILL:", "identities.ILL: unknown identity 'ILL'"),
        edit(
            "{upTo: 70000, ratio: 0.70}",
            "{upTo: 20000, ratio: 0.70}",
            "basic.ratio.3: band 2: upTo must increase"),
        edit("validTo: 2018-12-31", "validTo: 2018-13-31", "validTo: must be a date like"),
        edit(
            "includePreSelfPay: false",
            "includePreSelfPay: nope",
            "criticalIllness.includePreSelfPay: must be true or false"),
        edit("region: \"445200\"", "region: \"4452\"", "region: must be a 6-digit region code"),
        edit(
            "unknownItems: SELF_PAY",
            "unknownItems: REJECT",
            "unknownItems: unknown setting 'REJECT'; expected one of [SELF_PAY, REFUSE]"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badEdits")
  void badPolicyFile_isRefusedNamingFileAndField(
      String from, String to, String message, @TempDir Path dir) throws IOException {
    String text = Files.readString(SHIPPED.resolve("445200-RESIDENT-2018.yaml"));
    assertThat(text).contains(from);
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, text.replace(from, to));

    assertThatThrownBy(() -> PolicyFiles.loadFile(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bad.yaml: " + message);
  }

  @Test
  void unknownItems_refuseLoads_andAbsentMeansSelfPay(@TempDir Path dir) throws IOException {
    String text = Files.readString(SHIPPED.resolve("445200-RESIDENT-2018.yaml"));
    Path refuse = dir.resolve("refuse.yaml");
    Files.writeString(refuse, text.replace("unknownItems: SELF_PAY", "unknownItems: REFUSE"));
    Path absent = dir.resolve("absent.yaml");
    Files.writeString(absent, text.replace("unknownItems: SELF_PAY", ""));

    assertThat(PolicyFiles.loadFile(refuse).unknownItems()).isEqualTo(UnknownItems.REFUSE);
    assertThat(PolicyFiles.loadFile(absent).unknownItems()).isEqualTo(UnknownItems.SELF_PAY);
  }

  static Arguments edit(String from, String to, String message) {
    return Arguments.of(from, to, message);
  }

  @Test
  void overlappingVersions_areRefusedNamingBoth(@TempDir Path dir) throws IOException {
    Files.copy(SHIPPED.resolve("445200-RESIDENT-2018.yaml"), dir.resolve("a.yaml"));
    Files.writeString(
        dir.resolve("b.yaml"),
        Files.readString(SHIPPED.resolve("445200-RESIDENT-2019.yaml"))
            .replace("validFrom: 2019-01-01", "validFrom: 2018-12-01"));
    assertThatThrownBy(() -> PolicyFiles.load(dir))
        .hasMessageContaining("445200/RESIDENT/2018 and 445200/RESIDENT/2019 overlap");
  }
}
