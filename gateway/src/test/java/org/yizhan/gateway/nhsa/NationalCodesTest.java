package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NationalCodesTest {
  @ParameterizedTest(name = "insutype {0}, age {1} → psn_type {2}")
  @CsvSource({
    "390, 0, 14",
    "390, 17, 14",
    "390, 18, 1501",
    "390, 67, 1501",
    "390, -1, 1501",
    "310, 17, 1101",
    "310, 45, 1101",
  })
  void psnType_isTheNationalDictionarysCode(String insutype, int age, String expected) {
    assertThat(NationalCodes.psnType(insutype, age)).isEqualTo(expected);
  }
}
