package org.yizhan.core.ledger;

/**
 * How a settlement's assistance is funded from a prepayment account (rules §8).
 *
 * <p>Either assistance is refused, and nothing moves, or it is covered by what the balance gives
 * ({@code drawnFen}) plus what the hospital advances ({@code advanceFen}).
 *
 * @param drawnFen taken from the prepaid balance, in fen
 * @param advanceFen advanced by the hospital (owed to it), in fen
 * @param refused whether assistance was refused for want of balance
 */
public record Drawdown(long drawnFen, long advanceFen, boolean refused) {
  /** Nothing to fund: no assistance, or no account to fund it. */
  public static final Drawdown NONE = new Drawdown(0, 0, false);

  public Drawdown {
    if (drawnFen < 0 || advanceFen < 0) {
      throw new IllegalArgumentException(
          "drawn and advance must not be negative: " + drawnFen + ", " + advanceFen);
    }
    if (refused && (drawnFen != 0 || advanceFen != 0)) {
      throw new IllegalArgumentException(
          "a refused drawdown moves nothing: " + drawnFen + ", " + advanceFen);
    }
  }

  /**
   * The plan for an assistance payment of {@code maPayFen} from an account holding {@code
   * balanceFen} in the given mode: the balance pays what it can; the rest is advanced by the
   * hospital, or, in {@link PrepaymentMode#REFUSE}, the whole assistance is refused (never part of
   * it: a patient is either assisted in full or told why not).
   *
   * @param mode what the account does when its balance is short
   * @param balanceFen the prepaid money left, in fen (never negative)
   * @param maPayFen the assistance to fund, in fen (never negative)
   */
  public static Drawdown plan(PrepaymentMode mode, long balanceFen, long maPayFen) {
    if (mode == null) {
      throw new NullPointerException("mode");
    }
    if (balanceFen < 0 || maPayFen < 0) {
      throw new IllegalArgumentException(
          "balance and assistance must not be negative: " + balanceFen + ", " + maPayFen);
    }
    if (maPayFen == 0) {
      return NONE;
    }
    if (balanceFen >= maPayFen) {
      return new Drawdown(maPayFen, 0, false);
    }
    if (mode == PrepaymentMode.REFUSE) {
      return new Drawdown(0, 0, true);
    }
    return new Drawdown(balanceFen, maPayFen - balanceFen, false);
  }

  /** Whether anything moves in the ledger. */
  public boolean movesMoney() {
    return drawnFen > 0 || advanceFen > 0;
  }
}
