package org.yizhan.gateway.infra.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link TextShape} accepts exactly what its regular expression does: every code point alone
 * (U+0000 to U+10FFFF, lone surrogates too), texts at and around its length bounds, with a first
 * character of each class, and random texts mixing allowed and refused characters.
 */
class TextShapeTest {
  static Stream<TextShape> shapes() {
    return Stream.of(
        TextShape.ascii("A-Za-z0-9", "A-Za-z0-9._-", 1, 64),
        TextShape.ascii("A-Z", "A-Z_", 2, 32),
        TextShape.ascii("0-9", 6, 6),
        TextShape.ascii("A-Za-z0-9._-", 1, 64),
        TextShape.printable(0, 200),
        TextShape.printable(1, 64),
        TextShape.printable(1, 3));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void everyCodePoint_alone_andAtTheBounds_asItsPattern(TextShape shape) {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      String one = new String(Character.toChars(cp));
      agree(shape, one);
      if (cp < 0x3000 || Character.isSurrogate((char) cp) || cp > 0xFFFF) {
        agree(shape, "A" + one);
        agree(shape, one + "0");
      }
    }
    for (String unit : List.of("A", "7", "_", ".", "-", "中", "\uD83D\uDE00", "a\u0001")) {
      for (int n = 0; n <= 210; n++) {
        agree(shape, unit.repeat(n));
        agree(shape, "A" + unit.repeat(n));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void randomTexts_asItsPattern(TextShape shape) {
    Random r = new Random(20261202);
    String[] units = {"A", "z", "5", "_", ".", "-", " ", "中", "\uD83D\uDE00", "\u007F", "\n", "é"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int n = r.nextInt(8) == 0 ? r.nextInt(220) : r.nextInt(8);
      for (int j = 0; j < n; j++) {
        s.append(r.nextInt(4) == 0 ? units[r.nextInt(units.length)] : units[r.nextInt(3)]);
      }
      agree(shape, s.toString());
    }
  }

  @org.junit.jupiter.api.Test
  void aClassThatIsNotPlainAscii_isRefusedAtBuild() {
    List<String> bad = new ArrayList<>(List.of("^A-Z", "\\p{L}", "Z-A", "é"));
    for (String chars : bad) {
      assertThatThrownBy(() -> TextShape.ascii(chars, 1, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(chars);
    }
    assertThatThrownBy(() -> TextShape.ascii("A", "B", 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextShape.printable(3, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void agree(TextShape shape, String s) {
    assertThat(shape.matches(s))
        .as("%s on %s", shape.pattern(), s.codePoints().limit(5).boxed().toList())
        .isEqualTo(shape.pattern().matcher(s).matches());
  }
}
