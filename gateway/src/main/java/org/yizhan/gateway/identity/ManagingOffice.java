package org.yizhan.gateway.identity;

/**
 * Which civil-affairs office manages a person: the one office that records the person's identities
 * (身份确认), whose prepayment pays the person's medical assistance, and whose region's policy governs
 * the person's settlements (参保地政策).
 *
 * <p>Today that is the region of the person's household registration (户籍), the first six characters
 * of the resident ID number (GB 11643: the administrative division code, e.g. 445202): an office
 * manages the persons whose ID number starts with its code. An insured-persons register (参保登记) will
 * replace this rule; it is written here alone so that only this class changes then. Neither a
 * hospital's claim nor a manager's request chooses the office: a claim naming another office is
 * refused ({@code OFFICE_MISMATCH}), and another office's manager cannot record, change or confirm
 * the person's identities ({@code NOT_MANAGING_OFFICE}).
 */
public final class ManagingOffice {
  /** Characters of the office code, the administrative division's. */
  public static final int CODE_LENGTH = 6;

  private ManagingOffice() {}

  /** The code of the office that manages the person of {@code personIdNo}. */
  public static String of(String personIdNo) {
    if (personIdNo == null || personIdNo.length() < CODE_LENGTH) {
      throw new IllegalArgumentException("not an ID number: length " + length(personIdNo));
    }
    return personIdNo.substring(0, CODE_LENGTH);
  }

  /** Whether the office of {@code officeCode} manages the person of {@code personIdNo}. */
  public static boolean manages(String officeCode, String personIdNo) {
    return of(personIdNo).equals(officeCode);
  }

  private static int length(String s) {
    return s == null ? -1 : s.length();
  }
}
