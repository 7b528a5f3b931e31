package org.yizhan.load;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.yizhan.core.model.IdNumber;

/**
 * The persons of a load: a population computed, not stored, so the seeder and every simulation
 * agree on who exists and who is poor without sharing a file.
 *
 * <p>Person {@code i} gets an 18-digit ID number (office code, a birth date, a sequence and the GB
 * 11643 check digit), an office and, for about 15% of the population, a confirmed poor identity.
 * Offices: 60% 445202 and 30% 445281 (the two demo civil-affairs offices, whose managers can
 * register identities and fund prepayment accounts), 10% 440104 (Guangzhou, another policy, no
 * identities). The poor are drawn among the first two offices only, at 1 in 6, so about 15% of
 * everyone.
 */
public final class Population {
  /** The most persons a population may hold (the seeder's roster import takes 50,000 a file). */
  public static final int MAX_SIZE = 1_000_000;

  static final String JIEYANG_RONGCHENG = "445202";
  static final String PUNING = "445281";
  static final String GUANGZHOU_YUEXIU = "440104";

  /** The offices whose managers can register identities (config/managers.yaml). */
  public static final List<String> MANAGED_OFFICES = List.of(JIEYANG_RONGCHENG, PUNING);

  /** First day of the identities the seeder registers; claims are discharged in 2018. */
  public static final LocalDate IDENTITY_FROM = LocalDate.of(2018, 1, 1);

  private static final String[] CATEGORIES = {
    "DESTITUTE", "SUBSISTENCE", "REGISTERED_POOR", "ILLNESS_POOR"
  };
  private static final LocalDate BIRTH_FIRST = LocalDate.of(1940, 1, 1);

  /** One person: index, ID number, office and poor category ({@code null} when not poor). */
  public record Person(int index, String idNo, String office, String poorCategory) {
    public boolean poor() {
      return poorCategory != null;
    }

    /** A name for claims and rosters: not real, stable per person. */
    public String name() {
      return "患者" + index;
    }
  }

  private final int size;

  public Population(int size) {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("population size must be 1.." + MAX_SIZE + ": " + size);
    }
    this.size = size;
  }

  public int size() {
    return size;
  }

  public Person person(int index) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("person index outside 0.." + (size - 1) + ": " + index);
    }
    SplittableRandom r = new SplittableRandom(0x5EED_0000L + index);
    int officeDraw = r.nextInt(10);
    String office = officeDraw < 6 ? JIEYANG_RONGCHENG : officeDraw < 9 ? PUNING : GUANGZHOU_YUEXIU;
    String category =
        !office.equals(GUANGZHOU_YUEXIU) && r.nextInt(6) == 0
            ? CATEGORIES[r.nextInt(CATEGORIES.length)]
            : null;
    // A bijection of index / 1000 onto 25,000 birth days (7919 is prime to 25,000), so no two
    // persons of an office share birth date and sequence.
    LocalDate birth = BIRTH_FIRST.plusDays((index / 1000L) * 7919L % 25_000L);
    String body =
        office
            + String.format(
                "%04d%02d%02d%03d",
                birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth(), index % 1000);
    return new Person(index, IdNumber.withCheckDigit(body).value(), office, category);
  }

  /** Every person, in index order. */
  public List<Person> all() {
    List<Person> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(person(i));
    }
    return out;
  }

  /** The first {@code n} persons of {@code office} that satisfy {@code poor} (any when null). */
  public List<Person> first(int n, String office, Boolean poor) {
    List<Person> out = new ArrayList<>(n);
    for (int i = 0; i < size && out.size() < n; i++) {
      Person p = person(i);
      if (p.office().equals(office) && (poor == null || poor == p.poor())) {
        out.add(p);
      }
    }
    if (out.size() < n) {
      throw new IllegalArgumentException(
          "population of " + size + " has fewer than " + n + " such persons of " + office);
    }
    return out;
  }
}
