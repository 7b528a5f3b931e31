package org.yizhan.gateway.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * A roster in an Excel workbook (.xlsx): its first sheet, read as a stream of rows into the same
 * text the CSV reader gives for the same values. A workbook is a ZIP of XML, so it is bounded
 * before it is read (unpacked bytes, parts) and while it is read (cells, columns): a small upload
 * must not unpack into a large amount of work.
 */
final class RosterXlsx {
  private RosterXlsx() {}

  /** The most parts (ZIP entries) a workbook may hold. */
  static final int MAX_PARTS = 1000;

  /** The most columns a row may have (the roster's seven, the export's four, and slack). */
  static final int MAX_COLUMNS = 64;

  /** The most cells (empty ones and blank rows included) a sheet may store. */
  static final long MAX_CELLS = (long) IdentityRoster.MAX_ROWS * 16;

  /**
   * Refuses a workbook that unpacks to more than {@link RosterFile#MAX_UNPACKED_BYTES} or holds
   * more than {@link #MAX_PARTS} parts, counting the bytes actually inflated (a ZIP's stated sizes
   * may lie).
   */
  static void checkUnpackedSize(byte[] xlsx) {
    long total = 0;
    int parts = 0;
    byte[] buf = new byte[1 << 16];
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
      while (z.getNextEntry() != null) {
        if (++parts > MAX_PARTS) {
          throw RosterFile.refused("file", "file", "has more than " + MAX_PARTS + " parts");
        }
        int n;
        while ((n = z.read(buf)) > 0) {
          total += n;
          if (total > RosterFile.MAX_UNPACKED_BYTES) {
            throw RosterFile.refused(
                "file",
                "file",
                "unpacks to more than " + (RosterFile.MAX_UNPACKED_BYTES >> 20) + " MiB");
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw RosterFile.refused("file", "file", "is not a readable .xlsx workbook");
    }
    if (parts == 0) {
      throw RosterFile.refused("file", "file", "is not a readable .xlsx workbook");
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
  static void read(
      byte[] bytes, java.util.function.BiConsumer<RosterFile.Header, RosterFile.Line> each) {
    checkUnpackedSize(bytes);
    try (ReadableWorkbook wb =
            new ReadableWorkbook(new ByteArrayInputStream(bytes), new ReadingOptions(true, false));
        Stream<Row> rows = wb.getFirstSheet().openStream()) {
      long date1904 = wb.isDate1904() ? 1462 : 0;
      RosterFile.Header[] header = {null};
      Iterator<Row> it = rows.iterator();
      long cellsRead = 0;
      while (it.hasNext()) {
        Row r = it.next();
        int number = r.getRowNum();
        String at = "line " + number;
        // rows and cells as stored, empty ones included: a sheet of blank rows is work too
        cellsRead += Math.max(1, r.getCellCount());
        if (cellsRead > MAX_CELLS) {
          throw RosterFile.refused(at, "file", "has more than " + MAX_CELLS + " cells");
        }
        if (r.getCellCount() > MAX_COLUMNS) {
          for (int i = MAX_COLUMNS; i < r.getCellCount(); i++) {
            Cell c = r.getCell(i);
            if (c != null
                && c.getType() != CellType.EMPTY
                && c.getRawValue() != null
                && !c.getRawValue().isBlank()) {
              throw RosterFile.refused(at, "file", "has more than " + MAX_COLUMNS + " columns");
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
          header[0] = RosterValues.header(at, cells);
          continue;
        }
        each.accept(header[0], new RosterFile.Line(number, cells));
      }
    } catch (IOException | UncheckedIOException e) {
      throw RosterFile.refused("file", "file", "is not a readable .xlsx workbook");
    } catch (RuntimeException e) {
      if (e instanceof Refusal) {
        throw e;
      }
      // The library's message may quote a cell; name only the file.
      throw RosterFile.refused("file", "file", "is not a readable .xlsx workbook");
    }
  }

  private static String cell(String at, Cell c, RosterFile.Header h, int index, long date1904) {
    if (c == null) {
      return "";
    }
    RosterFile.Column column = h == null ? null : h.column(index);
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
        if (column == RosterFile.Column.PERSON_ID_NO) {
          BigDecimal v = n.stripTrailingZeros();
          if (v.scale() > 0 || v.signum() < 0) {
            throw RosterFile.refused(
                at, name, "is a number with decimals or a sign, not an ID number");
          }
          if (v.precision() - v.scale() > 15) {
            throw RosterFile.refused(
                at,
                name,
                "is stored as a number, which Excel keeps to 15 digits only; format the column"
                    + " as text and type the ID numbers again");
          }
          return v.toPlainString();
        }
        if (column == RosterFile.Column.VALID_FROM
            || column == RosterFile.Column.VALID_TO
            || column == RosterFile.Column.LIFTED_OUT_DATE) {
          if (isDateFormat(c)) {
            n = n.setScale(0, RoundingMode.FLOOR);
          }
          return n.add(BigDecimal.valueOf(date1904)).stripTrailingZeros().toPlainString();
        }
        return n.stripTrailingZeros().toPlainString();
      case FORMULA:
        throw RosterFile.refused(at, name, "is a formula; copy the column and paste it as values");
      default:
        throw RosterFile.refused(at, name, "is an error cell");
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
}
