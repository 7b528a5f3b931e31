package org.yizhan.gateway.web;

import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * An answer of the web plumbing: an HTTP status, a machine-readable code, the field at fault (or
 * {@code null}) and a sentence that names it, written as {@code {"code", "message", "field",
 * "correlationId"}} by {@link MalformedRequests#write}; never carries a stack trace to the client.
 *
 * <p>The rooms below the front doors refuse with a {@link Refusal}, which has a kind and no status;
 * {@link Failures} maps it to one of these, once for every JSON route. A front door throws one of
 * these itself only for what is the transport's alone: a route that does not exist, a method it
 * does not take, a body too large or of the wrong type, a request line too long, a client gone.
 */
public final class HttpRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;

  /** Seconds to wait before retrying (the Retry-After header of a 429 or 503); 0 = the default. */
  private final long retryAfterSeconds;

  public HttpRefusal(int status, String code, String field, String message) {
    this(status, code, field, message, 0);
  }

  HttpRefusal(int status, String code, String field, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
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
}
