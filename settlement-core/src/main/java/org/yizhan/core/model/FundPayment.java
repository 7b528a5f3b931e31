package org.yizhan.core.model;

import java.util.Objects;

/**
 * What one fund paid on a settlement (setldetail).
 *
 * @param fund which payer
 * @param fundCode the national fund code (fund_pay_type), e.g. 390100
 * @param baseFen the amount the fund's rule worked on (inscp_scp_amt of the fund)
 * @param paidFen what the fund pays (fund_payamt)
 * @param remainingRoomFen the annual room left after this settlement (crt_payb_lmt_amt), or {@code
 *     null} when the fund has no annual cap for this person
 * @param trace the steps of the computation, in words and numbers, separated by ", "
 *     (setl_proc_info)
 */
public record FundPayment(
    Fund fund, String fundCode, long baseFen, long paidFen, Long remainingRoomFen, String trace) {

  public FundPayment {
    Objects.requireNonNull(fund, "fund");
    Objects.requireNonNull(fundCode, "fundCode");
    Objects.requireNonNull(trace, "trace");
    if (baseFen < 0 || paidFen < 0 || (remainingRoomFen != null && remainingRoomFen < 0)) {
      throw new IllegalArgumentException(
          fund
              + ": base, paid and room must not be negative: "
              + baseFen
              + ", "
              + paidFen
              + ", "
              + remainingRoomFen);
    }
  }
}
