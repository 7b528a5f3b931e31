package org.yizhan.gateway.config;

/**
 * A configuration file that cannot be used. The message names the file and the field (or line), so
 * that the one who edits it can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
