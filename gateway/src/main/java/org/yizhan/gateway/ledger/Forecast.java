package org.yizhan.gateway.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * When an account runs out at the pace of the last 30 days, and what top-up lasts it to the end of
 * the month.
 *
 * <p>The rule (docs/manager-page.md, "Forecast"): the window is the {@value #WINDOW_DAYS} whole
 * local days before today (today is still running and would understate the pace). The demand is
 * what the account's patients needed in that window: drawdowns plus hospital advances, less their
 * reversals (an advance is assistance the balance could not pay; it counts as demand all the same).
 * The pace is demand / 30 fen a day, kept as that fraction so that nothing is rounded until the
 * answer:
 *
 * <ul>
 *   <li>the balance falls short during day {@code j = floor(balance × 30 / demand)} after today
 *       (today is day 0): the run-out date is {@code today + j}; none when the demand is 0;
 *   <li>it falls under the alert line during day {@code floor((balance − line) × 30 / demand)},
 *       today when already under it;
 *   <li>to the end of the month ({@code L} days left, today included) the account needs {@code
 *       ceil(demand × L / 30)} fen (rounded up: a fen short is short); the top-up needed is that
 *       less the balance, or 0.
 * </ul>
 *
 * All in exact fen ({@code long}); the largest product, a balance of 10^12 fen times 30, is far
 * below {@code Long.MAX_VALUE}.
 *
 * @param today the local day the forecast is made on (the injected clock's, in the gateway's zone)
 * @param windowFrom the window's first day ({@code today − 30})
 * @param windowTo the window's last day ({@code today − 1})
 * @param demandFen the window's drawdowns + advances − reversal credits − advance reversals, ≥ 0
 * @param balanceFen the account's balance now
 * @param lowBalanceThresholdFen the alert line
 * @param periodEnd the last day of today's month
 */
public record Forecast(
    LocalDate today,
    LocalDate windowFrom,
    LocalDate windowTo,
    long demandFen,
    long balanceFen,
    long lowBalanceThresholdFen,
    LocalDate periodEnd) {
  /** Days the pace is measured over. */
  public static final int WINDOW_DAYS = 30;

  public Forecast {
    if (demandFen < 0) {
      throw new IllegalArgumentException("demandFen must not be negative: " + demandFen);
    }
    if (periodEnd.isBefore(today)) {
      throw new IllegalArgumentException("periodEnd " + periodEnd + " is before " + today);
    }
  }

  /**
   * The forecast on {@code today} from the window's sums by kind (fen): a negative net (more
   * reversed than paid) counts as no demand.
   */
  public static Forecast of(
      LocalDate today,
      long drawdownsFen,
      long advancesFen,
      long reversalCreditsFen,
      long advanceReversalsFen,
      long balanceFen,
      long lowBalanceThresholdFen) {
    long demand =
        Math.max(0, drawdownsFen + advancesFen - reversalCreditsFen - advanceReversalsFen);
    return new Forecast(
        today,
        windowStart(today),
        today.minusDays(1),
        demand,
        balanceFen,
        lowBalanceThresholdFen,
        YearMonth.from(today).atEndOfMonth());
  }

  /** The first day of the window that ends the day before {@code today}. */
  public static LocalDate windowStart(LocalDate today) {
    return today.minusDays(WINDOW_DAYS);
  }

  /** The pace in fen a day, rounded half up to a fen: for showing only, never computed with. */
  public long dailyRateFen() {
    return BigDecimal.valueOf(demandFen)
        .divide(BigDecimal.valueOf(WINDOW_DAYS), 0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  /** The day the balance falls short at this pace, or null when nothing is drawn. */
  public LocalDate runOutDate() {
    return crossing(balanceFen);
  }

  /** The day the balance falls under the alert line at this pace, or null when nothing is drawn. */
  public LocalDate alertDate() {
    return crossing(balanceFen - lowBalanceThresholdFen);
  }

  private LocalDate crossing(long headroomFen) {
    if (demandFen == 0) {
      return null;
    }
    if (headroomFen <= 0) {
      return today;
    }
    return today.plusDays(Math.floorDiv(headroomFen * WINDOW_DAYS, demandFen));
  }

  /** Days from today to the end of the month, both included. */
  public long daysLeft() {
    return periodEnd.toEpochDay() - today.toEpochDay() + 1;
  }

  /** What the account needs to the end of the month at this pace, rounded up to a fen. */
  public long neededToPeriodEndFen() {
    return Math.floorDiv(demandFen * daysLeft() + WINDOW_DAYS - 1, WINDOW_DAYS);
  }

  /** The top-up that lasts the account to the end of the month at this pace, or 0. */
  public long topUpNeededFen() {
    return Math.max(0, neededToPeriodEndFen() - balanceFen);
  }
}
