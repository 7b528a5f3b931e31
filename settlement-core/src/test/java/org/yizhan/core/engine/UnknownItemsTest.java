package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.core.fixtures.TestCatalogue.A;
import static org.yizhan.core.fixtures.TestCatalogue.C;
import static org.yizhan.core.fixtures.TestCatalogue.UNKNOWN;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.fixtures.Claims;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.RejectionCode;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.core.policy.UnknownItems;

/**
 * Rules §1: an item code with no catalogue entry on the discharge date counts as C. It is flagged
 * on its line, and the policy's setting, or the hospital's when it has one, chooses between paying
 * it as self-pay and refusing the claim with {@code UNKNOWN_ITEM}.
 */
class UnknownItemsTest {
  static final String HOSPITAL = "H44520200001";

  /** Line 1 an A item of 1200.00, line 2 an unknown code of 300.00, line 3 a C item of 50.00. */
  static Claim bill() {
    return Claims.claim()
        .hospital(HOSPITAL)
        .level(1)
        .item(A, "1200.00")
        .item(UNKNOWN, "300.00")
        .item(C, "50.00")
        .build();
  }

  @ParameterizedTest(name = "policy {0}, hospital {1} → {2}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # policy  | hospital | outcome
          SELF_PAY  | -        | SELF_PAY
          REFUSE    | -        | REFUSE
          # the hospital's own setting takes precedence
          SELF_PAY  | REFUSE   | REFUSE
          REFUSE    | SELF_PAY | SELF_PAY
          """)
  void settle_unknownItem_policyOrHospitalChooses(
      UnknownItems policyRule, UnknownItems hospitalRule, UnknownItems outcome) {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.unknownItems = policyRule;
    SettlementEngine engine =
        new SettlementEngine(
            PolicyBook.of(List.of(b.build())),
            TestCatalogue.catalogue(),
            hospitalRule == null ? Map.of() : Map.of(HOSPITAL, hospitalRule));

    SettlementOutcome o = engine.settle(bill(), List.of(), Accumulators.zero(2018));

    if (outcome == UnknownItems.REFUSE) {
      assertThat(o).isInstanceOf(Rejection.class);
      Rejection r = (Rejection) o;
      assertThat(r.code()).isEqualTo(RejectionCode.UNKNOWN_ITEM);
      assertThat(r.field()).isEqualTo("lines[1].itemCode");
      assertThat(r.message())
          .startsWith("lines[1].itemCode (line 2) is not in the insurance catalogue")
          .doesNotContain("NOT-LISTED");
    } else {
      assertThat(o).isInstanceOf(Settlement.class);
      Settlement s = (Settlement) o;
      assertThat(s.lines()).extracting(l -> l.inCatalogue()).containsExactly(true, false, true);
      assertThat(s.lines().get(1).category()).isEqualTo(Category.C);
      assertThat(Fen.format(s.lines().get(1).fullOwnPayFen())).isEqualTo("300.00");
      assertThat(Fen.format(s.fullOwnPayFen())).isEqualTo("350.00");
      assertThat(Fen.format(s.basic().paidFen())).isEqualTo("900.00");
    }
  }

  @Test
  void settle_refusingUnknownItems_settlesABillWithoutThem() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.unknownItems = UnknownItems.REFUSE;
    Claim known = Claims.claim().level(1).item(A, "1200.00").item(C, "50.00").build();

    SettlementOutcome o =
        SettlementEngine.settle(
            known, b.build(), TestCatalogue.catalogue(), List.of(), Accumulators.zero(2018), null);

    assertThat(o).isInstanceOf(Settlement.class);
    assertThat(((Settlement) o).lines()).allMatch(l -> l.inCatalogue());
  }
}
