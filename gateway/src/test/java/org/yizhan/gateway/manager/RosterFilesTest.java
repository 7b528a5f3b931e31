package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** Roster files as county offices have them: GBK CSV, Chinese headers and values, .xlsx. */
class RosterFilesTest {
  static final String IMPORT = "/manager/api/identities/import";
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  static TestGateway gw;
  static ManagerClient a;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String id(int i) {
    return TestData.idNo("445202", LocalDate.of(1971, 1, 1), i);
  }

  /** An ID number of office 445202 whose check character is X. */
  static String idWithX(int from) {
    for (int i = from; ; i++) {
      String id = TestData.idNo("445202", LocalDate.of(1972, 1, 1), i);
      if (id.endsWith("X")) {
        return id;
      }
    }
  }

  static JsonNode only(String idNo) {
    JsonNode list = a.json(a.get("/manager/api/identities?q=" + idNo));
    assertThat(list.get("total").asInt()).as(list.toString()).isEqualTo(1);
    return list.get("items").get(0);
  }

  static JsonNode refused(Response r, int status, String code, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonNode e = a.json(r);
    assertThat(e.get("code").asText()).isEqualTo(code);
    assertThat(e.get("field").asText()).isEqualTo(field);
    return e;
  }

  // ---- encodings

  @Test
  void gbkCsv_withChineseHeadersAndValues_importsWithTheRightNames() {
    String text =
        "身份证号,姓名,类别,生效日期,终止日期,已确认,脱贫日期\r\n"
            + id(1)
            + ",张三,低保,2018/1/1,,是,\r\n"
            + id(2)
            + ",李四,建档立卡,2018年1月1日,2019-12-31,否,2019/6/30\r\n"
            + id(3)
            + ",王五,特困,43101,,是,\r\n";
    byte[] gbk = text.getBytes(Charset.forName("GBK"));

    Response r = a.postFile(IMPORT, "text/csv", gbk);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(a.json(r).get("registered").asInt()).isEqualTo(3);
    JsonNode zhang = only(id(1));
    assertThat(zhang.get("personName").asText()).isEqualTo("张三");
    assertThat(zhang.get("category").asText()).isEqualTo("SUBSISTENCE");
    assertThat(zhang.get("validFrom").asText()).isEqualTo("2018-01-01");
    assertThat(zhang.get("confirmed").asBoolean()).isTrue();
    JsonNode li = only(id(2));
    assertThat(li.get("personName").asText()).isEqualTo("李四");
    assertThat(li.get("category").asText()).isEqualTo("REGISTERED_POOR");
    assertThat(li.get("validFrom").asText()).isEqualTo("2018-01-01");
    assertThat(li.get("validTo").asText()).isEqualTo("2019-12-31");
    assertThat(li.get("confirmed").asBoolean()).isFalse();
    assertThat(li.get("liftedOutDate").asText()).isEqualTo("2019-06-30");
    JsonNode wang = only(id(3));
    assertThat(wang.get("personName").asText()).isEqualTo("王五");
    assertThat(wang.get("category").asText()).isEqualTo("DESTITUTE");
    assertThat(wang.get("validFrom").asText()).isEqualTo("2018-01-01");
  }

  @Test
  void fileNeitherUtf8NorGb18030_isRefusedNamingTheLine() {
    long before = gw.count("person_identity");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        ("person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
                + id(10)
                + ",甲,SUBSISTENCE,2018-01-01,,true,\n")
            .getBytes(StandardCharsets.UTF_8));
    b.writeBytes(id(11).getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(new byte[] {',', (byte) 0xFF, (byte) 0xFE, ','});
    b.writeBytes("SUBSISTENCE,2018-01-01,,true,\n".getBytes(StandardCharsets.US_ASCII));

    JsonNode e =
        refused(
            a.postFile(IMPORT, "text/csv", b.toByteArray()), 422, "IMPORT_REFUSED", "line 3: file");

    assertThat(e.get("message").asText()).contains("line 3").contains("GB18030");
    assertThat(gw.count("person_identity")).isEqualTo(before);
  }

  @Test
  void chineseValues_areReadOnlyWhenUnambiguous_andRefusalsNameLineAndColumnNotTheValue() {
    String header = "身份证号,姓名,类别,生效日期,终止日期,已确认,脱贫日期\n";
    String person = id(20);
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(person + ",甲,贫困户,2018-01-01,,是,", "line 2: category");
    rows.put(person + ",甲,低保,1/2/2018,,是,", "line 2: valid_from");
    rows.put(person + ",甲,低保,2018-01-01,,对,", "line 2: confirmed");
    rows.put(person + ",甲,低保,2018-01-01,60,是,", "line 2: valid_to");
    rows.put(person + ",甲,低保,2018-01-01,2958466,是,", "line 2: valid_to");
    rows.put(person + ",甲,低保,2018年2月30日,,是,", "line 2: valid_from");
    for (Map.Entry<String, String> row : rows.entrySet()) {
      JsonNode e =
          refused(
              a.postFile(
                  IMPORT, "text/csv", (header + row.getKey()).getBytes(StandardCharsets.UTF_8)),
              422,
              "IMPORT_REFUSED",
              row.getValue());
      assertThat(e.get("message").asText()).doesNotContain(person).doesNotContain("贫困户");
    }
    JsonNode unknown =
        refused(
            a.postFile(
                IMPORT,
                "text/csv",
                ("身份证号,姓名,户籍,类别,生效日期,终止日期,已确认,脱贫日期\n" + person + ",甲,x,低保,2018-01-01,,是,\n")
                    .getBytes(StandardCharsets.UTF_8)),
            422,
            "IMPORT_REFUSED",
            "line 1: header");
    assertThat(unknown.get("message").asText()).contains("column 3");
  }

  // ---- workbooks

  @Test
  void xlsx_withChineseHeadersDateCellsAndTextIdNumbers_imports() {
    String withX = idWithX(0);
    String old15 = "445202850101001";
    String plain = id(30);
    byte[] book =
        xlsx(
            List.of(
                List.of("身份证号", "姓名", "类别", "生效日期", "终止日期", "已确认", "脱贫日期"),
                List.of(withX, "赵六", "因病致贫", new DateCell(43101.5), 43465, true, ""),
                List.of(Long.parseLong(old15), "钱七", "特困人员", "2018/3/1", "", "是", ""),
                List.of(plain, "孙八", "建档立卡", "2018年1月1日", "", "否", new DateCell(43281))));

    Response r = a.postFile(IMPORT, XLSX, book);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(a.json(r).get("registered").asInt()).isEqualTo(3);
    JsonNode zhao = only(withX);
    assertThat(zhao.get("personName").asText()).isEqualTo("赵六");
    assertThat(zhao.get("category").asText()).isEqualTo("ILLNESS_POOR");
    assertThat(zhao.get("validFrom").asText()).isEqualTo("2018-01-01");
    assertThat(zhao.get("validTo").asText()).isEqualTo("2018-12-31");
    assertThat(zhao.get("confirmed").asBoolean()).isTrue();
    JsonNode qian = only(IdNumber.parse(old15, LocalDate.now()).value());
    assertThat(qian.get("personName").asText()).isEqualTo("钱七");
    assertThat(qian.get("category").asText()).isEqualTo("DESTITUTE");
    assertThat(qian.get("validFrom").asText()).isEqualTo("2018-03-01");
    JsonNode sun = only(plain);
    assertThat(sun.get("confirmed").asBoolean()).isFalse();
    assertThat(sun.get("liftedOutDate").asText()).isEqualTo("2018-06-30");

    // sent as application/octet-stream, the ZIP signature still says workbook: nothing changes
    Response again = a.postFile(IMPORT, "application/octet-stream", book);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(a.json(again).get("unchanged").asInt()).isEqualTo(3);
  }

  @Test
  void xlsx_anEighteenDigitIdStoredAsANumber_isRefusedAsExcelKeepsOnly15Digits() {
    byte[] book =
        xlsx(
            List.of(
                List.of("身份证号", "姓名", "类别", "生效日期", "终止日期", "已确认", "脱贫日期"),
                List.of(4.45202197101010E17, "甲", "低保", "2018-01-01", "", "是", "")));

    JsonNode e =
        refused(a.postFile(IMPORT, XLSX, book), 422, "IMPORT_REFUSED", "line 2: person_id_no");

    assertThat(e.get("message").asText()).contains("15 digits").doesNotContain("4452021971");
  }

  @Test
  void xlsx_thatUnpacksBeyondTheBound_isRefusedUnread() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 300; i++) {
        z.write(spaces);
      }
      z.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] book = out.toByteArray();
    assertThat(book.length).isLessThan(2 << 20);

    JsonNode e = refused(a.postFile(IMPORT, XLSX, book), 422, "IMPORT_REFUSED", "file: file");

    assertThat(e.get("message").asText()).contains("unpacks to more than");
  }

  // ---- round trip

  @Test
  void export_carriesABom_andImportsBackUnchanged() {
    String csv =
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + id(40)
            + ",=周九,SUBSISTENCE,2018-01-01,2019-01-01,true,\n"
            + id(41)
            + ",\"吴,十\",REGISTERED_POOR,2018-01-01,,false,2018-10-01\n";
    Response first = a.postFile(IMPORT, "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String export = a.get("/manager/api/identities/export").body();
    assertThat(export)
        .startsWith(
            "\uFEFFperson_id_no,person_name,category,valid_from,valid_to,confirmed,"
                + "lifted_out_date,identity_id,version,recorded_at,recorded_by\n");
    int rows = (int) export.lines().count() - 1;

    Response back = a.postFile(IMPORT, "text/csv", export.getBytes(StandardCharsets.UTF_8));

    assertThat(back.status()).as(back.body()).isEqualTo(200);
    JsonNode counts = a.json(back);
    assertThat(counts.get("rows").asInt()).isEqualTo(rows);
    assertThat(counts.get("unchanged").asInt()).isEqualTo(rows);
    assertThat(counts.get("registered").asInt()).isZero();
    assertThat(counts.get("changed").asInt()).isZero();
    assertThat(a.get("/manager/api/identities/export").body()).isEqualTo(export);
    assertThat(only(id(40)).get("personName").asText()).isEqualTo("=周九");
  }

  // ---- amounts and references as people type them

  @Test
  void topUp_inFullWidthDigitsWithSeparators_andAChineseDocumentNumber_works() {
    long account = a.account(TestGateway.H1, null, null);
    String path = "/manager/api/accounts/" + account + "/top-ups";

    Response r = a.post(path, "{\"reference\":\"揭民救〔2018〕12号\",\"amount\":\"５,０００.００\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(a.json(r).get("amount").asText()).isEqualTo("5000.00");
    assertThat(a.json(r).get("reference").asText()).isEqualTo("揭民救〔2018〕12号");
    // the same document typed with full-width digits is the same reference: replayed
    Response again = a.post(path, "{\"reference\":\"揭民救〔２０１８〕１２号\",\"amount\":\"5000\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.headers().get("idempotent-replayed")).containsExactly("true");
    Response plain = a.post(path, "{\"reference\":\"揭民救〔2018〕13号\",\"amount\":\"５０００\"}");
    assertThat(plain.status()).as(plain.body()).isEqualTo(201);
    assertThat(a.json(plain).get("account").get("balance").asText()).isEqualTo("10000.00");
    refused(
        a.post(path, "{\"reference\":\"揭民救〔2018〕14号\",\"amount\":\"5,00\"}"),
        400,
        "INVALID_FIELD",
        "amount");
    refused(
        a.post(path, "{\"reference\":\"<script>\",\"amount\":\"5000\"}"),
        400,
        "INVALID_FIELD",
        "reference");

    String claim =
        ClaimJson.claim("FW-MGR-1")
            .item("T-A", "5000.00")
            .json()
            .replace("\"amount\":5000.00", "\"amount\":\"５,０００.００\"");
    Response hospital = gw.post("/api/v1/settlements", H1_KEY, claim);
    assertThat(hospital.status()).as(hospital.body()).isEqualTo(400);
    assertThat(a.json(hospital).get("field").asText()).isEqualTo("lines[0].amount");
  }

  // ---- a tiny hand-built workbook: shared strings, a date style (numFmt 14), one sheet

  /** A number shown with the date format 14 (m/d/yyyy), as Excel stores a typed date. */
  record DateCell(double serial) {}

  static byte[] xlsx(List<List<Object>> rows) {
    List<String> strings = new ArrayList<>();
    StringBuilder sheet =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                + "<sheetData>");
    for (int r = 0; r < rows.size(); r++) {
      sheet.append("<row r=\"").append(r + 1).append("\">");
      List<Object> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        Object v = row.get(c);
        String ref = (char) ('A' + c) + String.valueOf(r + 1);
        if (v instanceof String s) {
          if (s.isEmpty()) {
            continue;
          }
          strings.add(s);
          sheet.append("<c r=\"" + ref + "\" t=\"s\"><v>" + (strings.size() - 1) + "</v></c>");
        } else if (v instanceof Boolean b) {
          sheet.append("<c r=\"" + ref + "\" t=\"b\"><v>" + (b ? 1 : 0) + "</v></c>");
        } else if (v instanceof DateCell d) {
          sheet.append("<c r=\"" + ref + "\" s=\"1\"><v>" + d.serial() + "</v></c>");
        } else {
          sheet.append("<c r=\"" + ref + "\"><v>" + v + "</v></c>");
        }
      }
      sheet.append("</row>");
    }
    sheet.append("</sheetData></worksheet>");
    StringBuilder sst =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><sst"
                + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\""
                + strings.size()
                + "\" uniqueCount=\""
                + strings.size()
                + "\">");
    for (String s : strings) {
      sst.append("<si><t>").append(s).append("</t></si>");
    }
    sst.append("</sst>");
    String ns = "http://schemas.openxmlformats.org/";
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(
        "[Content_Types].xml",
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<Types xmlns=\""
                + ns
                + "package/2006/content-types\">"
                + "<Default Extension=\"rels\""
                + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
                + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
                + "</Types>")
            .getBytes(StandardCharsets.UTF_8));
    parts.put(
        "_rels/.rels",
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<Relationships xmlns=\""
                + ns
                + "package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\""
                + ns
                + "officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
                + "</Relationships>")
            .getBytes(StandardCharsets.UTF_8));
    parts.put(
        "xl/workbook.xml",
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<workbook xmlns=\""
                + ns
                + "spreadsheetml/2006/main\" xmlns:r=\""
                + ns
                + "officeDocument/2006/relationships\">"
                + "<sheets><sheet name=\"花名册\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
                + "</workbook>")
            .getBytes(StandardCharsets.UTF_8));
    parts.put(
        "xl/_rels/workbook.xml.rels",
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<Relationships xmlns=\""
                + ns
                + "package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\""
                + ns
                + "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                + "<Relationship Id=\"rId2\" Type=\""
                + ns
                + "officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                + "<Relationship Id=\"rId3\" Type=\""
                + ns
                + "officeDocument/2006/relationships/sharedStrings\""
                + " Target=\"sharedStrings.xml\"/>"
                + "</Relationships>")
            .getBytes(StandardCharsets.UTF_8));
    parts.put(
        "xl/styles.xml",
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<styleSheet xmlns=\""
                + ns
                + "spreadsheetml/2006/main\">"
                + "<cellXfs count=\"2\"><xf numFmtId=\"0\"/>"
                + "<xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs>"
                + "</styleSheet>")
            .getBytes(StandardCharsets.UTF_8));
    parts.put("xl/worksheets/sheet1.xml", sheet.toString().getBytes(StandardCharsets.UTF_8));
    parts.put("xl/sharedStrings.xml", sst.toString().getBytes(StandardCharsets.UTF_8));
    return zip(parts);
  }

  static byte[] zip(Map<String, byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> p : parts.entrySet()) {
        z.putNextEntry(new ZipEntry(p.getKey()));
        z.write(p.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
