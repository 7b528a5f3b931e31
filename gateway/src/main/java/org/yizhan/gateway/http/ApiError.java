package org.yizhan.gateway.http;

/**
 * An answer the client can act on: an HTTP status, a machine-readable code, the field at fault (or
 * {@code null}) and a sentence that names it. Thrown by handlers and request parsers and turned
 * into {@code {"code", "message", "field", "correlationId"}} by the router's failure handler; never
 * carries a stack trace to the client.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;

  /** Seconds to wait before retrying (the Retry-After header of a 429 or 503); 0 = the default. */
  private final long retryAfterSeconds;

  public ApiError(int status, String code, String field, String message) {
    this(status, code, field, message, 0);
  }

  private ApiError(int status, String code, String field, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A 429 telling the client to wait {@code retryAfterSeconds} (at least 1) before retrying. */
  public static ApiError tooMany(String code, String message, long retryAfterSeconds) {
    return new ApiError(429, code, null, message, Math.max(1, retryAfterSeconds));
  }

  /** Seconds to wait before retrying, 0 when the answer's default applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public static ApiError badRequest(String code, String field, String message) {
    return new ApiError(400, code, field, message);
  }

  public static ApiError missing(String field) {
    return new ApiError(400, "MISSING_FIELD", field, field + " is required");
  }

  public static ApiError invalid(String field, String why) {
    return new ApiError(400, "INVALID_FIELD", field, field + " " + why);
  }

  /** An ID number that is not one (GB 11643); {@code why} names the fault, never the number. */
  public static ApiError invalidIdNumber(String field, String why) {
    return new ApiError(
        400, "INVALID_ID_NUMBER", field, field + " is not a valid ID number: " + why);
  }

  /** A string that is not well-formed text: a lone surrogate or NUL. */
  public static ApiError invalidText(String field) {
    return new ApiError(
        400,
        "INVALID_TEXT",
        field,
        field + " must be well-formed Unicode text (no unpaired surrogate, no NUL character)");
  }

  public static ApiError unknownField(String field) {
    return new ApiError(400, "UNKNOWN_FIELD", field, field + " is not a field of this request");
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, "NOT_FOUND", null, what + " not found");
  }

  public static ApiError unauthenticated(String message) {
    return new ApiError(401, "UNAUTHENTICATED", null, message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "SERVICE_UNAVAILABLE", null, message);
  }
}
