package org.yizhan.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yizhan.core.model.Fen;

/**
 * The gateway's own meters, next to those Vert.x publishes (pools, event loops, JVM). Label values
 * come from small closed sets (route templates, fund codes, rejection codes, outcomes, the codes of
 * the registry's hospitals, taken from the caller's key), never from request data, so no ID number
 * or claim number can end up in a metric.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry;
  // Meters by their name and labels, looked up per request and per settlement: keyed by records
  // (no string built per lookup; the labels' own hashes are cached by String).
  private final Map<RouteKey, Timer> routeTimers = new ConcurrentHashMap<>();
  private final Map<Record, Counter> counters = new ConcurrentHashMap<>();

  private record RouteKey(String method, String route, int status) {}

  private record CounterKey(String name, String tag, String value) {}

  private record UnknownItemsKey(String hospitalCode, String operation, String outcome) {}

  public Metrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    registry.config().meterFilter(MeterFilter.deny(Metrics::namesAPerson));
  }

  /**
   * Whether a meter is labelled with a person's name: the managers' rate limiters are named by user
   * name ({@code manager-ca445202}), and a user name is personal data, so their meters are not
   * published (hospital limiters, named by hospital code, are).
   */
  static boolean namesAPerson(Meter.Id id) {
    String name = id.getTag("name");
    return name != null && name.startsWith("manager-");
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** Latency of one request to {@code route} (a template like /api/v1/settlements/:id). */
  public void request(String method, String route, int status, long nanos) {
    routeTimers
        .computeIfAbsent(
            new RouteKey(method, route, status),
            k ->
                Timer.builder("yizhan.http.requests")
                    .description("HTTP requests by route, method and status")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry))
        .record(Duration.ofNanos(nanos));
  }

  /**
   * A settlement made (not a replay): its count and the amounts paid per fund.
   *
   * @param paidFenByFund what each fund paid, fen, by its fund code
   * @param unknownItemLines lines whose item is not in the catalogue (paid as self-pay)
   */
  public void settled(
      String hospitalCode,
      Map<String, Long> paidFenByFund,
      long personalPayFen,
      long hospitalAdvanceFen,
      long unknownItemLines) {
    counter("yizhan.settlements", "outcome", "settled").increment();
    for (Map.Entry<String, Long> f : paidFenByFund.entrySet()) {
      counter("yizhan.settlement.paid.yuan", "fund", f.getKey()).increment(yuan(f.getValue()));
    }
    counter("yizhan.settlement.personal.yuan", "fund", "personal").increment(yuan(personalPayFen));
    if (hospitalAdvanceFen > 0) {
      counter("yizhan.prepayment.advance.yuan", "kind", "hospital")
          .increment(yuan(hospitalAdvanceFen));
    }
    unknownItems(hospitalCode, SETTLE, SELF_PAY, unknownItemLines);
  }

  /**
   * {@code fen} in yuan as a double, for a meter: the double nearest to fen / 100 (both are exact
   * doubles below 2^53, and IEEE division rounds once), which is what {@code
   * Fen.toYuan(fen).doubleValue()} gives, without a BigDecimal per fund and settlement.
   */
  static double yuan(long fen) {
    // beyond 2^53 fen (beyond any amount, Fen.MAX is 10^14) the long's double would round first
    if (fen > EXACT_DOUBLE_MAX || fen < -EXACT_DOUBLE_MAX) {
      return Fen.toYuan(fen).doubleValue();
    }
    return fen / 100.0;
  }

  /** The largest count every smaller one of which is an exact double: 2^53. */
  private static final long EXACT_DOUBLE_MAX = 1L << 53;

  /** {@link #unknownItems}' operation of a settlement made. */
  public static final String SETTLE = "settle";

  /** {@link #unknownItems}' operation of a preview (JSON preview, 2301, 2303). */
  public static final String PREVIEW = "preview";

  /** {@link #unknownItems}' outcome: lines priced as C, the patient pays them. */
  public static final String SELF_PAY = "self_pay";

  /** {@link #unknownItems}' outcome: a claim refused with UNKNOWN_ITEM. */
  public static final String REFUSED = "refused";

  /**
   * Adds {@code n} to the count of item codes not in the catalogue: lines paid as self-pay, or
   * claims refused ({@link #SELF_PAY}, {@link #REFUSED}); nothing when {@code n} is 0.
   */
  public void unknownItems(String hospitalCode, String operation, String outcome, long n) {
    if (n > 0) {
      unknownItemCounter(hospitalCode, operation, outcome).increment(n);
    }
  }

  /**
   * Item codes not in the catalogue: lines paid as self-pay, or claims refused, by hospital (its
   * registry code), operation (preview or settle) and outcome (self_pay or refused).
   */
  private Counter unknownItemCounter(String hospitalCode, String operation, String outcome) {
    return counters.computeIfAbsent(
        new UnknownItemsKey(hospitalCode, operation, outcome),
        k ->
            Counter.builder("yizhan.unknown.items")
                .description(
                    "Bill lines whose item code is not in the catalogue: self_pay counts lines,"
                        + " refused counts claims")
                .tag("hospital", hospitalCode)
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(registry));
  }

  public void replayed() {
    counter("yizhan.settlements", "outcome", "replayed").increment();
  }

  public void reversed() {
    counter("yizhan.settlements", "outcome", "reversed").increment();
  }

  public void previewed() {
    counter("yizhan.settlements", "outcome", "previewed").increment();
  }

  /** A request refused with {@code code} (validation, rejection, conflict, auth, limits). */
  public void rejected(String code) {
    counter("yizhan.rejections", "code", code).increment();
  }

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(
        new CounterKey(name, tag, value),
        k -> Counter.builder(name).tag(tag, value).register(registry));
  }
}
