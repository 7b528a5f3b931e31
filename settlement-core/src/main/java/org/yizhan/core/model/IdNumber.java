package org.yizhan.core.model;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A resident ID number (居民身份证号码, GB 11643-1999) in its one canonical spelling: 18 characters, six
 * digits of area, eight of birth date ({@code yyyyMMdd}), three of sequence, and the ISO 7064 MOD
 * 11-2 check character, a digit or an upper-case {@code X}.
 *
 * <p>Why one type: the ID number is the person's key. The year's figures, the annual caps and the
 * identities are all kept per key, so two spellings of one person would be two persons with two
 * sets of caps. {@link #parse} therefore turns every accepted spelling into the canonical one: a
 * lower-case {@code x} check character (unambiguous) becomes {@code X}, and a first-generation
 * 15-digit number (area, {@code yyMMdd} of a 20th-century birth, sequence; no check character)
 * becomes its 18-digit form by inserting "19" before the year and computing the check character, as
 * the public security bureaus did when they reissued the cards. Everything else is refused.
 *
 * <p>A refusal says what is wrong ({@link Fault}) and never repeats the number: the reason goes
 * into answers and logs, the number must not.
 *
 * @param value the canonical 18 characters
 */
public record IdNumber(String value) {
  /** The earliest birth date accepted: nobody alive was born before it. */
  public static final LocalDate BIRTH_FIRST = LocalDate.of(1900, 1, 1);

  /** Weights of the 17 body digits in the check sum, 2^(17-i) mod 11. */
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

  /** The check character of each remainder of the weighted sum mod 11. */
  private static final char[] CHECK = "10X98765432".toCharArray();

  /** What is wrong with a would-be ID number; {@link #reason()} never holds the number. */
  public enum Fault {
    SHAPE("must be 18 characters (17 digits and a digit or X) or 15 digits"),
    BIRTH_DATE("does not hold a real birth date from 1900 to today"),
    CHECK_DIGIT("has a wrong check digit");

    private final String reason;

    Fault(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** Thrown by {@link #parse}: the text is not an ID number. The message is the fault's reason. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Fault fault;

    Invalid(Fault fault) {
      super(fault.reason(), null);
      this.fault = fault;
    }

    public Fault fault() {
      return fault;
    }
  }

  /** Refuses anything but the canonical form; the message names the fault, not the value. */
  public IdNumber {
    Objects.requireNonNull(value, "value");
    Fault f = fault(value, null);
    if (f != null) {
      throw new Invalid(f);
    }
  }

  /**
   * The ID number {@code text} spells, canonical; an 18-character text with a lower-case {@code x}
   * and a 15-digit text are accepted and converted.
   *
   * @param today the current date where the number is read: a birth date after it is refused
   * @throws Invalid naming the fault (never the text)
   */
  public static IdNumber parse(String text, LocalDate today) {
    Objects.requireNonNull(today, "today");
    if (text == null) {
      throw new Invalid(Fault.SHAPE);
    }
    String canonical;
    if (text.length() == 15 && digits(text, 15)) {
      String body = text.substring(0, 6) + "19" + text.substring(6);
      canonical = body + checkChar(body);
    } else if (text.length() == 18 && text.charAt(17) == 'x') {
      canonical = text.substring(0, 17) + 'X';
    } else {
      canonical = text;
    }
    Fault f = fault(canonical, today);
    if (f != null) {
      throw new Invalid(f);
    }
    return new IdNumber(canonical);
  }

  /**
   * The latest birth date a number may hold when read at {@code clock}'s instant: the date in the
   * time zone furthest ahead (UTC+18), so a child born today anywhere is not refused as born in the
   * future. The {@code today} to hand {@link #parse}.
   */
  public static LocalDate latestBirthDate(Clock clock) {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.MAX);
  }

  /**
   * The ID number of 17 body digits and their check character, for tests and generated data.
   *
   * @throws Invalid if the body is not 17 digits or holds no real birth date
   */
  public static IdNumber withCheckDigit(String body17) {
    if (body17 == null || body17.length() != 17 || !digits(body17, 17)) {
      throw new Invalid(Fault.SHAPE);
    }
    return new IdNumber(body17 + checkChar(body17));
  }

  /** The ISO 7064 MOD 11-2 check character of 17 digits. */
  public static char checkChar(String body17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body17.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK[sum % 11];
  }

  /** The birth date the number holds. */
  public LocalDate birthDate() {
    return birthDateOf(value);
  }

  /** 1 for a man, 2 for a woman: the parity of the sequence's last digit, as GB 11643 assigns. */
  public int gender() {
    return (value.charAt(16) - '0') % 2 == 1 ? 1 : 2;
  }

  /** Masked (first character and last two), so that a number logged by mistake stays private. */
  @Override
  public String toString() {
    return value.charAt(0) + "*".repeat(15) + value.substring(16);
  }

  /** What is wrong with a canonical-looking text, or {@code null}; {@code today} may be null. */
  private static Fault fault(String s, LocalDate today) {
    if (s.length() != 18 || !digits(s, 17) || !(isDigit(s.charAt(17)) || s.charAt(17) == 'X')) {
      return Fault.SHAPE;
    }
    LocalDate birth = birthDateOf(s);
    if (birth == null || birth.isBefore(BIRTH_FIRST) || (today != null && birth.isAfter(today))) {
      return Fault.BIRTH_DATE;
    }
    if (checkChar(s) != s.charAt(17)) {
      return Fault.CHECK_DIGIT;
    }
    return null;
  }

  private static LocalDate birthDateOf(String s) {
    int year = Integer.parseInt(s, 6, 10, 10);
    int month = Integer.parseInt(s, 10, 12, 10);
    int day = Integer.parseInt(s, 12, 14, 10);
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Whether the first {@code n} characters are ASCII digits (not other scripts' digits). */
  private static boolean digits(String s, int n) {
    for (int i = 0; i < n; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
