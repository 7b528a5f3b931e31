package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;

/**
 * {@link SettlementEngine#settleUnderBoth} (an impact simulation's two sides, the lines priced
 * once) gives exactly what {@link SettlementEngine#settleUnder} gives for each side alone, over
 * random policies (the unknown-items rule included), claims, identities and histories.
 */
class SettleUnderBothTest {
  private final SettlementPropertiesTest arbitraries = new SettlementPropertiesTest();

  @Property(tries = 300)
  void settleUnderBoth_isEachSideSettledAlone(
      @ForAll("policies") Policy first,
      @ForAll("histories") Accumulators firstYtd,
      @ForAll("policies") Policy second,
      @ForAll("histories") Accumulators secondYtd,
      @ForAll("identities") List<Identity> identities,
      @ForAll("claims") Claim claim) {
    SettlementEngine engine =
        new SettlementEngine(PolicyBook.of(List.of()), TestCatalogue.catalogue(), Map.of());

    SettlementOutcome[] both =
        engine.settleUnderBoth(first, firstYtd, second, secondYtd, claim, identities);

    assertThat(both[0]).isEqualTo(engine.settleUnder(first, claim, identities, firstYtd));
    assertThat(both[1]).isEqualTo(engine.settleUnder(second, claim, identities, secondYtd));
    SettlementOutcome[] candidateOnly =
        engine.settleUnderBoth(null, firstYtd, second, secondYtd, claim, identities);
    assertThat(candidateOnly[0]).isNull();
    assertThat(candidateOnly[1]).isEqualTo(both[1]);
  }

  @Provide
  Arbitrary<Policy> policies() {
    return arbitraries.policies();
  }

  @Provide
  Arbitrary<Accumulators> histories() {
    return arbitraries.histories();
  }

  @Provide
  Arbitrary<List<Identity>> identities() {
    return arbitraries.identities();
  }

  @Provide
  Arbitrary<Claim> claims() {
    return arbitraries.claims();
  }
}
