package org.yizhan.gateway.settlement;

import java.util.UUID;

/** What became of a reversal request. */
public sealed interface ReverseResult {
  /** No settlement of that id belongs to the hospital (404, whoever else's it may be). */
  ReverseResult NOT_FOUND = new NotFound();

  /** Reversed now. */
  record Reversed(UUID settlementId) implements ReverseResult {}

  /** Reversed before; nothing changed. */
  record AlreadyReversed(UUID settlementId) implements ReverseResult {}

  /** Not found. */
  record NotFound() implements ReverseResult {}
}
