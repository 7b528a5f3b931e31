package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Ratio;

/**
 * The insurance catalogue's CSV: the files of {@code config/catalogue/*.csv}, read at start and
 * seeded as the first catalogue version, and the format in which agency staff upload and export
 * versions (policy.CatalogueService). The header is {@code
 * code,name,category,self_pay_ratio,price_cap,valid_from,valid_to}, or the same columns in Chinese
 * ({@code 编码,名称,类别,自付比例,限价,开始日期,结束日期}; each column in either). An empty price cap means none; an
 * empty valid_to means open-ended. A file is UTF-8 (with or without BOM) or GB18030/GBK (Excel's
 * "CSV" on Chinese Windows), decoded strictly.
 *
 * <p>{@link #parse} checks every line and lists every problem with its line and column, so that an
 * upload is refused once with all that is wrong; {@link #load} (start-up) refuses the first.
 */
public final class CatalogueFiles {
  static final List<String> HEADER =
      List.of("code", "name", "category", "self_pay_ratio", "price_cap", "valid_from", "valid_to");

  /** The header's columns in Chinese, accepted in place of {@link #HEADER}'s, column by column. */
  static final List<String> HEADER_ZH = List.of("编码", "名称", "类别", "自付比例", "限价", "开始日期", "结束日期");

  /**
   * The region whose catalogue the shipped files are: 广东 (440000). A catalogue is set by the
   * province (粤医保发 documents), so its versions are kept by agency staff of the province.
   */
  public static final String SHIPPED_SCOPE = "440000";

  /** Problems listed at the most; a file with more is usually in the wrong format altogether. */
  public static final int PROBLEMS_MAX = 500;

  /** The most entries a catalogue holds (a province's full list is about 30,000). */
  public static final int ENTRIES_MAX = 200_000;

  /** The encodings tried, in order. */
  static final List<Charset> ENCODINGS =
      List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"));

  /**
   * One problem of a catalogue's text.
   *
   * @param line the line in the file (1 is the header), or 0 when not about a line
   * @param field the column ({@code category}, …) or, at line 0, the draft's field
   * @param message what is wrong, in Chinese, naming the bad value
   */
  public record Problem(int line, String field, String message) {}

  /**
   * A catalogue's entries with the line of each, or its problems (then the entries are not to be
   * used).
   */
  public record Parsed(List<CatalogueEntry> entries, List<Integer> lines, List<Problem> problems) {
    public Parsed {
      entries = List.copyOf(entries);
      lines = List.copyOf(lines);
      problems = List.copyOf(problems);
    }
  }

  /** A file of the catalogue directory. */
  public record Document(String fileName, String text) {}

  private CatalogueFiles() {}

  /** The catalogue of every file in {@code dir}; refused with the first problem. */
  public static Catalogue load(Path dir) {
    List<CatalogueEntry> entries = new ArrayList<>();
    for (Document d : documents(dir)) {
      Parsed parsed = parse(d.text());
      if (!parsed.problems().isEmpty()) {
        Problem p = parsed.problems().get(0);
        throw new ConfigException(
            d.fileName() + ": line " + p.line() + ": " + p.field() + ": " + p.message());
      }
      entries.addAll(parsed.entries());
    }
    try {
      return Catalogue.of(entries);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(dir + ": " + e.getMessage(), e);
    }
  }

  /** The files of {@code dir} in name order, as text. */
  public static List<Document> documents(Path dir) {
    List<Document> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        String text = decode(Files.readAllBytes(file));
        if (text == null) {
          throw new ConfigException(file.getFileName() + ": neither UTF-8 nor GB18030/GBK text");
        }
        out.add(new Document(file.getFileName().toString(), text));
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read the catalogue from " + dir + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new ConfigException(dir + ": no catalogue entries (*.csv)");
    }
    return out;
  }

  /**
   * The files of {@code dir} as one document: the first file's text, then every other file's lines
   * but its header. What the first start seeds as the first catalogue version.
   */
  public static String joined(List<Document> documents) {
    StringBuilder out = new StringBuilder(documents.get(0).text());
    for (Document d : documents.subList(1, documents.size())) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      int header = d.text().indexOf('\n');
      out.append(header < 0 ? "" : d.text().substring(header + 1));
    }
    return out.toString();
  }

  /** The bytes as UTF-8 or else GB18030 text (strictly: nothing replaced), or null if neither. */
  public static String decode(byte[] bytes) {
    for (Charset charset : ENCODINGS) {
      try {
        return charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        // the next encoding
      }
    }
    return null;
  }

  /** Every entry of a catalogue's text, or every problem (at most {@link #PROBLEMS_MAX}). */
  public static Parsed parse(String text) {
    List<CatalogueEntry> out = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (MappingIterator<List<String>> rows =
        mapper
            .readerForListOf(String.class)
            .with(CsvSchema.emptySchema())
            .readValues(new StringReader(body))) {
      if (!rows.hasNext()) {
        problems.add(new Problem(1, "header", "文件为空；首行应为表头 " + String.join(",", HEADER)));
        return new Parsed(out, lines, problems);
      }
      List<String> header = rows.next();
      if (!headerAccepted(header)) {
        problems.add(
            new Problem(
                1,
                "header",
                "表头应为 "
                    + String.join(",", HEADER)
                    + " 或 "
                    + String.join(",", HEADER_ZH)
                    + "，实为 "
                    + String.join(",", header)));
        return new Parsed(out, lines, problems);
      }
      int line = 1;
      while (rows.hasNext() && problems.size() < PROBLEMS_MAX) {
        List<String> row = rows.next();
        line++;
        if (row.size() == 1 && row.get(0).isBlank()) {
          continue;
        }
        CatalogueEntry e = entry(line, row, problems);
        if (e != null) {
          out.add(e);
          lines.add(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add(new Problem(0, "document", "无法读取为 CSV：" + e.getMessage()));
    }
    if (out.size() > ENTRIES_MAX) {
      problems.add(new Problem(0, "document", "条目过多：最多 " + ENTRIES_MAX + " 条，实有 " + out.size()));
    } else if (out.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem(0, "document", "没有任何条目"));
    }
    overlaps(out, lines, problems);
    return new Parsed(out, lines, problems);
  }

  private static boolean headerAccepted(List<String> header) {
    if (header.size() != HEADER.size()) {
      return false;
    }
    for (int i = 0; i < HEADER.size(); i++) {
      String h = header.get(i).trim();
      if (!h.equals(HEADER.get(i)) && !h.equals(HEADER_ZH.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Two periods of one code that overlap: a problem at the later line. */
  private static void overlaps(
      List<CatalogueEntry> entries, List<Integer> lines, List<Problem> problems) {
    Map<String, List<Integer>> byCode = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      byCode.computeIfAbsent(entries.get(i).code(), k -> new ArrayList<>(1)).add(i);
    }
    for (List<Integer> same : byCode.values()) {
      if (same.size() < 2) {
        continue;
      }
      same.sort(Comparator.comparing(i -> entries.get(i).validFrom()));
      for (int k = 1; k < same.size(); k++) {
        CatalogueEntry previous = entries.get(same.get(k - 1));
        CatalogueEntry next = entries.get(same.get(k));
        if (previous.validTo() == null || !previous.validTo().isBefore(next.validFrom())) {
          problems.add(
              new Problem(
                  Math.max(lines.get(same.get(k - 1)), lines.get(same.get(k))),
                  "valid_from",
                  "编码 "
                      + next.code()
                      + " 的有效期与第 "
                      + Math.min(lines.get(same.get(k - 1)), lines.get(same.get(k)))
                      + " 行重叠（同一编码的各期不得重叠）"));
        }
      }
    }
    problems.sort(Comparator.comparingInt(Problem::line));
  }

  /** The entry of one line, or null with its problems added (every bad cell of the line). */
  private static CatalogueEntry entry(int line, List<String> row, List<Problem> problems) {
    if (row.size() != HEADER.size()) {
      problems.add(
          new Problem(line, "columns", "应有 " + HEADER.size() + " 列，实有 " + row.size() + " 列"));
      return null;
    }
    int before = problems.size();
    String code = row.get(0).trim();
    if (!code.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add(
          new Problem(line, "code", "编码须为 1–64 个字母、数字、'.'、'_' 或 '-'，实为 '" + row.get(0) + "'"));
    }
    String name = row.get(1).trim();
    if (name.isEmpty() || name.length() > 200) {
      problems.add(new Problem(line, "name", "名称须为 1–200 个字符"));
    }
    Category category = null;
    try {
      category = Category.valueOf(row.get(2).trim());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(line, "category", "类别须为 A、B 或 C，实为 '" + row.get(2) + "'"));
    }
    Ratio ratio = null;
    try {
      ratio = Ratio.parse(row.get(3).trim().isEmpty() ? "0" : row.get(3).trim());
      if (!ratio.isAtMostOne()) {
        problems.add(new Problem(line, "self_pay_ratio", "自付比例须在 0 到 1 之间，实为 " + row.get(3)));
      } else if (category != null && category != Category.B && ratio.perTenThousand() != 0) {
        problems.add(
            new Problem(line, "self_pay_ratio", "自付比例仅适用于乙类(B)项目，本项为 " + category + " 类，应为 0 或空"));
      }
    } catch (RuntimeException e) {
      problems.add(
          new Problem(line, "self_pay_ratio", "自付比例须为不超过 4 位小数的非负数，实为 '" + row.get(3) + "'"));
    }
    Long cap = priceCap(line, row.get(4), problems);
    LocalDate from = date(line, "valid_from", row.get(5), false, problems);
    LocalDate to = date(line, "valid_to", row.get(6), true, problems);
    if (from != null && to != null && to.isBefore(from)) {
      problems.add(new Problem(line, "valid_to", "结束日期 " + to + " 早于开始日期 " + from));
    }
    if (problems.size() > before) {
      return null;
    }
    return new CatalogueEntry(code, name, category, ratio, cap, from, to);
  }

  private static Long priceCap(int line, String text, List<Problem> problems) {
    if (text.isBlank()) {
      return null;
    }
    try {
      long cap =
          new BigDecimal(text.trim()).movePointRight(ClaimLine.PRICE_DECIMALS).longValueExact();
      if (cap >= 0) {
        return cap;
      }
    } catch (RuntimeException e) {
      // refused below
    }
    problems.add(new Problem(line, "price_cap", "限价须为不超过 6 位小数的非负金额（元），或留空表示不限，实为 '" + text + "'"));
    return null;
  }

  private static LocalDate date(
      int line, String column, String text, boolean optional, List<Problem> problems) {
    if (text.isBlank()) {
      if (!optional) {
        problems.add(new Problem(line, column, "日期必填，如 2018-01-01"));
      }
      return null;
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      problems.add(new Problem(line, column, "须为日期，如 2018-01-01，实为 '" + text + "'"));
      return null;
    }
  }
}
