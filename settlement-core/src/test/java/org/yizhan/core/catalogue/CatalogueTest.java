package org.yizhan.core.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Ratio;

class CatalogueTest {

  @Test
  void lookup_picksThePeriodInForce() {
    Catalogue c = TestCatalogue.catalogue();

    assertThat(c.lookup(TestCatalogue.B_THEN_A, LocalDate.of(2018, 12, 31)).category())
        .isEqualTo(Category.B);
    assertThat(c.lookup(TestCatalogue.B_THEN_A, LocalDate.of(2019, 1, 1)).category())
        .isEqualTo(Category.A);
    assertThat(c.lookup(TestCatalogue.UNKNOWN, LocalDate.of(2019, 1, 1))).isNull();
    assertThat(c.lookup(TestCatalogue.A, LocalDate.of(2009, 12, 31))).isNull();
  }

  @Test
  void of_overlappingPeriods_isRefusedNamingTheCode() {
    LocalDate d = LocalDate.of(2018, 1, 1);
    assertThatThrownBy(
            () ->
                Catalogue.of(
                    List.of(
                        new CatalogueEntry("X1", "x", Category.A, Ratio.ZERO, null, d, null),
                        new CatalogueEntry(
                            "X1", "x", Category.A, Ratio.ZERO, null, d.plusDays(5), null))))
        .hasMessageContaining("code X1");
  }

  @Test
  void entry_selfPayRatioOnAnAItem_isRefused() {
    assertThatThrownBy(
            () ->
                new CatalogueEntry(
                    "X1", "x", Category.A, Ratio.parse("0.1"), null, LocalDate.MIN, null))
        .hasMessageContaining("B items only");
  }
}
