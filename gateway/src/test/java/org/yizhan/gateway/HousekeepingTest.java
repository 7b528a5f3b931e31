package org.yizhan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The periodic jobs' verticle: each job runs on its period (and once at start when asked), and
 * undeploying the verticle cancels its timers. A cancelled timer is one Vert.x no longer knows
 * ({@code cancelTimer} answers false), so the test needs no sleep to see that nothing fires again.
 */
@ExtendWith(VertxExtension.class)
class HousekeepingTest {

  @Test
  void undeploy_cancelsEveryTimer(Vertx vertx, VertxTestContext test) {
    AtomicInteger ticks = new AtomicInteger();
    AtomicInteger atStart = new AtomicInteger();
    Promise<Void> threeTicks = Promise.promise();
    Housekeeping housekeeping =
        new Housekeeping(
            List.of(
                new Housekeeping.Job(
                    "ticks",
                    1,
                    false,
                    () -> {
                      if (ticks.incrementAndGet() == 3) {
                        threeTicks.complete();
                      }
                    }),
                new Housekeeping.Job("hourly", 3_600_000, true, atStart::incrementAndGet)));
    AtomicReference<List<Long>> timers = new AtomicReference<>();
    vertx
        .deployVerticle(housekeeping)
        .compose(
            id -> {
              timers.set(housekeeping.timers());
              return threeTicks.future().compose(v -> vertx.undeploy(id));
            })
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertThat(timers.get()).hasSize(2);
                          for (long timer : timers.get()) {
                            assertThat(vertx.cancelTimer(timer))
                                .as("timer %d is still scheduled after undeploy", timer)
                                .isFalse();
                          }
                          assertThat(housekeeping.timers()).isEmpty();
                          assertThat(atStart).hasValue(1);
                          test.completeNow();
                        })));
  }

  @Test
  void job_withAPeriodBelowOneMillisecond_isRefused() {
    assertThatThrownBy(() -> new Housekeeping.Job("never", 0, false, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("periodMillis must be at least 1: 0");
  }
}
