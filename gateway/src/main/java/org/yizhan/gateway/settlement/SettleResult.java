package org.yizhan.gateway.settlement;

import java.util.UUID;
import org.yizhan.core.model.Rejection;

/** What became of a settle request. */
public sealed interface SettleResult {

  /** Settled now; the response is 201. */
  record Created(SettlementView settlement) implements SettleResult {}

  /** Settled before, by this claim number with the same content or this Idempotency-Key. */
  record Replayed(UUID settlementId) implements SettleResult {}

  /** The engine refused the claim; nothing was written. */
  record Rejected(Rejection rejection) implements SettleResult {}

  /** The claim number is settled with different content (409 CLAIM_CONFLICT). */
  record Conflict(UUID existingSettlementId) implements SettleResult {}

  /** The Idempotency-Key was used before for a different request. */
  record KeyReused(String operation) implements SettleResult {}
}
