package org.yizhan.core.ledger;

import java.util.Objects;

/**
 * The ledger's names of the accounts behind one prepayment (one civil-affairs office at one
 * hospital). Transfers move money between these names; only PREPAY and ADVANCE are cached on the
 * prepayment account row.
 *
 * @param officeCode the civil-affairs office that prepays
 * @param hospitalCode the hospital the money is prepaid to
 */
public record LedgerAccounts(String officeCode, String hospitalCode) {
  public LedgerAccounts {
    Objects.requireNonNull(officeCode, "officeCode");
    Objects.requireNonNull(hospitalCode, "hospitalCode");
  }

  /** The prepaid money left at the hospital. */
  public String prepay() {
    return "PREPAY:" + officeCode + ":" + hospitalCode;
  }

  /** The assistance paid out through the hospital. */
  public String paid() {
    return "PAID:" + officeCode + ":" + hospitalCode;
  }

  /** The hospital's advances (its balance is minus what is owed to the hospital). */
  public String advance() {
    return "ADVANCE:" + officeCode + ":" + hospitalCode;
  }

  /** Civil affairs' funding source for top-ups. */
  public String fund() {
    return "FUND:" + officeCode;
  }
}
