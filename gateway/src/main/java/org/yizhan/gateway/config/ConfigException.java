package org.yizhan.gateway.config;

/**
 * A configuration file that cannot be used. The message names the file and the field (or line), so
 * that the one who edits it can fix it without reading code.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The field's path in its file ("basic.ratio.3[1].ratio"), when the problem has one. */
  private final String field;

  /** What is wrong with the field, without the file and path. */
  private final String problem;

  public ConfigException(String message) {
    super(message);
    this.field = null;
    this.problem = message;
  }

  /** A problem of one field of {@code file}; the message reads "file: field: problem". */
  public ConfigException(String file, String field, String problem) {
    super(file + ": " + field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** The field's path in its file, or {@code null} when the problem is the file's as a whole. */
  public String field() {
    return field;
  }

  /** What is wrong, without file and path. */
  public String problem() {
    return problem;
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.field = null;
    this.problem = message;
  }
}
