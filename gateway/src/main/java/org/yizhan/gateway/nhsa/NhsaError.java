package org.yizhan.gateway.nhsa;

/**
 * A refusal in the national interface's terms: the envelope's {@code err_msg} names the field at
 * fault ({@code input.feedetail[2].cnt}) and says what is wrong. The HTTP status is 200 for every
 * refusal whose outcome is definite (nothing was done), as the national platform answers; only a
 * missing key (401) and an unavailable store (503, outcome possibly unknown) differ.
 */
final class NhsaError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;

  NhsaError(int httpStatus, String message) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
  }

  NhsaError(String message) {
    this(200, message);
  }

  int httpStatus() {
    return httpStatus;
  }

  static NhsaError missing(String field) {
    return new NhsaError(field + " is required");
  }

  static NhsaError invalid(String field, String why) {
    return new NhsaError(field + " " + why);
  }
}
