package org.yizhan.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.model.Ratio;

/** Policy values check themselves; the message starts with the offending field. */
class PolicyValidationTest {

  @Test
  void schedule_lastBandNotOpen_isRefused() {
    assertThatThrownBy(() -> new Schedule(List.of(new Band(100L, Ratio.ONE))))
        .hasMessageContaining("last band must be open");
  }

  @Test
  void schedule_decreasingBands_isRefused() {
    assertThatThrownBy(
            () ->
                new Schedule(
                    List.of(
                        new Band(500L, Ratio.ONE),
                        new Band(400L, Ratio.ONE),
                        new Band(null, Ratio.ONE))))
        .hasMessageContaining("band 2: upTo must increase");
  }

  @Test
  void band_ratioAboveOne_isRefused() {
    assertThatThrownBy(() -> new Band(null, Ratio.parse("1.2"))).hasMessageContaining("at most 1");
  }

  @Test
  void basic_levelsOfDeductibleAndRatioDiffer_isRefused() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.deductible = Map.of(1, 100L, 2, 200L);
    assertThatThrownBy(b::build).hasMessageStartingWith("ratio: levels [1, 2, 3]");
  }

  @Test
  void basic_levelOutOfRange_isRefused() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.deductible = Map.of(1, 100L, 2, 200L, 5, 300L);
    assertThatThrownBy(b::build).hasMessageStartingWith("deductible: hospital level");
  }

  @Test
  void basic_negativeDeductible_isRefused() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.deductible = Map.of(1, -1L, 2, 200L, 3, 300L);
    assertThatThrownBy(b::build).hasMessageStartingWith("deductible.1:");
  }

  @Test
  void policy_validToBeforeValidFrom_isRefused() {
    Policy p = ReferencePolicy.policy();
    assertThatThrownBy(
            () ->
                new Policy(
                    p.id(),
                    p.validTo(),
                    p.validFrom(),
                    p.basic(),
                    p.criticalIllness(),
                    p.assistance(),
                    p.identities(),
                    null,
                    UnknownItems.SELF_PAY))
        .hasMessageContaining("validTo 2018-01-01 is before validFrom 2018-12-31");
  }

  @Test
  void policyId_badRegion_isRefused() {
    assertThatThrownBy(() -> new PolicyId("4452", "RESIDENT", 2018))
        .hasMessageContaining("region must be 6 digits");
  }

  @Test
  void policyBook_overlappingVersions_isRefused() {
    Policy p = ReferencePolicy.policy();
    Policy overlapping =
        new Policy(
            new PolicyId("445200", "RESIDENT", 2019),
            LocalDate.of(2018, 12, 1),
            LocalDate.of(2019, 12, 31),
            p.basic(),
            p.criticalIllness(),
            p.assistance(),
            p.identities(),
            null,
            UnknownItems.SELF_PAY);
    assertThatThrownBy(() -> PolicyBook.of(List.of(p, overlapping)))
        .hasMessageContaining("445200/RESIDENT/2018 and 445200/RESIDENT/2019 overlap");
  }

  @Test
  void policyBook_findsTheMostSpecificRegionInForce() {
    Policy city = ReferencePolicy.policy();
    Policy district =
        new Policy(
            new PolicyId("445281", "RESIDENT", 2018),
            city.validFrom(),
            city.validTo(),
            city.basic(),
            city.criticalIllness(),
            city.assistance(),
            city.identities(),
            null,
            UnknownItems.SELF_PAY);
    PolicyBook book = PolicyBook.of(List.of(city, district));
    LocalDate d = LocalDate.of(2018, 7, 1);

    assertThat(book.find("445202", "RESIDENT", d)).contains(city);
    assertThat(book.find("445281", "RESIDENT", d)).contains(district);
    assertThat(book.find("445202", "EMPLOYEE", d)).isEmpty();
    assertThat(book.find("440100", "RESIDENT", d)).isEmpty();
    assertThat(book.find("445202", "RESIDENT", LocalDate.of(2019, 1, 1))).isEmpty();
  }
}
