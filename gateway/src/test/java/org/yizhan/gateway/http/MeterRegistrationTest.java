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

/** A start registers every meter once: Micrometer warns of nothing registered twice. */
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
      assertThat(gw.metrics()).contains("vertx_pool_");
    } finally {
      registry.detachAppender(events);
    }
    assertThat(events.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }
}
