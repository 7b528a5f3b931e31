package org.yizhan.gateway.identity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * imports back unchanged. Values are read unambiguously only (see {@link RosterValues#date}, {@link
 * RosterValues#category}, {@link RosterValues#bool}); anything else is refused naming the line and
 * column, never the value.
 *
 * <p>This class holds what a roster file is (its format, columns, lines and header); {@link
 * RosterCsv} and {@link RosterXlsx} read the two formats, {@link RosterValues} the header and the
 * values, and {@link IdentityRoster} checks the rows and writes them.
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

  /** The most bytes a workbook may unpack to (its XML parts together); see {@link RosterXlsx}. */
  public static final long MAX_UNPACKED_BYTES = 256L << 20;

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

  static Refusal refused(String at, String field, String why) {
    String f = at + ": " + field;
    return new Refusal(
        Refusal.Kind.UNPROCESSABLE, "IMPORT_REFUSED", f, f + " " + why + "; nothing was imported");
  }
}
