package org.yizhan.gateway.inpatient;

/**
 * A refusal in the national interface's terms: the envelope's {@code err_msg} names the field at
 * fault ({@code input.feedetail[2].cnt}) and says what is wrong, in the words the message used. The
 * national front door answers it in an envelope with HTTP 200, as the national platform answers
 * every refusal whose outcome is definite (nothing was done).
 *
 * <p>It lives with the national interface's own state (admissions, fees, persons, the message log),
 * whose checks refuse in those words; the rooms shared by both front doors refuse with a {@code
 * Refusal}, which the national door words itself.
 */
public final class NhsaError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NhsaError(String message) {
    super(message, null, false, false);
  }

  public static NhsaError missing(String field) {
    return new NhsaError(field + " is required");
  }

  public static NhsaError invalid(String field, String why) {
    return new NhsaError(field + " " + why);
  }
}
