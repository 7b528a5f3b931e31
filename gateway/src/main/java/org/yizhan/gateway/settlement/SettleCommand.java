package org.yizhan.gateway.settlement;

import java.util.Objects;
import org.yizhan.core.model.Claim;

/**
 * A request to settle one claim, checked and fingerprinted at the edge.
 *
 * @param claim the claim, with the hospital's code and level taken from its key
 * @param personName the patient's name as the hospital sent it, or {@code null}
 * @param contentSha256 the fingerprint of the claim's content (same claim ⇔ same fingerprint)
 * @param idempotencyKey the client's Idempotency-Key, or {@code null}
 * @param identitiesJson the identities the engine will see, as JSON, kept with the settlement
 * @param mayDrawAssistance whether the person holds an identity that can draw assistance, so the
 *     prepayment account is locked up front (in the same round trip as the accumulators)
 * @param actor who asks, for the audit log, e.g. {@code hospital:H44520200001}
 * @param policyVersion the policy version the engine settles under (policy.PolicyBooks), or {@code
 *     null} when no policy governs the claim (the engine then refuses it)
 * @param catalogueVersion the catalogue version the engine prices under, from the same snapshot of
 *     the book as {@code policyVersion} (policy.PolicyBooks), or {@code null} when none is in force
 *     on the discharge date (every item then counts as not in the catalogue)
 */
public record SettleCommand(
    Claim claim,
    String personName,
    String contentSha256,
    String idempotencyKey,
    String identitiesJson,
    boolean mayDrawAssistance,
    String actor,
    Long policyVersion,
    Long catalogueVersion) {
  public SettleCommand {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(contentSha256, "contentSha256");
    Objects.requireNonNull(identitiesJson, "identitiesJson");
    Objects.requireNonNull(actor, "actor");
  }
}
