package org.yizhan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A library's log line goes through the masked logger, never straight to stderr (issue 13.7): with
 * the production logging configuration, lines written through System.Logger (as Caffeine writes a
 * failed asynchronous load), java.util.logging and Vert.x's logging, each about an ID number and
 * carrying an exception that names it, come out of logback masked, and nothing reaches stderr.
 */
class LibraryLoggingTest {
  static final String ID = "445202199001011213";
  static final String MASKED = "4***************13";

  private LoggerContext logging;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream realStderr;

  @BeforeEach
  void productionLoggingCaptured() throws Exception {
    logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    logging.reset();
    JoranConfigurator production = new JoranConfigurator();
    production.setContext(logging);
    production.doConfigure(LibraryLoggingTest.class.getResource("/logback.xml"));
    ch.qos.logback.classic.Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) async.getAppender("STDOUT");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logging);
    encoder.setPattern(((PatternLayoutEncoder) console.getEncoder()).getPattern());
    encoder.start();
    OutputStreamAppender<ILoggingEvent> capture = new OutputStreamAppender<>();
    capture.setContext(logging);
    capture.setEncoder(encoder);
    capture.setOutputStream(captured);
    capture.start();
    root.detachAppender(async);
    async.stop();
    root.addAppender(capture);
    realStderr = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void testLoggingBack() throws Exception {
    System.setErr(realStderr);
    logging.reset();
    JoranConfigurator tests = new JoranConfigurator();
    tests.setContext(logging);
    tests.doConfigure(LibraryLoggingTest.class.getResource("/logback-test.xml"));
  }

  @Test
  void libraryLogLines_goThroughTheMaskedLogger_neverToStderr() {
    LibraryLogging.install();

    System.getLogger("com.github.benmanes.caffeine.cache.LocalAsyncCache")
        .log(
            System.Logger.Level.WARNING,
            "Exception thrown when asynchronously loading value for " + ID,
            new IllegalStateException("no identity for " + ID));
    java.util.logging.Logger.getLogger("some.jul.library").warning("jul: lookup of " + ID);
    io.vertx.core.internal.logging.LoggerFactory.getLogger("io.vertx.core.test")
        .warn("vertx: request about " + ID, new IllegalStateException(ID));

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("Exception thrown when asynchronously loading value for " + MASKED)
        .contains("IllegalStateException: no identity for " + MASKED)
        .contains("jul: lookup of " + MASKED)
        .contains("vertx: request about " + MASKED)
        .doesNotContain(ID);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
