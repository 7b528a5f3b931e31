package org.yizhan.gateway.coverage;

/**
 * CSV for Excel: UTF-8 with a byte-order mark (without it, Excel of a Chinese Windows reads the
 * file as GBK and the headers become mojibake), RFC 4180 quoting, and a cell that a spreadsheet
 * would run as a formula (=, +, -, @ first) prefixed with an apostrophe.
 */
public final class Csv {
  /** The byte-order mark Excel reads as "this file is UTF-8". */
  public static final String BOM = "\uFEFF";

  private Csv() {}

  /** {@code text} as one cell: quoted when it holds a comma, quote or line break. */
  public static String cell(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String t = text;
    char first = t.charAt(0);
    if (first == '=' || first == '+' || first == '-' || first == '@') {
      t = "'" + t;
    }
    if (t.indexOf(',') >= 0
        || t.indexOf('"') >= 0
        || t.indexOf('\n') >= 0
        || t.indexOf('\r') >= 0) {
      return '"' + t.replace("\"", "\"\"") + '"';
    }
    return t;
  }

  /** One line of cells, ended by CRLF (what Excel writes). */
  public static void line(StringBuilder out, String... cells) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells[i]));
    }
    out.append("\r\n");
  }
}
