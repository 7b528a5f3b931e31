package org.yizhan.gateway.identity;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.function.BiConsumer;
import org.yizhan.gateway.infra.sheet.XlsxSheet;

/**
 * A roster in an Excel workbook (.xlsx): its first sheet read by the floor's {@link XlsxSheet} (the
 * bounded, streaming reader the insured register shares) into the same text the CSV reader gives,
 * with the roster's limits and the kinds of its columns (the ID number as digits, the three dates
 * as dates).
 */
final class RosterXlsx {
  private RosterXlsx() {}

  /** The most parts (ZIP entries) a workbook may hold. */
  static final int MAX_PARTS = 1000;

  /** The most columns a row may have (the roster's seven, the export's four, and slack). */
  static final int MAX_COLUMNS = 64;

  /** The most cells (empty ones and blank rows included) a sheet may store. */
  static final long MAX_CELLS = (long) IdentityRoster.MAX_ROWS * 16;

  static final XlsxSheet.Limits LIMITS =
      new XlsxSheet.Limits(RosterFile.MAX_UNPACKED_BYTES, MAX_PARTS, MAX_COLUMNS, MAX_CELLS);

  /** Reads the first sheet's rows; calls {@code each} for every line after the header. */
  static void read(byte[] bytes, BiConsumer<RosterFile.Header, RosterFile.Line> each) {
    RosterFile.Header[] header = {null};
    XlsxSheet.read(
        () -> new ByteArrayInputStream(bytes),
        LIMITS,
        new XlsxSheet.Rows() {
          @Override
          public XlsxSheet.Columns header(int rowNumber, List<String> names) {
            RosterFile.Header h = RosterValues.header("line " + rowNumber, names);
            header[0] = h;
            return new XlsxSheet.Columns() {
              @Override
              public XlsxSheet.Kind kind(int index) {
                return RosterXlsx.kind(h.column(index));
              }

              @Override
              public String name(int index) {
                RosterFile.Column c = h.column(index);
                return c == null ? null : c.header;
              }
            };
          }

          @Override
          public void row(int rowNumber, List<String> cells) {
            each.accept(header[0], new RosterFile.Line(rowNumber, cells));
          }
        });
  }

  static XlsxSheet.Kind kind(RosterFile.Column c) {
    if (c == RosterFile.Column.PERSON_ID_NO) {
      return XlsxSheet.Kind.DIGITS;
    }
    if (c == RosterFile.Column.VALID_FROM
        || c == RosterFile.Column.VALID_TO
        || c == RosterFile.Column.LIFTED_OUT_DATE) {
      return XlsxSheet.Kind.DATE;
    }
    return XlsxSheet.Kind.TEXT;
  }
}
