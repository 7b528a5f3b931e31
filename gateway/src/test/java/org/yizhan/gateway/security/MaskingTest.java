package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * ID numbers never appear whole in a log line, an error answer or a metric: with the production
 * logging configuration (src/main/resources/logback.xml) at DEBUG, a day's kinds of traffic about
 * real-looking ID numbers leave only masked ones behind.
 */
class MaskingTest {
  static final String PERSON = "445202199001011248";
  static final String OTHER = "44520219900101123X";

  static TestGateway gw;
  static LoggerContext logging;
  static ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    logging.reset();
    JoranConfigurator production = new JoranConfigurator();
    production.setContext(logging);
    production.doConfigure(MaskingTest.class.getResource("/logback.xml"));
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
    logging.getLogger("org.yizhan").setLevel(Level.DEBUG);
    logging.getLogger("yizhan.access").setLevel(Level.DEBUG);
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    logging.reset();
    JoranConfigurator tests = new JoranConfigurator();
    tests.setContext(logging);
    tests.doConfigure(MaskingTest.class.getResource("/logback-test.xml"));
  }

  @Test
  void masking_keepsTheFirstCharacterAndTheLastTwo() {
    assertThat(Masking.idNo(PERSON)).isEqualTo("4***************48");
    assertThat(Masking.text("person 445202199001011248, other 44520219900101123X."))
        .isEqualTo("person 4***************48, other 4***************3X.");
    assertThat(Masking.text("msgid H44520200001202611290000000001 amount 12345.67"))
        .isEqualTo("msgid H44520200001202611290000000001 amount 12345.67");
  }

  @Test
  void aLogLine_orAStackTrace_withAnIdNumber_isMasked() {
    LoggerFactory.getLogger("org.yizhan.test")
        .warn(
            "could not settle for {}",
            PERSON,
            new IllegalStateException(
                "duplicate key value: Key (person_id_no)=(" + OTHER + ") already exists"));
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("could not settle for 4***************48");
    assertThat(log).contains("(person_id_no)=(4***************3X)");
    assertThat(log).contains("at org.yizhan.gateway.security.MaskingTest");
    assertThat(log).doesNotContain(PERSON).doesNotContain(OTHER);
  }

  @Test
  void aDayOfTraffic_leavesNoIdNumberInLogsErrorsOrMetrics() {
    ManagerClient manager = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    manager.register(PERSON, "SUBSISTENCE", "2018-01-01", null);
    List<Response> answers = new ArrayList<>();
    String claim = ClaimJson.claim("MASK-1").person(PERSON).item("T-A", "3000.00").json();
    answers.add(gw.post("/api/v1/settlements", H1_KEY, claim));
    answers.add(gw.post("/api/v1/settlements", H1_KEY, claim));
    answers.add(
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim("MASK-1").person(PERSON).item("T-A", "3100.00").json()));
    answers.add(gw.get("/api/v1/persons/" + PERSON + "/accumulators/2018", H1_KEY));
    answers.add(gw.get("/api/v1/persons/" + OTHER + "5/accumulators/2018", H1_KEY));
    answers.add(gw.get("/api/v1/settlements?personIdNo=" + PERSON, H1_KEY));
    answers.add(
        gw.post(
            "/api/v1/settlements",
            H1_KEY,
            ClaimJson.claim("MASK-2").person(OTHER + "0").item("T-A", "10.00").json()));
    answers.add(manager.get("/manager/api/identities?q=" + PERSON));
    answers.add(
        manager.post(
            "/manager/api/identities",
            "{\"personIdNo\":\"" + PERSON + "\",\"category\":\"WHATEVER\"}"));
    answers.add(manager.postCsv("/manager/api/identities/import", "person_id_no\n" + OTHER));
    String settlementId = ClaimJson.parse(answers.get(0).body()).get("settlementId").asText();
    answers.add(gw.post("/api/v1/settlements/" + settlementId + "/reversal", H1_KEY, "{}"));

    assertThat(answers.get(0).status()).isEqualTo(201);
    for (Response r : answers) {
      if (r.status() >= 400) {
        assertThat(r.body()).doesNotContain(PERSON).doesNotContain(OTHER);
      }
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("POST /api/v1/settlements ");
    assertThat(log).doesNotContain(PERSON).doesNotContain(OTHER);
    assertThat(gw.metrics()).doesNotContain(PERSON).doesNotContain(OTHER);
    assertThat(gw.sql("SELECT details FROM audit_log"))
        .isNotEmpty()
        .allSatisfy(
            row ->
                assertThat((String) row.get("details"))
                    .doesNotContain(PERSON)
                    .doesNotContain(OTHER));
  }
}
