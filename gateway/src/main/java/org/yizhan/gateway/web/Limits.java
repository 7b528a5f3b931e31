package org.yizhan.gateway.web;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.yizhan.gateway.infra.Ticks;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * Abuse limits per caller, with Resilience4j and never blocking an event loop (a rate limiter with
 * a zero timeout, a semaphore bulkhead with a zero wait): each hospital may make {@code
 * hospitalRequestsPerSecond} requests a second with at most {@code hospitalConcurrentRequests} in
 * flight, each manager {@code managerRequestsPerSecond}. Beyond them the answer is 429 with
 * Retry-After. Limiters are named by hospital code or manager name (bounded sets), and their
 * figures are published as metrics (resilience4j_ratelimiter_*, resilience4j_bulkhead_*). The rate
 * limiters tick with the gateway's injected clock ({@link Ticks}), so tests move time instead of
 * sleeping.
 */
public final class Limits {
  private final RateLimiterRegistry hospitalRates;
  private final BulkheadRegistry hospitalConcurrency;
  private final RateLimiterRegistry managerRates;
  private final LongSupplier ticks;

  /** Every limiter made, by name (hospital codes, manager names and "login": bounded sets). */
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  public Limits(
      int hospitalRequestsPerSecond,
      int hospitalConcurrentRequests,
      int managerRequestsPerSecond,
      MeterRegistry meters,
      Clock clock) {
    this.ticks = Ticks.nanos(clock);
    this.hospitalRates = RateLimiterRegistry.of(perSecond(hospitalRequestsPerSecond));
    this.managerRates = RateLimiterRegistry.of(perSecond(managerRequestsPerSecond));
    this.hospitalConcurrency =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(hospitalConcurrentRequests)
                .maxWaitDuration(Duration.ZERO)
                .build());
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(hospitalRates).bindTo(meters);
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(managerRates).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(hospitalConcurrency).bindTo(meters);
  }

  private static RateLimiterConfig perSecond(int n) {
    return RateLimiterConfig.custom()
        .limitForPeriod(n)
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  /**
   * The limiter named {@code name}, ticking with the gateway's clock. Resilience4j's registry makes
   * its limiters on {@code System.nanoTime}; this one is made here on {@link #ticks} and put into
   * the registry in place of the registry's own, so that the registry's metrics publish it.
   */
  private RateLimiter limiter(RateLimiterRegistry registry, String name) {
    return limiters.computeIfAbsent(
        name,
        n -> {
          RateLimiter made =
              new AtomicRateLimiter(n, registry.getDefaultConfig(), Map.of(), ticks::getAsLong);
          registry.rateLimiter(n);
          registry.replace(n, made);
          return made;
        });
  }

  /**
   * Admits a hospital's request or throws 429; releases its concurrency slot, once, when it ends.
   * Call on the request's event loop.
   */
  public void admitHospital(RoutingContext ctx, String hospitalCode) {
    if (gone(ctx)) {
      throw new HttpRefusal(499, "CLIENT_CLOSED", null, "the client closed the connection");
    }
    RateLimiter rate = limiter(hospitalRates, "hospital-" + hospitalCode);
    if (!rate.acquirePermission()) {
      throw tooMany(
          "RATE_LIMITED",
          "more than "
              + rate.getRateLimiterConfig().getLimitForPeriod()
              + " requests a second from this hospital");
    }
    Bulkhead slots = hospitalConcurrency.bulkhead("hospital-" + hospitalCode);
    if (!slots.tryAcquirePermission()) {
      throw tooMany(
          "TOO_MANY_CONCURRENT",
          "more than "
              + slots.getBulkheadConfig().getMaxConcurrentCalls()
              + " requests in flight from this hospital");
    }
    AtomicBoolean held = new AtomicBoolean(true);
    ctx.addEndHandler(
        v -> {
          if (held.compareAndSet(true, false)) {
            slots.onComplete();
          }
        });
  }

  /** Whether the request's answer is sent or its connection closed: no end handler will run. */
  static boolean gone(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed();
  }

  public void admitManager(String username) {
    RateLimiter rate = limiter(managerRates, "manager-" + username);
    if (!rate.acquirePermission()) {
      throw tooMany(
          "RATE_LIMITED",
          "more than "
              + rate.getRateLimiterConfig().getLimitForPeriod()
              + " requests a second from this manager");
    }
  }

  /**
   * Admits a login attempt: all attempts together share one manager's rate, so that guessing
   * passwords (each costs a PBKDF2 run on a worker) stays slow and cannot crowd out the workers.
   */
  public void admitLogin() {
    RateLimiter rate = limiter(managerRates, "login");
    if (!rate.acquirePermission()) {
      throw tooMany(
          "RATE_LIMITED",
          "more than "
              + rate.getRateLimiterConfig().getLimitForPeriod()
              + " login attempts a second");
    }
  }

  private static Refusal tooMany(String code, String why) {
    return new Refusal(
        Refusal.Kind.TOO_MANY, code, null, "too many requests: " + why + "; retry after 1 second");
  }
}
