package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;

/**
 * A start registers every meter once: the pool's and the listening connection's SQL meters are
 * apart, and Micrometer warns of nothing registered twice (its warning is once per JVM, so the
 * meters themselves are the check that can fail here).
 */
class MeterRegistrationTest {

  @Test
  void start_andFirstSettlement_registerNoMeterTwice() {
    Logger registry =
        (Logger) LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    registry.addAppender(events);
    try (TestGateway gw = TestGateway.start()) {
      // the pool's connections open on first use, the listener's at start
      assertThat(
              gw.post(
                      "/api/v1/settlements/preview",
                      H1_KEY,
                      ClaimJson.claim("MR-1").item("T-A", "300.00").json())
                  .status())
          .isEqualTo(200);
      // the pool's and the listener's SQL meters apart: before, the listener's gauge was refused
      assertThat(gw.metrics())
          .contains("vertx_pool_")
          .containsPattern("vertx_sql_processing_pending\\{[^}]*namespace=\"listen\"")
          .containsPattern("vertx_sql_processing_pending\\{[^}]*namespace=\"\"")
          .doesNotContain("vertx_net_client_active_connections");
    } finally {
      registry.detachAppender(events);
    }
    assertThat(events.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }
}
