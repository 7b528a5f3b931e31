package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.yizhan.core.fixtures.TestCatalogue.A;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.RejectionCode;
import org.yizhan.core.policy.PolicyBook;

/** Claims the engine refuses, each naming the field to fix. */
class RejectionTest {

  static Stream<Arguments> badClaims() {
    return Stream.of(
        bad(
            "amount ≠ round(quantity × unit price)",
            c -> c.item(A, "10.00").line(A, "3", "3.33", "10.00"),
            RejectionCode.AMOUNT_MISMATCH,
            "lines[1].amount",
            "10.00 is not round(quantity 3 × unitPrice 3.33) = 9.99"),
        bad(
            "half a fen must round up",
            c -> c.line(A, "1", "0.005", "0.00"),
            RejectionCode.AMOUNT_MISMATCH,
            "lines[0].amount",
            "= 0.01"),
        bad(
            "zero quantity",
            c -> c.raw(A, 0, 1_000_000, 0),
            RejectionCode.INVALID_QUANTITY,
            "lines[0].quantity",
            "greater than 0"),
        bad(
            "negative quantity",
            c -> c.raw(A, -10_000, 1_000_000, 0),
            RejectionCode.INVALID_QUANTITY,
            "lines[0].quantity",
            "got -1"),
        bad(
            "negative unit price",
            c -> c.raw(A, 10_000, -1, 0),
            RejectionCode.INVALID_PRICE,
            "lines[0].unitPrice",
            "must not be negative"),
        bad(
            "negative amount",
            c -> c.raw(A, 10_000, 0, -1),
            RejectionCode.INVALID_AMOUNT,
            "lines[0].amount",
            "-0.01"),
        bad(
            "duplicate line number",
            c ->
                c.rawLine(new ClaimLine("7", A, "x", 10_000, 1_000_000, 100))
                    .rawLine(new ClaimLine("7", A, "y", 10_000, 1_000_000, 100)),
            RejectionCode.DUPLICATE_LINE,
            "lines[1].lineNo",
            "7 appears more than once"),
        bad(
            "discharge before admission",
            c ->
                c.item(A, "1.00")
                    .admitted("2018-05-02")
                    .discharged("2018-05-01")
                    .admitted("2018-05-02"),
            RejectionCode.DATES_OUT_OF_ORDER,
            "dischargeDate",
            "2018-05-01 is before admissionDate 2018-05-02"),
        bad(
            "unknown hospital level",
            c -> c.item(A, "1.00").level(4),
            RejectionCode.UNKNOWN_HOSPITAL_LEVEL,
            "hospitalLevel",
            "level 4"),
        bad("no lines", c -> c, RejectionCode.NO_LINES, "lines", "at least 1 line"),
        bad(
            "more than 2000 lines",
            c -> {
              for (int i = 0; i <= SettlementEngine.MAX_LINES; i++) {
                c.item(A, "1.00");
              }
              return c;
            },
            RejectionCode.TOO_MANY_LINES,
            "lines",
            "got 2001"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClaims")
  void settle_badClaim_isRejectedNamingTheField(
      String why,
      UnaryOperator<Claims> claim,
      RejectionCode code,
      String field,
      String messagePart) {
    Rejection r = EngineHarness.reference().reject(claim.apply(Claims.claim()).build());

    assertThat(r.code()).isEqualTo(code);
    assertThat(r.field()).isEqualTo(field);
    assertThat(r.message()).startsWith(field).contains(messagePart);
  }

  @Test
  void settle_exactly2000Lines_isAccepted() {
    Claims c = Claims.claim();
    for (int i = 0; i < SettlementEngine.MAX_LINES; i++) {
      c.item(A, "1.00");
    }
    assertThat(EngineHarness.reference().preview(c.build()).lines()).hasSize(2000);
  }

  @Test
  void settle_noPolicyForTheDate_isRejected() {
    SettlementEngine engine =
        new SettlementEngine(
            PolicyBook.of(List.of(ReferencePolicy.policy())), TestCatalogue.catalogue());

    Rejection r =
        (Rejection)
            engine.settle(
                Claims.claim().discharged("2019-01-01").item(A, "1.00").build(),
                List.of(),
                Accumulators.zero(2019));

    assertThat(r.code()).isEqualTo(RejectionCode.NO_POLICY);
    assertThat(r.field()).isEqualTo("dischargeDate");
  }

  @Test
  void settle_figuresOfAnotherYear_isAProgrammingError() {
    assertThatThrownBy(
            () ->
                SettlementEngine.settle(
                    Claims.claim().item(A, "1.00").build(),
                    ReferencePolicy.policy(),
                    TestCatalogue.catalogue(),
                    List.of(),
                    Accumulators.zero(2017),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2017");
  }

  private static Arguments bad(
      String why, UnaryOperator<Claims> claim, RejectionCode code, String field, String part) {
    return Arguments.of(why, claim, code, field, part);
  }
}
