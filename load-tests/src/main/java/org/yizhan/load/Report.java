package org.yizhan.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one request's figures from a Gatling 3.15 HTML report (its statistics table in {@code
 * index.html}: the columns Total, OK, KO, % KO, Cnt/s, Min, 50th, 90th, 95th, 99th pct, Max), for
 * bench.sh. Gatling 3.15 writes its log in a binary form, so the report is the text there is.
 *
 * <pre>java -cp … org.yizhan.load.Report load-tests/target/gatling/settlementmix-… settle</pre>
 *
 * prints {@code total ok ko perSecond p50Ms p99Ms} on one line; the name {@code ALL} is every
 * request together.
 */
public final class Report {
  /** One row of the statistics table. */
  public record Row(long total, long ok, long ko, String perSecond, long p50Ms, long p99Ms) {}

  private Report() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Report <report folder> <request name | ALL>");
      System.exit(2);
    }
    Row r = row(Path.of(args[0]), args[1]);
    System.out.println(
        r.total()
            + " "
            + r.ok()
            + " "
            + r.ko()
            + " "
            + r.perSecond()
            + " "
            + r.p50Ms()
            + " "
            + r.p99Ms());
  }

  /** The row of {@code request} ({@code ALL}: all requests) in the report of {@code folder}. */
  public static Row row(Path folder, String request) throws IOException {
    String html = Files.readString(folder.resolve("index.html"), StandardCharsets.UTF_8);
    String name = request.equals("ALL") ? "All Requests" : request;
    int at = html.indexOf("class=\"ellipsed-name\">" + name + "</span>");
    if (at < 0) {
      throw new IllegalArgumentException("no request '" + name + "' in " + folder);
    }
    String[] cells = new String[15];
    Matcher m = CELL.matcher(html);
    m.region(at, html.length());
    while (m.find()) {
      int col = Integer.parseInt(m.group(1));
      if (cells[col] != null) {
        break;
      }
      cells[col] = m.group(2).trim();
      if (col == 14) {
        break;
      }
    }
    for (int c = 2; c <= 11; c++) {
      if (cells[c] == null) {
        throw new IllegalArgumentException(
            "column " + c + " of '" + name + "' missing in " + folder);
      }
    }
    return new Row(
        count(cells[2]),
        count(cells[3]),
        count(cells[4]),
        cells[6],
        count(cells[8]),
        count(cells[11]));
  }

  private static final Pattern CELL =
      Pattern.compile("<td class=\"value [a-z]+ col-(\\d+)\">([^<]*)</td>");

  private static long count(String cell) {
    return cell.equals("-") ? 0 : Long.parseLong(cell.replace(",", ""));
  }
}
