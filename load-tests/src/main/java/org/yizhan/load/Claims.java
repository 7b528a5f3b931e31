package org.yizhan.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.yizhan.load.Population.Person;

/**
 * Realistic claims for a load: 5 to 200 lines (most bills short, a few long: the count is skewed
 * towards 5) of items drawn from the shipped catalogue, categories A, B and C as the catalogue has
 * them, each priced at or under the item's cap when it has one; admitted and discharged in 2018 (a
 * stay of 1–20 days), so a person drawn several times has several admissions in the year.
 *
 * <p>Money is counted in fen ({@code long}) and written with two decimals; quantities are whole, so
 * every line's amount is exactly quantity × unit price and the gateway never refuses one.
 */
public final class Claims {
  /** Fewest and most lines of a claim. */
  public static final int LINES_MIN = 5;

  public static final int LINES_MAX = 200;

  /** Unit price of an item without a cap: 0.50 to 800.00 yuan, in fen. */
  static final long PRICE_MIN_FEN = 50;

  static final long PRICE_MAX_FEN = 80_000;

  /** One catalogue item: code, name and price cap in fen (0 when none). */
  record Item(String code, String name, long capFen) {}

  private final List<Item> items;
  private final String claimPrefix;
  private final AtomicLong next = new AtomicLong();

  /**
   * @param claimPrefix starts every claim number, so runs against one database never collide
   *     (letters, digits, '.', '_' or '-'; at most 40 characters)
   */
  public Claims(Path catalogueCsv, String claimPrefix) {
    if (!claimPrefix.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,39}")) {
      throw new IllegalArgumentException("bad claim prefix: " + claimPrefix);
    }
    this.items = read(catalogueCsv);
    this.claimPrefix = claimPrefix;
  }

  /** A prefix unique to this run: the tag and the start time in base 36. */
  public static String runPrefix(String tag) {
    return tag + "-" + Long.toString(System.currentTimeMillis(), 36);
  }

  static List<Item> read(Path csv) {
    List<Item> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        long cap = f[4].isEmpty() ? 0 : new BigDecimal(f[4]).movePointRight(2).longValueExact();
        out.add(new Item(f[0], f[1], cap));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no items in " + csv);
    }
    return List.copyOf(out);
  }

  /** A claim of a random length for {@code person}. */
  public String claim(Person person) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    double u = r.nextDouble();
    int lines = LINES_MIN + (int) ((LINES_MAX - LINES_MIN) * u * u * u);
    return claim(person, lines);
  }

  /** A claim of {@code minLines}–{@code maxLines} lines for one of {@code persons}, at random. */
  public String claimOfAny(List<Person> persons, int minLines, int maxLines) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return claim(
        persons.get(r.nextInt(persons.size())), minLines + r.nextInt(maxLines - minLines + 1));
  }

  /** A claim of {@code lineCount} lines for {@code person}, with a new claim number. */
  public String claim(Person person, int lineCount) {
    if (lineCount < 1 || lineCount > LINES_MAX) {
      throw new IllegalArgumentException("lines must be 1.." + LINES_MAX + ": " + lineCount);
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    LocalDate admitted = LocalDate.of(2018, 1, 1).plusDays(r.nextInt(340));
    LocalDate discharged = admitted.plusDays(1 + r.nextInt(20));
    StringBuilder b = new StringBuilder(160 + lineCount * 150);
    b.append("{\"claimNo\":\"")
        .append(claimPrefix)
        .append('-')
        .append(next.incrementAndGet())
        .append("\",\"personIdNo\":\"")
        .append(person.idNo())
        .append("\",\"personName\":\"")
        .append(person.name())
        .append("\",\"officeCode\":\"")
        .append(person.office())
        .append("\",\"admissionDate\":\"")
        .append(admitted)
        .append("\",\"dischargeDate\":\"")
        .append(discharged)
        .append("\",\"lines\":[");
    for (int i = 0; i < lineCount; i++) {
      Item item = items.get(r.nextInt(items.size()));
      long priceFen =
          item.capFen() > 0
              ? Math.max(1, item.capFen() / 2 + r.nextLong(item.capFen() / 2 + 1))
              : PRICE_MIN_FEN + r.nextLong(PRICE_MAX_FEN - PRICE_MIN_FEN + 1);
      long quantity = priceFen > 100_000 ? 1 + r.nextInt(2) : 1 + r.nextInt(10);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"lineNo\":\"")
          .append(i + 1)
          .append("\",\"itemCode\":\"")
          .append(item.code())
          .append("\",\"itemName\":\"")
          .append(item.name())
          .append("\",\"quantity\":")
          .append(quantity)
          .append(",\"unitPrice\":");
      appendYuan(b, priceFen).append(",\"amount\":");
      appendYuan(b, priceFen * quantity).append('}');
    }
    return b.append("]}").toString();
  }

  /** Appends fen as yuan with two decimals (12345 → "123.45"), without a string of its own. */
  static StringBuilder appendYuan(StringBuilder b, long fen) {
    long cents = fen % 100;
    return b.append(fen / 100).append('.').append(cents < 10 ? "0" : "").append(cents);
  }
}
