package org.yizhan.gateway.infra.db;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * A circuit breaker around the database (Resilience4j, used without blocking: permission is asked
 * before a call and the outcome reported when its future completes). When the database is
 * unreachable, calls fail fast as {@link Unavailable} (503 with Retry-After) instead of queueing
 * behind dead connections; after {@link #OPEN_SECONDS} a few calls probe, and the breaker closes by
 * itself once they succeed.
 *
 * <p>Only infrastructure failures count against the database: lost or refused connections, pool
 * timeouts, and PostgreSQL's connection and resource errors (SQLSTATE classes 08, 53, 57). A
 * constraint violation or a refused claim says nothing about the database's health.
 */
public final class DbGuard {
  private static final Logger LOG = LoggerFactory.getLogger(DbGuard.class);

  /** How long the breaker stays open before probing, seconds; also the Retry-After we send. */
  public static final int OPEN_SECONDS = 5;

  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private final CircuitBreaker breaker;

  /**
   * @param name the breaker's name in the metrics
   * @param clock the gateway's clock: the breaker's time window and its open time run on it
   */
  public DbGuard(String name, Clock clock) {
    this.breaker =
        registry.circuitBreaker(
            name,
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(OPEN_SECONDS))
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(DbGuard::isInfrastructureFailure)
                .clock(clock)
                .build());
  }

  /**
   * Gives a leased connection an exception handler. The SQL client prints a lost connection's
   * exception with {@code printStackTrace()} (about 95 lines on stderr, unmasked, outside the log)
   * when the lease has none; the query in flight fails with the same cause and is logged once, as
   * one line, where its caller handles it, so here it is only a DEBUG line.
   */
  public static SqlConnection quiet(SqlConnection conn) {
    return conn.exceptionHandler(e -> LOG.debug("database connection lost: {}", describe(e)));
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Publishes the breaker's state and call counts (resilience4j_circuitbreaker_*). */
  public DbGuard bindTo(MeterRegistry meters) {
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    return this;
  }

  /** Runs {@code call} if the breaker allows, reporting its outcome to the breaker. */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(new Unavailable("the database is unavailable; retry later"));
    }
    long start = System.nanoTime();
    Future<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      return Future.failedFuture(e);
    }
    return f.andThen(
            ar -> {
              long took = System.nanoTime() - start;
              if (ar.succeeded()) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
              } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, ar.cause());
              }
            })
        .recover(
            e -> {
              if (!isInfrastructureFailure(e)) {
                return Future.failedFuture(e);
              }
              LOG.warn("database call failed: {}", describe(e));
              return Future.failedFuture(new Unavailable("the database did not answer; retry"));
            });
  }

  /** A failure for the log: its kind and SQLSTATE, without the row values a detail may hold. */
  static String describe(Throwable e) {
    if (e instanceof PgException) {
      PgException pg = (PgException) e;
      return "SQLSTATE " + pg.getSqlState() + " " + pg.getErrorMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  static boolean isInfrastructureFailure(Throwable e) {
    if (e instanceof Unavailable || e instanceof CallNotPermittedException) {
      return true;
    }
    if (e instanceof Refusal) {
      return false;
    }
    if (e instanceof PgException) {
      String state = ((PgException) e).getSqlState();
      return state != null
          && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57"));
    }
    // anything else from the client (closed connection, pool timeout, connection refused) is the
    // connection's fault; a programming error is not, and must not open the breaker
    return !(e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof NullPointerException
        || e instanceof ClassCastException
        || e instanceof ArithmeticException
        || e instanceof IndexOutOfBoundsException);
  }

  /** The database cannot be reached now; the answer is 503 with Retry-After. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
      super(message, null, false, false);
    }
  }
}
