package org.yizhan.core.model;

import java.util.Objects;

/**
 * A claim the engine refuses, with the field the client must fix.
 *
 * @param code the machine-readable reason
 * @param field the offending field as a path into the claim, e.g. {@code lines[3].amount}
 * @param message a sentence for people, naming the field and the values
 */
public record Rejection(RejectionCode code, String field, String message)
    implements SettlementOutcome {
  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }
}
