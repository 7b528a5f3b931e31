package org.yizhan.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Ratio;

/** The catalogue as the engine sees it: each version's entries only inside the days it governs. */
class CatalogueBookTest {
  static final LocalDate SWITCH = LocalDate.of(2019, 6, 11);

  static CatalogueEntry b(String code, int ratio, LocalDate from, LocalDate to) {
    return new CatalogueEntry(code, code, Category.B, new Ratio(ratio), null, from, to);
  }

  final CatalogueBook book =
      new CatalogueBook(
          List.of(
              // given out of order: the book sorts by start
              new CatalogueBook.Version(
                  8,
                  SWITCH,
                  null,
                  List.of(
                      b("X", 5000, LocalDate.of(2018, 1, 1), null),
                      b("NEW", 1000, LocalDate.of(2019, 1, 1), null))),
              new CatalogueBook.Version(
                  3,
                  LocalDate.of(2018, 1, 1),
                  null,
                  List.of(
                      b("X", 2000, LocalDate.of(2010, 1, 1), null),
                      b("GONE", 1000, LocalDate.of(2010, 1, 1), LocalDate.of(2030, 1, 1))))));

  @Test
  void aClaimIsPricedWhollyByTheVersionOfItsDischargeDate() {
    LocalDate before = SWITCH.minusDays(1);
    assertThat(book.versionOn(before)).contains(3L);
    assertThat(book.versionOn(SWITCH)).contains(8L);
    assertThat(book.versionOn(LocalDate.of(2017, 12, 31))).isEmpty();

    assertThat(book.catalogue().lookup("X", before).selfPayRatio().perTenThousand())
        .isEqualTo(2000);
    assertThat(book.catalogue().lookup("X", SWITCH).selfPayRatio().perTenThousand())
        .isEqualTo(5000);
    assertThat(book.catalogue().lookup("NEW", before)).as("not before its version").isNull();
    assertThat(book.catalogue().lookup("NEW", SWITCH)).isNotNull();
    assertThat(book.catalogue().lookup("GONE", before)).isNotNull();
    assertThat(book.catalogue().lookup("GONE", SWITCH)).as("removed by the successor").isNull();
    assertThat(book.catalogue().lookup("X", LocalDate.of(2017, 6, 1)))
        .as("an entry starts no earlier than its version")
        .isNull();
    assertThat(book.entriesOf(3).orElseThrow()).hasSize(2);
  }
}
