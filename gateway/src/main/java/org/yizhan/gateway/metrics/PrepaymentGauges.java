package org.yizhan.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.yizhan.core.model.Fen;

/**
 * Prepayment balances as gauges, refreshed from the store every {@link #REFRESH_SECONDS}: balance,
 * advance owed and low-balance alert per (office, hospital) account, and the number of accounts in
 * alert. Labels are office and hospital codes, never people.
 */
public final class PrepaymentGauges {
  /** How often the gauges are read from the store, seconds. */
  public static final int REFRESH_SECONDS = 15;

  /** One account's figures, in fen. */
  public record Reading(
      String officeCode,
      String hospitalCode,
      long balanceFen,
      long advanceOwedFen,
      long thresholdFen) {}

  private final MeterRegistry registry;
  private final Map<String, AtomicLong[]> accounts = new ConcurrentHashMap<>();
  private final AtomicLong lowAccounts = new AtomicLong();

  public PrepaymentGauges(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("yizhan.prepayment.low.balance.accounts", lowAccounts, AtomicLong::get)
        .description("prepayment accounts whose balance is below their low-balance threshold")
        .register(registry);
  }

  public void update(List<Reading> readings) {
    long low = 0;
    for (Reading r : readings) {
      AtomicLong[] g =
          accounts.computeIfAbsent(r.officeCode() + "/" + r.hospitalCode(), k -> register(r));
      g[0].set(r.balanceFen());
      g[1].set(r.advanceOwedFen());
      boolean isLow = r.balanceFen() < r.thresholdFen();
      g[2].set(isLow ? 1 : 0);
      low += isLow ? 1 : 0;
    }
    lowAccounts.set(low);
  }

  private AtomicLong[] register(Reading r) {
    AtomicLong[] g = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    Gauge.builder("yizhan.prepayment.balance.yuan", g[0], v -> Fen.toYuan(v.get()).doubleValue())
        .tag("office", r.officeCode())
        .tag("hospital", r.hospitalCode())
        .register(registry);
    Gauge.builder(
            "yizhan.prepayment.advance.owed.yuan", g[1], v -> Fen.toYuan(v.get()).doubleValue())
        .tag("office", r.officeCode())
        .tag("hospital", r.hospitalCode())
        .register(registry);
    Gauge.builder("yizhan.prepayment.low.balance", g[2], AtomicLong::get)
        .tag("office", r.officeCode())
        .tag("hospital", r.hospitalCode())
        .register(registry);
    return g;
  }
}
