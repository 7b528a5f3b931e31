package org.yizhan.gateway;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Every library logs through logback, so every line is masked ({@code MaskedMessage}, {@code
 * MaskedThrowable}) and queued (the asynchronous appender), whatever logging API the library chose.
 * Netty, Flyway, jOOQ, zonky and Resilience4j use SLF4J already. Three would not:
 *
 * <ul>
 *   <li>{@code java.util.logging}, whose default handler writes straight to stderr, unmasked;
 *   <li>{@code System.Logger}, which goes to {@code java.util.logging} by default: Caffeine logs a
 *       failed asynchronous load there, with its stack trace, once per failed load (453 stack
 *       traces in 40 s during a database outage, issue 13.7);
 *   <li>Vert.x's own logging, which picks its backend by what it finds on the class path; it is
 *       told to use SLF4J, so it cannot fall back to {@code java.util.logging}.
 * </ul>
 *
 * <p>{@code java.util.logging}'s root handlers are replaced by the SLF4J bridge; logback's {@code
 * LevelChangePropagator} (logback.xml) copies logback's levels to it, so a disabled level costs
 * nothing on either side.
 */
public final class LibraryLogging {
  /** The system property Vert.x reads to choose its logging backend. */
  static final String VERTX_LOGGING = "vertx.logger-delegate-factory-class-name";

  private LibraryLogging() {}

  /** Routes every library's logging into SLF4J; call first, before any library logs. */
  public static synchronized void install() {
    System.setProperty(VERTX_LOGGING, "io.vertx.core.logging.SLF4JLogDelegateFactory");
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
