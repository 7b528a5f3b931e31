package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Ratio;

/**
 * Loads the insurance catalogue from {@code config/catalogue/*.csv}, with the header {@code
 * code,name,category,self_pay_ratio,price_cap,valid_from,valid_to}. An empty price cap means none;
 * an empty valid_to means open-ended. A bad cell is refused with its file, line and column.
 */
public final class CatalogueFiles {
  static final List<String> HEADER =
      List.of("code", "name", "category", "self_pay_ratio", "price_cap", "valid_from", "valid_to");

  private CatalogueFiles() {}

  public static Catalogue load(Path dir) {
    List<CatalogueEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        entries.addAll(loadFile(file));
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read the catalogue from " + dir + ": " + e.getMessage(), e);
    }
    if (entries.isEmpty()) {
      throw new ConfigException(dir + ": no catalogue entries (*.csv)");
    }
    try {
      return Catalogue.of(entries);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(dir + ": " + e.getMessage(), e);
    }
  }

  static List<CatalogueEntry> loadFile(Path file) {
    String name = file.getFileName().toString();
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    List<CatalogueEntry> out = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<List<String>> rows =
            mapper.readerForListOf(String.class).with(CsvSchema.emptySchema()).readValues(reader)) {
      if (!rows.hasNext()) {
        throw new ConfigException(
            name + ": empty; expected the header " + String.join(",", HEADER));
      }
      List<String> header = rows.next();
      if (!header.equals(HEADER)) {
        throw new ConfigException(
            name
                + ": line 1: header must be "
                + String.join(",", HEADER)
                + ", got "
                + String.join(",", header));
      }
      int line = 1;
      while (rows.hasNext()) {
        List<String> row = rows.next();
        line++;
        if (row.size() == 1 && row.get(0).isBlank()) {
          continue;
        }
        out.add(entry(name, line, row));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException) {
        throw (ConfigException) e;
      }
      throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  private static CatalogueEntry entry(String file, int line, List<String> row) {
    String at = file + ": line " + line + ": ";
    if (row.size() != HEADER.size()) {
      throw new ConfigException(at + "expected " + HEADER.size() + " columns, got " + row.size());
    }
    String code = row.get(0).trim();
    if (!code.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException(at + "code: must be 1–64 letters, digits, '.', '_' or '-'");
    }
    Category category;
    try {
      category = Category.valueOf(row.get(2).trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + "category: must be A, B or C, got '" + row.get(2) + "'");
    }
    Ratio ratio;
    try {
      ratio = Ratio.parse(row.get(3).trim().isEmpty() ? "0" : row.get(3).trim());
    } catch (RuntimeException e) {
      throw new ConfigException(at + "self_pay_ratio: " + e.getMessage());
    }
    Long cap = null;
    if (!row.get(4).isBlank()) {
      try {
        BigDecimal d = new BigDecimal(row.get(4).trim());
        cap = d.movePointRight(ClaimLine.PRICE_DECIMALS).longValueExact();
        if (cap < 0) {
          throw new ArithmeticException("negative");
        }
      } catch (RuntimeException e) {
        throw new ConfigException(
            at
                + "price_cap: must be a non-negative price with at most 6 decimals, got '"
                + row.get(4)
                + "'");
      }
    }
    LocalDate from = date(at + "valid_from", row.get(5), false);
    LocalDate to = date(at + "valid_to", row.get(6), true);
    try {
      return new CatalogueEntry(code, row.get(1).trim(), category, ratio, cap, from, to);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + e.getMessage());
    }
  }

  private static LocalDate date(String at, String text, boolean optional) {
    if (text.isBlank()) {
      if (optional) {
        return null;
      }
      throw new ConfigException(at + ": is required");
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException(at + ": must be a date like 2018-01-01, got '" + text + "'");
    }
  }
}
