package org.yizhan.gateway.simulation;

import java.util.List;
import java.util.Objects;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Identity;

/**
 * One stored settlement as a simulation replays it: the claim rebuilt from its stored lines, and
 * the identities the engine saw when it was settled (kept with the settlement, so a later change of
 * the roster does not rewrite the past).
 *
 * @param settlementId the stored settlement's id, for the largest changes
 * @param claim the claim, its lines in the bill's order
 * @param identities the identities the settlement was computed with
 * @param settledAtMicros when it was settled, microseconds since 2000-01-01 UTC: the order in which
 *     its prepayment account paid it
 */
public record ReplayClaim(
    String settlementId, Claim claim, List<Identity> identities, long settledAtMicros)
    implements Replayed {
  public ReplayClaim {
    Objects.requireNonNull(settlementId, "settlementId");
    Objects.requireNonNull(claim, "claim");
    identities = List.copyOf(identities);
  }

  @Override
  public String personIdNo() {
    return claim.personIdNo();
  }
}
