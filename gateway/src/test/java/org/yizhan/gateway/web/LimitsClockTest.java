package org.yizhan.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.Ticks;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.support.SettableClock;

/**
 * The rate limiters run on the gateway's clock: a manager's requests beyond the rate in one second
 * are refused until that clock moves on. The test moves the clock; it never sleeps.
 */
class LimitsClockTest {
  final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T08:00:00Z"));
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final Limits limits = new Limits(10, 2, 5, meters, clock);

  void admitted(String manager, int times) {
    for (int i = 0; i < times; i++) {
      assertThatCode(() -> limits.admitManager(manager))
          .as("request " + i)
          .doesNotThrowAnyException();
    }
  }

  void refused(String manager) {
    assertThatThrownBy(() -> limits.admitManager(manager))
        .isInstanceOfSatisfying(
            Refusal.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Refusal.Kind.TOO_MANY);
              assertThat(e.code()).isEqualTo("RATE_LIMITED");
            });
  }

  @Test
  void aManager_beyondTheRate_isRefused_untilASecondHasPassed() {
    admitted("a", 5);
    refused("a");
    admitted("b", 5);

    clock.advance(Duration.ofMillis(999));
    refused("a");
    clock.advance(Duration.ofMillis(1));
    admitted("a", 5);
    refused("a");
  }

  @Test
  void aStoppedClock_refillsNothing() {
    admitted("a", 5);
    for (int i = 0; i < 100; i++) {
      refused("a");
    }
  }

  @Test
  void theClockSteppedBack_doesNotStallTheLimiter() {
    admitted("a", 5);
    clock.set(clock.instant().minus(Duration.ofHours(1)));
    refused("a");

    clock.advance(Duration.ofSeconds(1));
    admitted("a", 5);
  }

  @Test
  void loginAttempts_shareOneRate() {
    for (int i = 0; i < 5; i++) {
      limits.admitLogin();
    }
    assertThatThrownBy(limits::admitLogin).isInstanceOf(Refusal.class);
    clock.advance(Duration.ofSeconds(1));
    assertThatCode(limits::admitLogin).doesNotThrowAnyException();
  }

  @Test
  void theLimiterInUse_isTheOnePublished() {
    admitted("a", 3);

    Gauge available =
        meters
            .find("resilience4j.ratelimiter.available.permissions")
            .tag("name", "manager-a")
            .gauge();
    assertThat(available).isNotNull();
    assertThat(available.value()).isEqualTo(2);
    assertThat(
            meters.find("resilience4j.ratelimiter.available.permissions").gauges().stream()
                .filter(g -> "manager-a".equals(g.getId().getTag("name"))))
        .hasSize(1);
  }

  @Test
  void ticks_neverGoBack_andCountAStepBackAsNoTime() {
    LongSupplier ticks = Ticks.nanos(clock);
    long t0 = ticks.getAsLong();
    clock.advance(Duration.ofMillis(5));
    long t1 = ticks.getAsLong();
    clock.set(clock.instant().minus(Duration.ofMinutes(10)));
    long t2 = ticks.getAsLong();
    clock.advance(Duration.ofMillis(3));
    long t3 = ticks.getAsLong();

    assertThat(t1 - t0).isEqualTo(5_000_000);
    assertThat(t2).isEqualTo(t1);
    assertThat(t3 - t2).isEqualTo(3_000_000);
  }
}
