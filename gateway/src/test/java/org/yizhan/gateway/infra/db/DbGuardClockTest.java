package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.SettableClock;

/**
 * The database breaker runs on the gateway's clock: it opens after failures, stays open for {@link
 * DbGuard#OPEN_SECONDS} of that clock, then lets probes through and closes once they succeed. The
 * test moves the clock; it never sleeps.
 */
class DbGuardClockTest {
  final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T08:00:00Z"));
  final DbGuard guard = new DbGuard("test", clock);
  final AtomicInteger sent = new AtomicInteger();

  Future<String> failing() {
    return guard.call(
        () -> {
          sent.incrementAndGet();
          return Future.failedFuture(new IllegalArgumentException("a bug, not the database"));
        });
  }

  Future<String> lost() {
    return guard.call(
        () -> {
          sent.incrementAndGet();
          return Future.failedFuture(new DbGuard.Unavailable("connection lost"));
        });
  }

  Future<String> answered() {
    return guard.call(
        () -> {
          sent.incrementAndGet();
          return Future.succeededFuture("ok");
        });
  }

  void open() {
    for (int i = 0; i < 5; i++) {
      assertThat(lost().failed()).isTrue();
    }
    assertThat(guard.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void infrastructureFailures_openTheBreaker_andCallsFailFastWithoutBeingSent() {
    open();
    sent.set(0);

    Future<String> refused = answered();

    assertThat(refused.cause()).isInstanceOf(DbGuard.Unavailable.class);
    assertThat(sent).hasValue(0);
  }

  @Test
  void anOpenBreaker_staysOpenForItsOpenTime_thenProbesAndCloses() {
    open();

    clock.advance(Duration.ofSeconds(DbGuard.OPEN_SECONDS).minusMillis(1));
    assertThat(answered().failed()).as("still open a millisecond before its time").isTrue();

    clock.advance(Duration.ofMillis(2));
    for (int i = 0; i < 3; i++) {
      assertThat(answered().result()).isEqualTo("ok");
    }
    assertThat(guard.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aFailedProbe_opensTheBreakerAgain_forAnotherOpenTime() {
    open();
    clock.advance(Duration.ofSeconds(DbGuard.OPEN_SECONDS + 1));
    for (int i = 0; i < 3; i++) {
      lost();
    }
    assertThat(guard.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    sent.set(0);

    assertThat(answered().failed()).isTrue();
    assertThat(sent).hasValue(0);
    clock.advance(Duration.ofSeconds(DbGuard.OPEN_SECONDS + 1));
    assertThat(answered().succeeded()).isTrue();
  }

  @Test
  void failuresOlderThanTheWindow_doNotCount() {
    for (int i = 0; i < 4; i++) {
      lost();
    }
    clock.advance(Duration.ofSeconds(11));
    lost();
    answered();

    assertThat(guard.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void programmingErrors_neverOpenTheBreaker() {
    for (int i = 0; i < 10; i++) {
      failing();
    }

    assertThat(guard.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
