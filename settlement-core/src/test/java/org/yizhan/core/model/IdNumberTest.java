package org.yizhan.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdNumberTest {
  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "11010519491231002X, 11010519491231002X, GB 11643's own example",
    "11010519491231002x, 11010519491231002X, a lower-case x is the same number",
    "445202199001011248, 445202199001011248, ordinary",
    "445202200002290010, 445202200002290010, born on 29 February of a leap year",
    "445202190001010017, 445202190001010017, born on the first day accepted",
    "445202202612010011, 445202202612010011, born today",
    "445202900101123, 44520219900101123X, 15 digits: 19 inserted and the check digit computed",
    "445202800101001, 445202198001010013, 15 digits of another person",
  })
  void parse_acceptsEverySpellingOfAValidNumber_asItsCanonicalForm(
      String text, String canonical, String why) {
    assertThat(IdNumber.parse(text, TODAY).value()).as(why).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "445202199001011234, CHECK_DIGIT, the README's old demo number (its check digit is X)",
    "11010519491231002Y, SHAPE, a letter other than X",
    "11010519491231002, SHAPE, 17 characters",
    "1101051949123100211, SHAPE, 19 characters",
    "'11010519491231002X ', SHAPE, a trailing space",
    "x1010519491231002X, SHAPE, a letter in the body",
    "44520290010112, SHAPE, 14 digits",
    "44520290010112X, SHAPE, 15 characters ending in X",
    "000000000000000000, BIRTH_DATE, all zeros: month 0",
    "445202199002300017, BIRTH_DATE, 30 February",
    "445202189912310012, BIRTH_DATE, born before 1900",
    "445202202612020017, BIRTH_DATE, born tomorrow",
    "445202901301123, BIRTH_DATE, 15 digits with month 13",
  })
  void parse_refusesAnInvalidNumber_namingTheFault(String text, String fault, String why) {
    assertThatThrownBy(() -> IdNumber.parse(text, TODAY))
        .as(why)
        .isInstanceOfSatisfying(
            IdNumber.Invalid.class,
            e -> assertThat(e.fault()).isEqualTo(IdNumber.Fault.valueOf(fault)));
  }

  @Test
  void parse_refusesFullWidthDigits() {
    assertThatThrownBy(() -> IdNumber.parse("４４５２０２１９９００１０１１２３８", TODAY))
        .isInstanceOf(IdNumber.Invalid.class);
  }

  @Test
  void aRefusal_neverRepeatsTheNumber() {
    String text = "445202199001011234";
    assertThatThrownBy(() -> IdNumber.parse(text, TODAY))
        .hasMessage("has a wrong check digit")
        .message()
        .doesNotContain(text);
    assertThatThrownBy(() -> new IdNumber(text)).message().doesNotContain(text);
  }

  @Test
  void theConstructor_acceptsOnlyTheCanonicalForm() {
    assertThat(new IdNumber("11010519491231002X").value()).isEqualTo("11010519491231002X");
    assertThatThrownBy(() -> new IdNumber("11010519491231002x"))
        .isInstanceOf(IdNumber.Invalid.class);
    assertThatThrownBy(() -> new IdNumber("445202900101123")).isInstanceOf(IdNumber.Invalid.class);
  }

  @Test
  void withCheckDigit_completesSeventeenDigits() {
    assertThat(IdNumber.withCheckDigit("44520219900101123").value())
        .isEqualTo("44520219900101123X");
    assertThat(IdNumber.withCheckDigit("44520219800101001").value())
        .isEqualTo("445202198001010013");
  }

  @Test
  void birthDateAndGender_comeFromTheNumber() {
    IdNumber n = IdNumber.parse("11010519491231002X", TODAY);
    assertThat(n.birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
    assertThat(n.gender()).isEqualTo(2);
    assertThat(IdNumber.parse("445202198001010013", TODAY).gender()).isEqualTo(1);
  }

  @Test
  void toString_isMasked() {
    assertThat(IdNumber.parse("11010519491231002X", TODAY).toString())
        .isEqualTo("1***************2X");
  }
}
