package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;

/**
 * A person's year in a test: settles claims one after another under a policy, carrying the
 * year-to-date figures forward as the gateway does.
 */
final class EngineHarness {
  final Policy policy;
  final Catalogue catalogue;
  final List<Identity> identities = new ArrayList<>();
  Accumulators ytd;

  EngineHarness(Policy policy, int year) {
    this.policy = policy;
    this.catalogue = TestCatalogue.catalogue();
    this.ytd = Accumulators.zero(year);
  }

  static EngineHarness reference() {
    return new EngineHarness(ReferencePolicy.policy(), 2018);
  }

  EngineHarness holding(Identity identity) {
    identities.add(identity);
    return this;
  }

  /** Settles and applies the delta, as a committed settlement does. */
  Settlement settle(Claim claim) {
    Settlement s = preview(claim);
    ytd = ytd.plus(s.delta());
    return s;
  }

  /** Settles without applying the delta. */
  Settlement preview(Claim claim) {
    SettlementOutcome outcome =
        SettlementEngine.settle(claim, policy, catalogue, identities, ytd, null);
    assertThat(outcome).isInstanceOf(Settlement.class);
    Settlement s = (Settlement) outcome;
    assertThat(s.fundPayFen() + s.personalPayFen()).isEqualTo(s.totalFen());
    return s;
  }

  Rejection reject(Claim claim) {
    SettlementOutcome outcome =
        SettlementEngine.settle(claim, policy, catalogue, identities, ytd, null);
    assertThat(outcome).isInstanceOf(Rejection.class);
    return (Rejection) outcome;
  }

  void reverse(Settlement s) {
    ytd = ytd.minus(s.delta());
  }
}
