package org.yizhan.gateway.infra.sheet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * The first sheet of an Excel workbook (.xlsx) read as a stream of rows of text: the same text a
 * CSV reader gives for the same values, so one set of checks serves both formats (the identity
 * roster's, the insured register's). FastExcel reads the sheet's XML as a stream; nothing holds the
 * whole sheet.
 *
 * <p>A workbook is a ZIP of XML, so it is bounded before it is read (the bytes actually inflated,
 * not the sizes the ZIP states, which may lie; the number of parts) and while it is read (cells,
 * blank ones included, and columns): a small upload must not unpack into a large amount of work.
 * Each caller gives its own {@link Limits}.
 *
 * <p>How a number cell becomes text depends on its column ({@link Kind}), which the caller decides
 * from the header: an ID or card number stored as a number keeps only Excel's 15 significant
 * digits, so one of more is refused rather than read wrong; a number in a date column is its serial
 * day ({@link SheetDate}), the time of day dropped and the 1904 date system shifted to 1900's.
 * Formula and error cells are refused (paste the values). Refusals are {@code IMPORT_REFUSED}
 * naming the line (the sheet's row number) and column, never a value.
 */
public final class XlsxSheet {
  private XlsxSheet() {}

  /** Days from the 1904 date system's day 0 to the 1900 system's. */
  static final long DAYS_1904 = 1462;

  /** The smallest number read as {@code yyyyMMdd} rather than a serial day in a date column. */
  static final long FIRST_BASIC_DATE = 10_000_000;

  /** The most significant digits Excel keeps of a number. */
  static final int EXCEL_DIGITS = 15;

  /**
   * What a workbook may cost: unpacked bytes, ZIP parts, columns of a row, cells of the sheet.
   *
   * @param unpackedBytesMax the XML parts together, inflated
   * @param partsMax ZIP entries
   * @param columnsMax columns of a row (cells past it must be blank)
   * @param cellsMax cells the sheet stores, empty ones and blank rows included
   */
  public record Limits(long unpackedBytesMax, int partsMax, int columnsMax, long cellsMax) {
    public Limits {
      if (unpackedBytesMax < 1 || partsMax < 1 || columnsMax < 1 || cellsMax < 1) {
        throw new IllegalArgumentException(
            "limits must be positive: "
                + unpackedBytesMax
                + ", "
                + partsMax
                + ", "
                + columnsMax
                + ", "
                + cellsMax);
      }
    }
  }

  /** How a number cell of a column is written as text. */
  public enum Kind {
    /** Plain digits, no exponent, trailing zeros dropped. */
    TEXT,
    /**
     * An identifier of digits (ID or card number): refused with a sign, decimals or > 15 digits.
     */
    DIGITS,
    /** A date: an Excel serial day (1900 system), or {@code yyyyMMdd} when it has eight digits. */
    DATE
  }

  /** The caller's reading of the header: each column's kind and its name for refusals. */
  public interface Columns {
    Kind kind(int index);

    /** The column's name in a refusal, e.g. {@code person_id_no}. */
    String name(int index);
  }

  /** Where the rows go. */
  public interface Rows {
    /** The first row that is not blank: the header. */
    Columns header(int rowNumber, List<String> names);

    /** Every later row (blank ones too), with the sheet's row number. */
    void row(int rowNumber, List<String> cells);
  }

  /** Opens the workbook's bytes again: it is read twice (the bound check, then the rows). */
  public interface Source {
    InputStream open() throws IOException;
  }

  /**
   * Reads the first sheet of {@code book} into {@code rows}, after checking it against {@code
   * limits}; returns whether there was a header. A refusal {@code rows} throws is passed on.
   */
  public static boolean read(Source book, Limits limits, Rows rows) {
    checkUnpacked(book, limits);
    try (InputStream in = book.open();
        ReadableWorkbook wb = new ReadableWorkbook(in, new ReadingOptions(true, false));
        Stream<Row> stream = wb.getFirstSheet().openStream()) {
      long shift = wb.isDate1904() ? DAYS_1904 : 0;
      Columns columns = null;
      Iterator<Row> it = stream.iterator();
      long cellsRead = 0;
      while (it.hasNext()) {
        Row r = it.next();
        int number = r.getRowNum();
        String at = "line " + number;
        cellsRead += Math.max(1, r.getCellCount());
        if (cellsRead > limits.cellsMax()) {
          throw refused(at, "file", "has more than " + limits.cellsMax() + " cells");
        }
        checkWidth(r, at, limits.columnsMax());
        int width = Math.min(r.getCellCount(), limits.columnsMax());
        List<String> cells = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
          cells.add(cell(at, r.getCell(i), columns, i, shift));
        }
        if (columns == null) {
          if (!cells.stream().allMatch(String::isEmpty)) {
            columns = rows.header(number, cells);
          }
          continue;
        }
        rows.row(number, cells);
      }
      return columns != null;
    } catch (IOException | UncheckedIOException e) {
      throw unreadable();
    } catch (RuntimeException e) {
      if (e instanceof Refusal) {
        throw e;
      }
      // The library's message may quote a cell; name only the file.
      throw unreadable();
    }
  }

  /**
   * Refuses a workbook that unpacks to more than the limit's bytes or holds more than its parts,
   * counting the bytes actually inflated.
   */
  static void checkUnpacked(Source book, Limits limits) {
    long total = 0;
    int parts = 0;
    byte[] buf = new byte[1 << 16];
    try (ZipInputStream z = new ZipInputStream(book.open())) {
      while (z.getNextEntry() != null) {
        if (++parts > limits.partsMax()) {
          throw refused("file", "file", "has more than " + limits.partsMax() + " parts");
        }
        int n;
        while ((n = z.read(buf)) > 0) {
          total += n;
          if (total > limits.unpackedBytesMax()) {
            throw refused("file", "file", "unpacks to more than " + mebibytes(limits) + " MiB");
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw unreadable();
    }
    if (parts == 0) {
      throw unreadable();
    }
  }

  private static long mebibytes(Limits limits) {
    return Math.max(1, limits.unpackedBytesMax() >> 20);
  }

  private static void checkWidth(Row r, String at, int columnsMax) {
    for (int i = columnsMax; i < r.getCellCount(); i++) {
      Cell c = r.getCell(i);
      if (c != null
          && c.getType() != CellType.EMPTY
          && c.getRawValue() != null
          && !c.getRawValue().isBlank()) {
        throw refused(at, "file", "has more than " + columnsMax + " columns");
      }
    }
  }

  private static String cell(String at, Cell c, Columns columns, int index, long shift) {
    if (c == null) {
      return "";
    }
    Kind kind = columns == null ? Kind.TEXT : columns.kind(index);
    switch (c.getType()) {
      case EMPTY:
        return "";
      case STRING:
        String s = c.asString();
        return s == null ? "" : s.trim();
      case BOOLEAN:
        return Boolean.TRUE.equals(c.asBoolean()) ? "true" : "false";
      case NUMBER:
        return number(at, c, kind, name(columns, index), shift);
      case FORMULA:
        throw refused(
            at, name(columns, index), "is a formula; copy the column and paste it as values");
      default:
        throw refused(at, name(columns, index), "is an error cell");
    }
  }

  private static String number(String at, Cell c, Kind kind, String name, long shift) {
    BigDecimal n = c.asNumber();
    switch (kind) {
      case DIGITS:
        BigDecimal v = n.stripTrailingZeros();
        if (v.scale() > 0 || v.signum() < 0) {
          throw refused(at, name, "is a number with decimals or a sign, not an identifier");
        }
        if (v.precision() - v.scale() > EXCEL_DIGITS) {
          throw refused(
              at,
              name,
              "is stored as a number, which Excel keeps to 15 digits only; format the column"
                  + " as text and type the numbers again");
        }
        return v.toPlainString();
      case DATE:
        if (isDateFormat(c)) {
          n = n.setScale(0, RoundingMode.FLOOR);
        }
        if (n.compareTo(BigDecimal.valueOf(FIRST_BASIC_DATE)) >= 0) {
          return n.stripTrailingZeros().toPlainString();
        }
        return n.add(BigDecimal.valueOf(shift)).stripTrailingZeros().toPlainString();
      default:
        return n.stripTrailingZeros().toPlainString();
    }
  }

  private static String name(Columns columns, int index) {
    String n = columns == null ? null : columns.name(index);
    return n == null ? "column " + (index + 1) : n;
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

  private static Refusal unreadable() {
    return refused("file", "file", "is not a readable .xlsx workbook");
  }

  /**
   * The refusal of an imported file: {@code IMPORT_REFUSED}, the field {@code "<at>: <field>"}, and
   * the reminder that the import is all or nothing.
   */
  public static Refusal refused(String at, String field, String why) {
    String f = at + ": " + field;
    return new Refusal(
        Refusal.Kind.UNPROCESSABLE, "IMPORT_REFUSED", f, f + " " + why + "; nothing was imported");
  }
}
