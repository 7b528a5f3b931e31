package org.yizhan.gateway.infra.refusal;

/**
 * A refusal the caller can act on: its {@link Kind}, a machine-readable code, the field at fault
 * (or {@code null}), a sentence that names it, and how long to wait before retrying.
 *
 * <p>Thrown by the rooms (settlement, ledger, identity, security, ...) and by the readers of
 * requests; it knows no HTTP status and no envelope. Each front door maps the kind to its own
 * answer: the JSON API to a status and {@code {"code", "message", "field", "correlationId"}}, the
 * national interface to its envelope. So one rule ("this claim number is settled already with other
 * content") is one refusal, answered in each door's words, and the rooms below stay free of the
 * web.
 *
 * <p>Never carries a stack trace (it is an answer, not a fault), and its message never repeats a
 * value the caller sent: a value in the wrong field may be an ID number.
 */
public final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of refusal: each front door answers a kind its own way. */
  public enum Kind {
    /** The request is malformed or a field is invalid; the caller must change it. */
    INVALID,
    /** What the request names does not exist (or is not the caller's to see). */
    NOT_FOUND,
    /** The request contradicts what is recorded (a claim settled with other content, ...). */
    CONFLICT,
    /** Well-formed, but a rule refuses it (the engine's refusals, a stay too long, ...). */
    UNPROCESSABLE,
    /** The caller is not known: no key, an unknown key, no session. */
    UNAUTHENTICATED,
    /** The caller is known but may not do this. */
    FORBIDDEN,
    /** The caller asks too often; retry after {@link #retryAfterSeconds()}. */
    TOO_MANY,
    /** The gateway cannot answer now (the store is unavailable); retry later. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;
  private final String field;

  /**
   * Seconds to wait before retrying ({@link Kind#TOO_MANY}, {@link #busy}); 0 = the door's default.
   */
  private final long retryAfterSeconds;

  public Refusal(Kind kind, String code, String field, String message) {
    this(kind, code, field, message, 0);
  }

  private Refusal(Kind kind, String code, String field, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    if (kind == null || code == null) {
      throw new IllegalArgumentException(
          "a refusal needs a kind and a code: " + kind + ", " + code);
    }
    this.kind = kind;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** The field at fault, by its path in the request ({@code lines[3].quantity}), or null. */
  public String field() {
    return field;
  }

  /** Seconds to wait before retrying, 0 when the answer's default applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** {@link Kind#TOO_MANY}, telling the caller to wait {@code retryAfterSeconds} (at least 1). */
  public static Refusal tooMany(String code, String message, long retryAfterSeconds) {
    return new Refusal(Kind.TOO_MANY, code, null, message, Math.max(1, retryAfterSeconds));
  }

  /** {@link Kind#INVALID} with its own code. */
  public static Refusal badInput(String code, String field, String message) {
    return new Refusal(Kind.INVALID, code, field, message);
  }

  public static Refusal missing(String field) {
    return new Refusal(Kind.INVALID, "MISSING_FIELD", field, field + " is required");
  }

  public static Refusal invalid(String field, String why) {
    return new Refusal(Kind.INVALID, "INVALID_FIELD", field, field + " " + why);
  }

  /** An ID number that is not one (GB 11643); {@code why} names the fault, never the number. */
  public static Refusal invalidIdNumber(String field, String why) {
    return new Refusal(
        Kind.INVALID, "INVALID_ID_NUMBER", field, field + " is not a valid ID number: " + why);
  }

  /** A string that is not well-formed text: a lone surrogate or NUL. */
  public static Refusal invalidText(String field) {
    return new Refusal(
        Kind.INVALID,
        "INVALID_TEXT",
        field,
        field + " must be well-formed Unicode text (no unpaired surrogate, no NUL character)");
  }

  public static Refusal unknownField(String field) {
    return new Refusal(
        Kind.INVALID, "UNKNOWN_FIELD", field, field + " is not a field of this request");
  }

  public static Refusal notFound(String what) {
    return new Refusal(Kind.NOT_FOUND, "NOT_FOUND", null, what + " not found");
  }

  public static Refusal unauthenticated(String message) {
    return new Refusal(Kind.UNAUTHENTICATED, "UNAUTHENTICATED", null, message);
  }

  public static Refusal unavailable(String message) {
    return new Refusal(Kind.UNAVAILABLE, "SERVICE_UNAVAILABLE", null, message);
  }

  /**
   * {@link Kind#UNAVAILABLE} with its own code, telling the caller to wait {@code
   * retryAfterSeconds} (at least 1): the gateway is too busy to take the request now.
   */
  public static Refusal busy(String code, String message, long retryAfterSeconds) {
    return new Refusal(Kind.UNAVAILABLE, code, null, message, Math.max(1, retryAfterSeconds));
  }

  /** {@link Kind#UNPROCESSABLE}: a rule refuses the request. */
  public static Refusal unprocessable(String code, String field, String message) {
    return new Refusal(Kind.UNPROCESSABLE, code, field, message);
  }

  /** {@link Kind#CONFLICT}: the request contradicts what is recorded. */
  public static Refusal conflict(String code, String field, String message) {
    return new Refusal(Kind.CONFLICT, code, field, message);
  }

  /** {@link Kind#FORBIDDEN}: the caller may not do this. */
  public static Refusal forbidden(String code, String field, String message) {
    return new Refusal(Kind.FORBIDDEN, code, field, message);
  }
}
