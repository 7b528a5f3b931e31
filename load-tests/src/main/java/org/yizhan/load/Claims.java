package org.yizhan.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * One catalogue item: code, name and price cap in fen (0 when none), and its part of a line as
   * UTF-8 bytes, from after the line number to the quantity ({@code
   * ","itemCode":"…","itemName":"…","quantity":}), encoded once.
   */
  record Item(String code, String name, long capFen, byte[] json) {
    Item(String code, String name, long capFen) {
      this(
          code,
          name,
          capFen,
          ("\",\"itemCode\":\"" + code + "\",\"itemName\":\"" + name + "\",\"quantity\":")
              .getBytes(StandardCharsets.UTF_8));
    }
  }

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
    return new String(claimBytes(person), StandardCharsets.UTF_8);
  }

  /** A claim of a random length for {@code person}, as the UTF-8 bytes sent. */
  public byte[] claimBytes(Person person) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    double u = r.nextDouble();
    int lines = LINES_MIN + (int) ((LINES_MAX - LINES_MIN) * u * u * u);
    return claimBytes(person, lines);
  }

  /** A claim of {@code minLines}–{@code maxLines} lines for one of {@code persons}, at random. */
  public String claimOfAny(List<Person> persons, int minLines, int maxLines) {
    return new String(claimBytesOfAny(persons, minLines, maxLines), StandardCharsets.UTF_8);
  }

  /** As {@link #claimOfAny}, as the UTF-8 bytes sent. */
  public byte[] claimBytesOfAny(List<Person> persons, int minLines, int maxLines) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return claimBytes(
        persons.get(r.nextInt(persons.size())), minLines + r.nextInt(maxLines - minLines + 1));
  }

  /** A claim of {@code lineCount} lines for {@code person}, with a new claim number. */
  public String claim(Person person, int lineCount) {
    return new String(claimBytes(person, lineCount), StandardCharsets.UTF_8);
  }

  /**
   * A claim of {@code lineCount} lines for {@code person}, with a new claim number, as the UTF-8
   * bytes sent: written straight into bytes (each item's code and name were encoded once, in the
   * constructor), so a claim costs no string of its own and no encoding of its Chinese names.
   */
  public byte[] claimBytes(Person person, int lineCount) {
    if (lineCount < 1 || lineCount > LINES_MAX) {
      throw new IllegalArgumentException("lines must be 1.." + LINES_MAX + ": " + lineCount);
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    LocalDate admitted = LocalDate.of(2018, 1, 1).plusDays(r.nextInt(340));
    LocalDate discharged = admitted.plusDays(1 + r.nextInt(20));
    Body b = BODIES.get().reset();
    b.ascii("{\"claimNo\":\"")
        .ascii(claimPrefix)
        .ascii("-")
        .number(next.incrementAndGet())
        .ascii("\",\"personIdNo\":\"")
        .ascii(person.idNo())
        .ascii("\",\"personName\":\"")
        .bytes(person.name().getBytes(StandardCharsets.UTF_8))
        .ascii("\",\"officeCode\":\"")
        .ascii(person.office())
        .ascii("\",\"admissionDate\":\"")
        .date(admitted)
        .ascii("\",\"dischargeDate\":\"")
        .date(discharged)
        .ascii("\",\"lines\":[");
    for (int i = 0; i < lineCount; i++) {
      Item item = items.get(r.nextInt(items.size()));
      long priceFen =
          item.capFen() > 0
              ? Math.max(1, item.capFen() / 2 + r.nextLong(item.capFen() / 2 + 1))
              : PRICE_MIN_FEN + r.nextLong(PRICE_MAX_FEN - PRICE_MIN_FEN + 1);
      long quantity = priceFen > 100_000 ? 1 + r.nextInt(2) : 1 + r.nextInt(10);
      if (i > 0) {
        b.ascii(",");
      }
      b.ascii("{\"lineNo\":\"")
          .number(i + 1)
          .bytes(item.json())
          .number(quantity)
          .ascii(",\"unitPrice\":")
          .yuan(priceFen)
          .ascii(",\"amount\":")
          .yuan(priceFen * quantity)
          .ascii("}");
    }
    return b.ascii("]}").toByteArray();
  }

  /** One body being written, per thread (a Gatling thread writes one claim at a time). */
  private static final ThreadLocal<Body> BODIES = ThreadLocal.withInitial(Body::new);

  /**
   * A growable byte buffer for one JSON body: ASCII text copied byte for byte, numbers written as
   * digits, UTF-8 text given as bytes encoded once.
   */
  static final class Body {
    /** Bytes first reserved: a claim of about 50 lines. */
    static final int INITIAL_BYTES = 8_192;

    private byte[] buf = new byte[INITIAL_BYTES];
    private int size;

    Body reset() {
      size = 0;
      return this;
    }

    private void room(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    /** Appends text that is ASCII (JSON punctuation, digits, codes, the claim prefix). */
    Body ascii(String s) {
      int n = s.length();
      room(n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          throw new IllegalArgumentException("not ASCII at " + i + ": " + s);
        }
        buf[size++] = (byte) c;
      }
      return this;
    }

    Body bytes(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    /** Appends a non-negative whole number's digits. */
    Body number(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("negative: " + n);
      }
      room(20);
      int start = size;
      do {
        buf[size++] = (byte) ('0' + n % 10);
        n /= 10;
      } while (n > 0);
      for (int i = start, j = size - 1; i < j; i++, j--) {
        byte t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
      }
      return this;
    }

    /** Appends fen as yuan with two decimals (12345 → 123.45). */
    Body yuan(long fen) {
      long cents = fen % 100;
      number(fen / 100);
      room(3);
      buf[size++] = '.';
      buf[size++] = (byte) ('0' + cents / 10);
      buf[size++] = (byte) ('0' + cents % 10);
      return this;
    }

    /** Appends an ISO date (yyyy-mm-dd; years 1000–9999). */
    Body date(LocalDate d) {
      number(d.getYear());
      ascii(d.getMonthValue() < 10 ? "-0" : "-").number(d.getMonthValue());
      return ascii(d.getDayOfMonth() < 10 ? "-0" : "-").number(d.getDayOfMonth());
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
