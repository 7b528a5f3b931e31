package org.yizhan.gateway.identity;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * A roster file as county offices have them, read into rows of text before the roster's checks.
 *
 * <ul>
 *   <li>CSV in UTF-8 (with or without BOM) or, failing that, GB18030 (which GBK, the encoding of
 *       Excel's "CSV" on Chinese Windows, is part of), both decoded strictly: a file that is
 *       neither is refused naming the first line that fails.
 *   <li>Excel workbooks (.xlsx, recognised by their ZIP signature), the first sheet, read as a
 *       stream of rows; bounded in unpacked bytes, rows and columns.
 * </ul>
 *
 * <p>Headers are matched by name, English (as exported) or Chinese, in any order; the export's own
 * columns ({@code identity_id, version, recorded_at, recorded_by}) are ignored so that an export
 * imports back unchanged. Values are read unambiguously only (see {@link #date}, {@link #category},
 * {@link #bool}); anything else is refused naming the line and column, never the value.
 */
public final class RosterFile {
  private RosterFile() {}

  /** The roster's columns: the export's (English) header name, then the accepted Chinese ones. */
  public enum Column {
    PERSON_ID_NO("person_id_no", "身份证号", "身份证号码"),
    PERSON_NAME("person_name", "姓名"),
    CATEGORY("category", "类别"),
    VALID_FROM("valid_from", "生效日期"),
    VALID_TO("valid_to", "终止日期"),
    CONFIRMED("confirmed", "已确认"),
    LIFTED_OUT_DATE("lifted_out_date", "脱贫日期");

    final String header;
    final List<String> names;

    Column(String header, String... chinese) {
      this.header = header;
      List<String> n = new ArrayList<>();
      n.add(header);
      n.addAll(Arrays.asList(chinese));
      this.names = List.copyOf(n);
    }

    public String header() {
      return header;
    }

    static Column named(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      for (Column c : values()) {
        if (c.names.contains(n)) {
          return c;
        }
      }
      return null;
    }
  }

  /** Columns the export adds after the roster's; an import ignores them. */
  public static final Set<String> EXPORT_ONLY =
      Set.of("identity_id", "version", "recorded_at", "recorded_by");

  /** The kinds of file the import reads. */
  public enum Format {
    CSV,
    XLSX
  }

  public static final String XLSX_TYPE =
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  /** The most bytes a workbook may unpack to (its XML parts together). */
  public static final long MAX_UNPACKED_BYTES = 256L << 20;

  /** The most parts (ZIP entries) a workbook may hold. */
  static final int MAX_PARTS = 1000;

  /** The most columns a row may have (the roster's seven, the export's four, and slack). */
  static final int MAX_COLUMNS = 64;

  /** The most cells (empty ones and blank rows included) a sheet may store. */
  static final long MAX_CELLS = (long) IdentityRoster.MAX_ROWS * 16;

  /** The Excel serial day numbers accepted: 1900-03-01 (after Excel's 1900-02-29) to 9999-12-31. */
  static final long FIRST_SERIAL = 61;

  static final long LAST_SERIAL = 2_958_465;

  static final LocalDate EXCEL_EPOCH = LocalDate.of(1899, 12, 30);

  /** A row of the file: its line (CSV record or sheet row number) and its cells as text. */
  record Line(int number, List<String> cells) {}

  /** Where each roster column is in the file's rows, and the columns ignored. */
  record Header(int[] at, boolean[] blank, int width) {
    String value(List<String> row, Column c) {
      int i = at[c.ordinal()];
      return i < row.size() ? row.get(i) : "";
    }

    /** The roster column at a position of the file, or {@code null} for an ignored one. */
    Column column(int index) {
      for (Column c : Column.values()) {
        if (at[c.ordinal()] == index) {
          return c;
        }
      }
      return null;
    }
  }

  /**
   * Which reader a body needs: a ZIP is a workbook whatever it was sent as; an old binary Excel
   * file (.xls) or a body announced as a workbook that is none is refused; anything else is CSV.
   */
  public static Format format(byte[] body, String contentType) {
    if (startsWith(body, new byte[] {'P', 'K', 3, 4})) {
      return Format.XLSX;
    }
    if (startsWith(body, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0})) {
      throw refused("file", "file", "is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV");
    }
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(XLSX_TYPE)) {
      throw refused("file", "file", "is not an .xlsx workbook (no ZIP signature)");
    }
    return Format.CSV;
  }

  private static boolean startsWith(byte[] body, byte[] magic) {
    if (body == null || body.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (body[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  // ---- text files

  /**
   * The text of a CSV file: UTF-8 (a BOM dropped) when it is valid UTF-8, else GB18030 when it is
   * valid GB18030, else refused naming the first line GB18030 cannot decode. Neither decoder
   * replaces anything: a lenient decode would store U+FFFD in names.
   */
  static String decode(byte[] bytes) {
    String text = strict(StandardCharsets.UTF_8, bytes);
    if (text == null) {
      text = strict(Charset.forName("GB18030"), bytes);
    }
    if (text == null) {
      int line = failingLine(bytes);
      throw refused(
          "line " + line,
          "file",
          "is neither UTF-8 nor GB18030/GBK text; save the file as CSV (UTF-8) or CSV from Excel");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static String strict(Charset charset, byte[] bytes) {
    CharsetDecoder d =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return d.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The line (1-based) where the file stops being text: the first byte that neither UTF-8 nor
   * GB18030 can decode, taking the encoding that reads further (the one the file is most likely
   * in). A byte 0x0A is a line feed in both (never part of a multi-byte character), so counting
   * them is exact.
   */
  static int failingLine(byte[] bytes) {
    int at =
        Math.max(
            failingByte(StandardCharsets.UTF_8, bytes),
            failingByte(Charset.forName("GB18030"), bytes));
    int line = 1;
    for (int i = 0; i < at && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int failingByte(Charset charset, byte[] bytes) {
    CharsetDecoder d =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isOverflow()) {
        out.clear();
        continue;
      }
      return in.position();
    }
  }

  /** The records of a CSV text, the header first. */
  static Iterator<Line> csv(String text) {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    MappingIterator<List<String>> rows;
    try {
      rows =
          mapper
              .readerForListOf(String.class)
              .with(CsvSchema.emptySchema())
              .readValues(new StringReader(text));
    } catch (IOException e) {
      throw refused("file", "file", "not readable as CSV" + where(e));
    }
    return new Iterator<>() {
      int line;

      @Override
      public boolean hasNext() {
        try {
          return rows.hasNext();
        } catch (RuntimeException e) {
          throw refused("file", "file", "not readable as CSV" + where(e));
        }
      }

      @Override
      public Line next() {
        try {
          List<String> r = rows.next();
          line++;
          List<String> out = new ArrayList<>(r.size());
          for (String s : r) {
            out.add(s == null ? "" : s.trim());
          }
          return new Line(line, out);
        } catch (RuntimeException e) {
          throw refused("file", "file", "not readable as CSV" + where(e));
        }
      }
    };
  }

  private static String where(Exception e) {
    Throwable t = e instanceof JsonProcessingException ? e : e.getCause();
    if (t instanceof JsonProcessingException) {
      JsonLocation l = ((JsonProcessingException) t).getLocation();
      if (l != null && l.getLineNr() > 0) {
        return " at line " + l.getLineNr();
      }
    }
    return "";
  }

  // ---- workbooks

  /**
   * Refuses a workbook that unpacks to more than {@link #MAX_UNPACKED_BYTES} or holds more than
   * {@link #MAX_PARTS} parts, counting the bytes actually inflated (a ZIP's stated sizes may lie).
   */
  static void checkUnpackedSize(byte[] xlsx) {
    long total = 0;
    int parts = 0;
    byte[] buf = new byte[1 << 16];
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
      while (z.getNextEntry() != null) {
        if (++parts > MAX_PARTS) {
          throw refused("file", "file", "has more than " + MAX_PARTS + " parts");
        }
        int n;
        while ((n = z.read(buf)) > 0) {
          total += n;
          if (total > MAX_UNPACKED_BYTES) {
            throw refused(
                "file", "file", "unpacks to more than " + (MAX_UNPACKED_BYTES >> 20) + " MiB");
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw refused("file", "file", "is not a readable .xlsx workbook");
    }
    if (parts == 0) {
      throw refused("file", "file", "is not a readable .xlsx workbook");
    }
  }

  /**
   * Reads the first sheet of a workbook as rows of text, the header first, each the same as the CSV
   * reader gives for the same values: text cells as they are; numbers in plain digits; a number in
   * a date column as its Excel serial day (the time of day dropped from a date-formatted cell);
   * booleans as {@code true}/{@code false}. An ID number stored as a number keeps only Excel's 15
   * significant digits, so one of more digits is refused (store the column as text). Formula and
   * error cells are refused (paste the values). Calls {@code each} for every line.
   */
  static void xlsx(byte[] bytes, java.util.function.BiConsumer<Header, Line> each) {
    checkUnpackedSize(bytes);
    try (ReadableWorkbook wb =
            new ReadableWorkbook(new ByteArrayInputStream(bytes), new ReadingOptions(true, false));
        Stream<Row> rows = wb.getFirstSheet().openStream()) {
      long date1904 = wb.isDate1904() ? 1462 : 0;
      Header[] header = {null};
      Iterator<Row> it = rows.iterator();
      long cellsRead = 0;
      while (it.hasNext()) {
        Row r = it.next();
        int number = r.getRowNum();
        String at = "line " + number;
        // rows and cells as stored, empty ones included: a sheet of blank rows is work too
        cellsRead += Math.max(1, r.getCellCount());
        if (cellsRead > MAX_CELLS) {
          throw refused(at, "file", "has more than " + MAX_CELLS + " cells");
        }
        if (r.getCellCount() > MAX_COLUMNS) {
          for (int i = MAX_COLUMNS; i < r.getCellCount(); i++) {
            Cell c = r.getCell(i);
            if (c != null
                && c.getType() != CellType.EMPTY
                && c.getRawValue() != null
                && !c.getRawValue().isBlank()) {
              throw refused(at, "file", "has more than " + MAX_COLUMNS + " columns");
            }
          }
        }
        int width = Math.min(r.getCellCount(), MAX_COLUMNS);
        List<String> cells = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
          cells.add(cell(at, r.getCell(i), header[0], i, date1904));
        }
        if (header[0] == null) {
          if (cells.stream().allMatch(String::isEmpty)) {
            continue;
          }
          header[0] = header(at, cells);
          continue;
        }
        each.accept(header[0], new Line(number, cells));
      }
    } catch (IOException | UncheckedIOException e) {
      throw refused("file", "file", "is not a readable .xlsx workbook");
    } catch (RuntimeException e) {
      if (e instanceof Refusal) {
        throw e;
      }
      // The library's message may quote a cell; name only the file.
      throw refused("file", "file", "is not a readable .xlsx workbook");
    }
  }

  private static String cell(String at, Cell c, Header h, int index, long date1904) {
    if (c == null) {
      return "";
    }
    Column column = h == null ? null : h.column(index);
    String name = column == null ? "column " + (index + 1) : column.header;
    switch (c.getType()) {
      case EMPTY:
        return "";
      case STRING:
        String s = c.asString();
        return s == null ? "" : s.trim();
      case BOOLEAN:
        return Boolean.TRUE.equals(c.asBoolean()) ? "true" : "false";
      case NUMBER:
        BigDecimal n = c.asNumber();
        if (column == Column.PERSON_ID_NO) {
          BigDecimal v = n.stripTrailingZeros();
          if (v.scale() > 0 || v.signum() < 0) {
            throw refused(at, name, "is a number with decimals or a sign, not an ID number");
          }
          if (v.precision() - v.scale() > 15) {
            throw refused(
                at,
                name,
                "is stored as a number, which Excel keeps to 15 digits only; format the column"
                    + " as text and type the ID numbers again");
          }
          return v.toPlainString();
        }
        if (column == Column.VALID_FROM
            || column == Column.VALID_TO
            || column == Column.LIFTED_OUT_DATE) {
          if (isDateFormat(c)) {
            n = n.setScale(0, RoundingMode.FLOOR);
          }
          return n.add(BigDecimal.valueOf(date1904)).stripTrailingZeros().toPlainString();
        }
        return n.stripTrailingZeros().toPlainString();
      case FORMULA:
        throw refused(at, name, "is a formula; copy the column and paste it as values");
      default:
        throw refused(at, name, "is an error cell");
    }
  }

  /** Whether a cell's number format shows a date (Excel's built-in date formats, or y/d codes). */
  static boolean isDateFormat(Cell c) {
    Integer id = c.getDataFormatId();
    if (id != null
        && ((id >= 14 && id <= 22)
            || (id >= 27 && id <= 36)
            || (id >= 45 && id <= 47)
            || (id >= 50 && id <= 58))) {
      return true;
    }
    String f = c.getDataFormatString();
    if (f == null) {
      return false;
    }
    String code = f.replaceAll("\"[^\"]*\"|\\[[^]]*]|\\\\.", "").toLowerCase(Locale.ROOT);
    return code.contains("y") || code.contains("d");
  }

  // ---- the header and values

  /** Maps the header row: each roster column once, export-only and blank columns ignored. */
  static Header header(String at, List<String> names) {
    int[] where = new int[Column.values().length];
    Arrays.fill(where, -1);
    boolean[] blank = new boolean[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).trim();
      if (i == 0 && n.startsWith("\uFEFF")) {
        n = n.substring(1).trim();
      }
      if (n.isEmpty()) {
        blank[i] = true;
        continue;
      }
      Column c = Column.named(n);
      if (c != null) {
        if (where[c.ordinal()] >= 0) {
          throw refused(
              at,
              "header",
              "names "
                  + c.header
                  + " twice (columns "
                  + (where[c.ordinal()] + 1)
                  + " and "
                  + (i + 1)
                  + ")");
        }
        where[c.ordinal()] = i;
      } else if (!EXPORT_ONLY.contains(n.toLowerCase(Locale.ROOT))) {
        throw refused(at, "header", "column " + (i + 1) + " is not a roster column; " + expected());
      }
    }
    for (Column c : Column.values()) {
      if (where[c.ordinal()] < 0) {
        throw refused(
            at,
            "header",
            "lacks the column " + c.header + " (" + c.names.get(1) + "); " + expected());
      }
    }
    return new Header(where, blank, names.size());
  }

  static String expected() {
    StringBuilder s = new StringBuilder("expected ");
    List<String> en = new ArrayList<>();
    List<String> zh = new ArrayList<>();
    for (Column c : Column.values()) {
      en.add(c.header);
      zh.add(c.names.get(1));
    }
    return s.append(String.join(",", en)).append(" or ").append(String.join(",", zh)).toString();
  }

  private static final Map<String, IdentityCategory> CATEGORIES =
      Map.ofEntries(
          Map.entry("DESTITUTE", IdentityCategory.DESTITUTE),
          Map.entry("特困", IdentityCategory.DESTITUTE),
          Map.entry("特困人员", IdentityCategory.DESTITUTE),
          Map.entry("SUBSISTENCE", IdentityCategory.SUBSISTENCE),
          Map.entry("低保", IdentityCategory.SUBSISTENCE),
          Map.entry("低保对象", IdentityCategory.SUBSISTENCE),
          Map.entry("REGISTERED_POOR", IdentityCategory.REGISTERED_POOR),
          Map.entry("建档立卡", IdentityCategory.REGISTERED_POOR),
          Map.entry("建档立卡贫困人口", IdentityCategory.REGISTERED_POOR),
          Map.entry("ILLNESS_POOR", IdentityCategory.ILLNESS_POOR),
          Map.entry("因病致贫", IdentityCategory.ILLNESS_POOR),
          Map.entry("因病致贫返贫", IdentityCategory.ILLNESS_POOR));

  /** A category by its code or Chinese name (short or full), or refused. */
  static IdentityCategory category(String at, String text) {
    IdentityCategory c = CATEGORIES.get(text);
    if (c == null) {
      throw refused(
          at,
          "category",
          "must be one of DESTITUTE, SUBSISTENCE, REGISTERED_POOR, ILLNESS_POOR"
              + " or 特困, 低保, 建档立卡, 因病致贫");
    }
    return c;
  }

  /** {@code true}/{@code false} (any case) or 是/否, or refused. */
  static boolean bool(String at, String field, String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "true":
      case "是":
        return true;
      case "false":
      case "否":
        return false;
      default:
        throw refused(at, field, "must be true or false (是 or 否)");
    }
  }

  private static final Pattern DASH = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})");
  private static final Pattern SLASH = Pattern.compile("(\\d{4})/(\\d{1,2})/(\\d{1,2})");
  private static final Pattern HAN = Pattern.compile("(\\d{4})年(\\d{1,2})月(\\d{1,2})日");
  private static final Pattern SERIAL = Pattern.compile("\\d{1,7}");

  /**
   * A date as {@code 2018-01-01} (or {@code 2018-1-1}), {@code 2018/1/1}, {@code 2018年1月1日} (year
   * first: never day and month first, which would be ambiguous), or an Excel serial day number
   * (days since 1899-12-30) from {@value #FIRST_SERIAL} (1900-03-01) to {@value #LAST_SERIAL}
   * (9999-12-31); empty is {@code null} when optional.
   */
  static LocalDate date(String at, String field, String text, boolean optional) {
    if (text.isEmpty()) {
      if (optional) {
        return null;
      }
      throw refused(at, field, "is required");
    }
    for (Pattern p : List.of(DASH, SLASH, HAN)) {
      Matcher m = p.matcher(text);
      if (m.matches()) {
        try {
          return LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
          throw refused(at, field, "is not a date of the calendar");
        }
      }
    }
    if (SERIAL.matcher(text).matches()) {
      long n = Long.parseLong(text);
      if (n >= FIRST_SERIAL && n <= LAST_SERIAL) {
        return EXCEL_EPOCH.plusDays(n);
      }
      throw refused(
          at,
          field,
          "as an Excel serial date must be from "
              + FIRST_SERIAL
              + " (1900-03-01) to "
              + LAST_SERIAL
              + " (9999-12-31)");
    }
    throw refused(
        at,
        field,
        "must be a date like 2018-01-01, 2018/1/1, 2018年1月1日 or an Excel serial date number");
  }

  static Refusal refused(String at, String field, String why) {
    String f = at + ": " + field;
    return new Refusal(
        Refusal.Kind.UNPROCESSABLE, "IMPORT_REFUSED", f, f + " " + why + "; nothing was imported");
  }
}
