package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.inpatient.SetlIds;
import org.yizhan.gateway.inpatient.StatementQueries;
import org.yizhan.gateway.inpatient.StatementQueries.Item;
import org.yizhan.gateway.reconciliation.Diff;

/**
 * 3201 对总账 (totals) and 3202 对明细账 (item by item) between a hospital's system and the gateway, for
 * one settling office (setl_optins = the office code) and a period of days.
 *
 * <p>Totals are net: settlements made in the period less reversals made in it, so
 * fixmedins_setl_cnt is their count less the reversals' and the amounts are sums with reversals
 * negative. Only insutype 390 with clr_type 21 has settlements here; other pairs total zero. 3202
 * takes the hospital's rows inline as {@code input.detail[]} or in a file uploaded with 9101 and
 * named by {@code file_qury_no}, and answers the rows that differ: stmt_rslt 1 = only the gateway
 * has it, 2 = only the hospital has it, 3 = both, with different amounts or refd_setl_flag.
 */
final class StatementTransactions {
  static final Pattern FLAG = Pattern.compile("[01]");

  /** The longest period one statement covers, days. */
  static final int MAX_DAYS = 366;

  private final Pool pool;
  private final DbGuard guard;
  private final FileTransactions files;

  StatementTransactions(Pool pool, DbGuard guard, FileTransactions files) {
    this.pool = pool;
    this.guard = guard;
    this.files = files;
  }

  /** The period and office a statement is about. */
  private record Scope(String office, LocalDate from, LocalDate to, boolean ours) {}

  private static Scope scope(Input in, boolean typesRequired) {
    String insutype = in.text("insutype", AdmissionTransactions.CODE, "e.g. 390", typesRequired);
    String clrType = in.text("clr_type", AdmissionTransactions.CODE, "e.g. 21", typesRequired);
    String office = in.text("setl_optins", Envelope.ADMDVS, "a 6-digit office code", true);
    LocalDate from = in.date("stmt_begndate", true);
    LocalDate to = in.date("stmt_enddate", true);
    if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw NhsaError.invalid(
          in.path("stmt_enddate"), "must be on or after stmt_begndate, at most a year later");
    }
    boolean ours =
        (insutype == null || AdmissionTransactions.RESIDENT_INSUTYPE.equals(insutype))
            && (clrType == null || SetlInfo.CLR_TYPE.equals(clrType));
    return new Scope(office, from, to, ours);
  }

  private Future<List<Item>> items(Call call, Scope s) {
    if (!s.ours()) {
      return Future.succeededFuture(List.of());
    }
    return Guarded.call(
        guard,
        () -> StatementQueries.items(pool, call.hospitalCode(), s.office(), s.from(), s.to()));
  }

  /** 3201: input.data with the hospital's totals → output.stmtinfo. */
  Future<Outcome> totals(Call call) {
    Input in = call.data("data");
    Scope scope = scope(in, true);
    long medfee = in.decimal("medfee_sumamt", 2, Input.MAX_AMOUNT, true);
    long fund = in.decimal("fund_pay_sumamt", 2, Input.MAX_AMOUNT, true);
    long acct = in.decimal("acct_pay", 2, Input.MAX_AMOUNT, true);
    long count = in.decimal("fixmedins_setl_cnt", 0, Input.MAX_QUANTITY, true);
    return items(call, scope)
        .map(
            items -> {
              long[] ours = net(items);
              List<Diff.Figure> figures = new ArrayList<>();
              Diff.figure(figures, "medfee_sumamt", ours[1], medfee, true);
              Diff.figure(figures, "fund_pay_sumamt", ours[2], fund, true);
              Diff.figure(figures, "acct_pay", 0, acct, true);
              Diff.figure(figures, "fixmedins_setl_cnt", ours[0], count, false);
              List<String> diffs = new ArrayList<>();
              for (Diff.Figure f : figures) {
                diffs.add(f.field() + " gateway " + f.gateway() + ", hospital " + f.hospital());
              }
              String dscr =
                  diffs.isEmpty()
                      ? "balanced: "
                          + ours[0]
                          + " settlements net, medfee_sumamt "
                          + Fen.format(ours[1])
                          + ", fund_pay_sumamt "
                          + Fen.format(ours[2])
                      : "not balanced: " + String.join("; ", diffs);
              return Outcome.of(
                  g -> {
                    g.writeStartObject();
                    stmtinfo(g, scope.office(), diffs.isEmpty(), dscr);
                    g.writeEndObject();
                  });
            });
  }

  /**
   * 3202: input.data and the hospital's rows → output.stmtinfo and result[] of differing rows. The
   * rows come inline as input.detail[] (or, as one client names them, input.fsUploadIn[]), or as
   * the file input.data.file_qury_no names (uploaded with 9101; {@link #fileRows}).
   */
  Future<Outcome> details(Call call) {
    Input in = call.data("data");
    Scope scope = scope(in, false);
    String inline = call.input().has("detail") ? "detail" : "fsUploadIn";
    JsonNode rows = call.input().get(inline);
    boolean none = rows == null || rows.isNull() || (rows.isArray() && rows.size() == 0);
    String fileQuryNo =
        in.raw("file_qury_no") == null ? null : in.raw("file_qury_no").asText().trim();
    if (none && fileQuryNo != null && !fileQuryNo.isEmpty()) {
      String field = in.path("file_qury_no");
      return files
          .text(call.hospitalCode(), fileQuryNo, field)
          .map(text -> fileRows(text, field))
          .compose(theirs -> items(call, scope).map(ours -> compare(call, scope, ours, theirs)));
    }
    Map<String, Item> theirs = new LinkedHashMap<>();
    if (!none) {
      List<Input> list = Input.of(call.input(), "input").objects(inline, StatementQueries.MAX_ROWS);
      for (Input r : list) {
        add(theirs, r);
      }
    }
    return items(call, scope).map(ours -> compare(call, scope, ours, theirs));
  }

  private static void add(Map<String, Item> theirs, Input r) {
    Item item = theirItem(r);
    if (theirs.put(item.setlId(), item) != null) {
      throw NhsaError.invalid(r.path("setl_id"), "is listed twice");
    }
  }

  /** The columns of a detail file's line, in the spec's order. */
  static final String[] FILE_COLUMNS = {
    "setl_id",
    "mdtrt_id",
    "psn_no",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
    "refd_setl_flag"
  };

  /**
   * The rows of a 3202 detail file: one settlement a line, its fields in {@link #FILE_COLUMNS}
   * order, separated by tabs (as the spec writes them; a trailing tab, blank lines, CRLF and a
   * header line beginning {@code setl_id} are tolerated, and runs of spaces separate too, since no
   * field holds one). acct_pay and refd_setl_flag may be left off (0.00 and 0). A line is refused
   * as {@code <field>(line n).<column>}.
   */
  static Map<String, Item> fileRows(String text, String field) {
    Map<String, Item> theirs = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n|\r");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || (n == 0 && line.regionMatches(true, 0, "setl_id", 0, 7))) {
        continue;
      }
      String[] cols = line.split("[\t ]+");
      String where = field + "(line " + (n + 1) + ")";
      if (cols.length < 5 || cols.length > FILE_COLUMNS.length) {
        throw NhsaError.invalid(
            where,
            "has "
                + cols.length
                + " fields; a line has "
                + String.join(", ", FILE_COLUMNS)
                + " (the last two optional), tab-separated");
      }
      if (theirs.size() >= StatementQueries.MAX_ROWS) {
        throw NhsaError.invalid(field, "names a file of more than " + StatementQueries.MAX_ROWS);
      }
      ObjectNode row = JsonNodeFactory.instance.objectNode();
      for (int i = 0; i < cols.length; i++) {
        row.put(FILE_COLUMNS[i], cols[i]);
      }
      add(theirs, Input.of(row, where));
    }
    return theirs;
  }

  private static Item theirItem(Input r) {
    String setlId = r.text("setl_id", SettlementTransactions.SETL_ID, "a setl_id", true);
    String flag = r.text("refd_setl_flag", FLAG, "0 or 1", false);
    return new Item(
        setlId.length() == 36 ? SetlIds.encode(SetlIds.decode(setlId)) : setlId.toUpperCase(),
        r.text("mdtrt_id", AdmissionTransactions.MDTRT_ID, "an mdtrt_id", false),
        r.text("psn_no", Persons.PSN_NO, "a psn_no", false),
        null,
        "1".equals(flag),
        r.decimal("medfee_sumamt", 2, Input.MAX_AMOUNT, true),
        r.decimal("fund_pay_sumamt", 2, Input.MAX_AMOUNT, true));
  }

  /** The names of a result row's fields, in the order of result[] and of the result file. */
  static final String[] RESULT_FIELDS = {
    "psn_no",
    "mdtrt_id",
    "setl_id",
    "msgid",
    "stmt_rslt",
    "refd_setl_flag",
    "memo",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay"
  };

  /**
   * The rows that differ as result[], and every row (those that agree with stmt_rslt 0) as the
   * result file the platform gives for download: fileinfo names it (9102 fetches it), a zip of one
   * text whose lines are {@link #RESULT_FIELDS}, tab-separated, as the Foshan client parses them.
   */
  private Outcome compare(Call call, Scope scope, List<Item> ours, Map<String, Item> theirs) {
    List<String[]> out = new ArrayList<>();
    List<String[]> all = new ArrayList<>();
    Map<String, Item> mine = new LinkedHashMap<>();
    ours.forEach(i -> mine.put(i.setlId(), i));
    for (Diff.Pair<Item> p :
        Diff.inGatewayOrder(ours, Item::setlId, new ArrayList<>(theirs.values()), Item::setlId)) {
      Item o = p.gateway();
      Item t = p.hospital();
      String[] r;
      if (p.missingInGateway()) {
        r = row(t, "2", "the hospital has it; the gateway does not");
      } else if (p.missingInHospital()) {
        r = row(o, "1", "the gateway has it; the hospital does not");
      } else if (t.refund() != o.refund()
          || t.medfeeFen() != o.medfeeFen()
          || t.fundFen() != o.fundFen()) {
        r =
            row(
                o,
                "3",
                "hospital: refd_setl_flag "
                    + (t.refund() ? 1 : 0)
                    + ", medfee_sumamt "
                    + Fen.format(t.medfeeFen())
                    + ", fund_pay_sumamt "
                    + Fen.format(t.fundFen()));
      } else {
        all.add(row(o, "0", "agrees"));
        continue;
      }
      out.add(r);
      all.add(r);
    }
    String dscr =
        out.isEmpty()
            ? "balanced: " + ours.size() + " rows agree"
            : out.size() + " of " + (mine.size() + theirs.size()) + " rows differ";
    FileTransactions.Stored file =
        files.prepare(
            "3202_" + call.msgid() + ".zip", FileTransactions.zip("result.txt", text(all)));
    return Outcome.of(
            g -> {
              g.writeStartObject();
              stmtinfo(g, scope.office(), out.isEmpty(), dscr);
              g.writeArrayFieldStart("result");
              for (String[] r : out) {
                g.writeStartObject();
                for (int i = 0; i < 7; i++) {
                  g.writeStringField(RESULT_FIELDS[i], r[i]);
                }
                g.writeFieldName("medfee_sumamt");
                g.writeNumber(r[7]);
                g.writeFieldName("fund_pay_sumamt");
                g.writeNumber(r[8]);
                Formats.money(g, "acct_pay", 0);
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeObjectFieldStart("fileinfo");
              files.writeInfo(g, file);
              g.writeEndObject();
              g.writeEndObject();
            })
        .writing(conn -> files.store(conn, call.hospitalCode(), call.msgid(), file));
  }

  /** The result file's text: a line a row, tab-separated; a field never holds a tab or newline. */
  private static String text(List<String[]> rows) {
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < 9; i++) {
        b.append(r[i] == null ? "" : r[i].replaceAll("[\\t\\r\\n]", " ")).append('\t');
      }
      b.append(Fen.format(0)).append("\r\n");
    }
    return b.toString();
  }

  private static String[] row(Item i, String result, String memo) {
    return new String[] {
      i.psnNo(),
      i.mdtrtId(),
      i.setlId(),
      i.msgid(),
      result,
      i.refund() ? "1" : "0",
      memo,
      Fen.format(i.medfeeFen()),
      Fen.format(i.fundFen())
    };
  }

  /** {count, medfee, fund} net of reversals (whose amounts are negative already). */
  private static long[] net(List<Item> items) {
    long[] t = new long[3];
    for (Item i : items) {
      t[0] += i.refund() ? -1 : 1;
      t[1] += i.medfeeFen();
      t[2] += i.fundFen();
    }
    return t;
  }

  private static void stmtinfo(JsonGenerator g, String office, boolean balanced, String dscr)
      throws IOException {
    g.writeObjectFieldStart("stmtinfo");
    g.writeStringField("setl_optins", office);
    g.writeStringField("stmt_rslt", balanced ? "0" : "1");
    g.writeStringField("stmt_rslt_dscr", dscr);
    g.writeEndObject();
  }
}
