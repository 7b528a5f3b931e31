package org.yizhan.gateway.security;

/**
 * Masks personal data for logs, audit details and anything else a person may read who need not know
 * who the patient is: an ID number keeps its first character and its last two (PIPL art. 28 counts
 * medical and financial data as sensitive).
 */
public final class Masking {
  private Masking() {}

  /** "445202199001011234" → "4***************34". */
  public static String idNo(String idNo) {
    if (idNo == null) {
      return null;
    }
    int n = idNo.length();
    if (n <= 3) {
      return "*".repeat(n);
    }
    return idNo.charAt(0) + "*".repeat(n - 3) + idNo.substring(n - 2);
  }
}
