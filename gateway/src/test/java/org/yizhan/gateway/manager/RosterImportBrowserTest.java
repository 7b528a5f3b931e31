package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * The roster import through the managers' page, as a county clerk uses it (issue 17 items 1–5): a
 * GBK CSV saved by Excel and an .xlsx workbook, both with Chinese headers and values, uploaded with
 * a progress bar, checked, previewed (new, changed, ended, unchanged) and confirmed or cancelled; a
 * refused file showing its lines in Chinese; the export downloaded through the page and imported
 * back unchanged, writing nothing.
 *
 * <p>Screenshots: {@code manager-import-preview.png} and {@code manager-import-refused.png} (see
 * {@link BrowserTest} for Chromium, CI and {@code docs/}).
 */
class RosterImportBrowserTest extends BrowserTest {
  /** Rows of the big GBK file: two parts of upload, and a check long enough to show progress. */
  static final int GBK_ROWS = 40_000;

  static TestGateway gw;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static String id(int i) {
    return TestData.idNo("445202", LocalDate.of(1950, 1, 1), i);
  }

  @Test
  void rosterFiles_previewedWithProgress_confirmedCancelledRefusedAndExportedBack()
      throws IOException {
    journey(
        "manager-import",
        () -> {
          logIn();
          importGbkCsvWithPreviewAndProgress();
          previewXlsxThenCancel_writesNothing();
          importXlsxWithChineseValues();
          refusedFileShowsItsLinesInChinese();
          exportThroughThePageImportsBackUnchanged();
        });
  }

  void logIn() {
    driver.get(gw.baseUrl() + "/manager/");
    visible(By.id("login-form"));
    type(By.id("login-username"), ManagerClient.A);
    type(By.id("login-password"), ManagerClient.A_PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    visible(By.id("app-view"));
    driver.findElement(By.id("tab-roster")).click();
    visible(By.id("import-form"));
  }

  /** Records every phase the progress bar shows (upload, check, apply) into window.phases. */
  static void watchProgress() {
    ((JavascriptExecutor) driver)
        .executeScript(
            "window.phases = [];"
                + "const bar = document.getElementById('import-bar');"
                + "new MutationObserver(() => {"
                + "  const p = bar.dataset.phase;"
                + "  if (p && window.phases[window.phases.length - 1] !== p) window.phases.push(p);"
                + "}).observe(bar, {attributes: true});");
  }

  @SuppressWarnings("unchecked")
  static List<String> phases() {
    return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.phases;");
  }

  static void choose(Path file) {
    driver.findElement(By.id("import-file")).sendKeys(file.toAbsolutePath().toString());
    driver.findElement(By.id("import-submit")).click();
  }

  static WebElement preview() {
    return new WebDriverWait(driver, Duration.ofSeconds(90))
        .until(
            d ->
                d.findElement(By.id("import-preview")).isDisplayed()
                    ? d.findElement(By.id("import-preview"))
                    : null);
  }

  static String count(String what) {
    return text(By.id("import-" + what));
  }

  static void confirmAndWait(String done) {
    driver.findElement(By.id("import-confirm")).click();
    new WebDriverWait(driver, Duration.ofSeconds(120))
        .until(
            d -> {
              WebElement ok = d.findElement(By.cssSelector("#import-form > .ok"));
              return ok.isDisplayed() && ok.getText().contains(done);
            });
  }

  long identities() {
    return (long)
        gw.value(
            "SELECT count(*) FROM person_identity WHERE superseded_at IS NULL"
                + " AND office_code = '445202'");
  }

  /** 40,000 rows in GBK, as Excel saves "CSV" on Chinese Windows, with every kind of value. */
  void importGbkCsvWithPreviewAndProgress() throws IOException {
    StringBuilder csv = new StringBuilder("身份证号,姓名,类别,生效日期,终止日期,已确认,脱贫日期\r\n");
    csv.append(id(0)).append(",张三,特困,2018/1/1,,是,\r\n");
    csv.append(id(1)).append(",李四,低保,2018年1月1日,2019/12/31,否,\r\n");
    csv.append(id(2)).append(",王五,建档立卡,43101,,是,2019年6月30日\r\n");
    for (int i = 3; i < GBK_ROWS; i++) {
      csv.append(id(i)).append(",欧阳").append(i % 100).append(",低保,2018/3/1,,是,\r\n");
    }
    Path file = Path.of("target", "browser-roster-gbk.csv");
    Files.write(file, csv.toString().getBytes(Charset.forName("GBK")));
    assertThat(Files.size(file)).isGreaterThan(1 << 20); // two parts
    long before = identities();

    watchProgress();
    choose(file);
    preview();

    assertThat(count("new")).isEqualTo("40,000");
    assertThat(count("changed")).isEqualTo("0");
    assertThat(count("unchanged")).isEqualTo("0");
    assertThat(count("refused-count")).isEqualTo("0");
    assertThat(text(By.id("import-plan-note"))).contains("共 40,000 行").contains("取消则不写入");
    assertThat(driver.findElement(By.id("import-confirm")).isDisplayed()).isTrue();
    assertThat(phases()).contains("upload", "check");
    assertThat(identities()).isEqualTo(before); // a preview writes nothing
    screenshot("manager-import-preview.png");

    confirmAndWait("已导入 40000 行：新增 40000");
    assertThat(phases()).endsWith("apply");
    assertThat(identities()).isEqualTo(before + GBK_ROWS);
    assertThat(gw.value("SELECT person_name FROM person_identity WHERE person_id_no = ?", id(1)))
        .isEqualTo("李四");
    assertThat(gw.value("SELECT valid_to::text FROM person_identity WHERE person_id_no = ?", id(1)))
        .isEqualTo("2019-12-31");
    assertThat(
            gw.value(
                "SELECT lifted_out_date::text FROM person_identity WHERE person_id_no = ?", id(2)))
        .isEqualTo("2019-06-30");
    assertThat(driver.getPageSource()).doesNotContain(id(1));
  }

  static Path workbook() throws IOException {
    byte[] book =
        RosterFilesTest.xlsx(
            List.of(
                List.of("身份证号", "姓名", "类别", "生效日期", "终止日期", "已确认", "脱贫日期"),
                // changes the name of the GBK file's 张三
                List.of(id(0), "张三丰", "特困", new RosterFilesTest.DateCell(43101), "", "是", ""),
                // ends 李四 earlier than the GBK file did
                List.of(
                    id(1), "李四", "低保", "2018/1/1", new RosterFilesTest.DateCell(43465), "否", ""),
                // unchanged
                List.of(id(2), "王五", "建档立卡", "2018-01-01", "", true, "2019/6/30"),
                // new, dates as Excel serial numbers
                List.of(id(GBK_ROWS), "赵六", "低保", 43101, 43830, "否", ""),
                List.of(id(GBK_ROWS + 1), "钱七", "特困", "2018年1月1日", "", "是", "")));
    Path file = Path.of("target", "browser-roster.xlsx");
    Files.write(file, book);
    return file;
  }

  void previewXlsxThenCancel_writesNothing() throws IOException {
    long before = identities();
    long audits = gw.count("audit_log");
    choose(workbook());
    preview();
    assertThat(count("new")).isEqualTo("2");
    driver.findElement(By.id("import-cancel")).click();
    waitText(By.cssSelector("#import-form > .ok"), "已取消，未写入任何内容");
    assertThat(driver.findElement(By.id("import-preview")).isDisplayed()).isFalse();
    assertThat(identities()).isEqualTo(before);
    assertThat(gw.count("audit_log")).isEqualTo(audits);
    assertThat(gw.value("SELECT count(*) FROM roster_import WHERE state = 'CANCELLED'"))
        .isEqualTo(1L);
  }

  void importXlsxWithChineseValues() throws IOException {
    long before = identities();
    choose(workbook());
    preview();
    assertThat(count("new")).isEqualTo("2");
    assertThat(count("changed")).isEqualTo("1");
    assertThat(count("ended")).isEqualTo("1");
    assertThat(count("unchanged")).isEqualTo("1");
    confirmAndWait("新增 2，变更 1，终止 1，未变 1");
    assertThat(identities()).isEqualTo(before + 2);
    assertThat(
            gw.value(
                "SELECT person_name FROM person_identity WHERE person_id_no = ? AND superseded_at IS NULL",
                id(0)))
        .isEqualTo("张三丰");
    assertThat(
            gw.value(
                "SELECT valid_to::text FROM person_identity WHERE person_id_no = ?"
                    + " AND superseded_at IS NULL",
                id(1)))
        .isEqualTo("2018-12-31");
    assertThat(
            gw.value(
                "SELECT valid_to::text FROM person_identity WHERE person_id_no = ?", id(GBK_ROWS)))
        .isEqualTo("2019-12-31");
  }

  /** Three bad lines among good ones: each shown with its line, in Chinese; nothing written. */
  void refusedFileShowsItsLinesInChinese() throws IOException {
    String csv =
        "身份证号,姓名,类别,生效日期,终止日期,已确认,脱贫日期\n"
            + id(GBK_ROWS + 10)
            + ",孙八,低保,2018/1/1,,是,\n"
            + id(GBK_ROWS + 11)
            + ",周九,富裕,2018/1/1,,是,\n"
            + "445202195001010000,吴十,特困,2018/1/1,,是,\n"
            + id(GBK_ROWS + 12)
            + ",郑十一,特困,2018/13/1,,是,\n";
    Path file = Path.of("target", "browser-roster-refused.csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    long before = identities();

    choose(file);
    preview();

    WebElement error = visible(By.cssSelector("#import-form > .error"));
    assertThat(error.getText())
        .contains("第 3 行：类别有误（类别应为 特困、低保、建档立卡 或 因病致贫），整个文件未导入")
        .contains("查询编号")
        .doesNotContain("IMPORT_REFUSED");
    List<WebElement> lines = driver.findElements(By.cssSelector("#import-refused li"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).getText()).startsWith("第 3 行：类别");
    assertThat(lines.get(1).getText()).startsWith("第 4 行：身份证号有误：不是有效的身份证号");
    assertThat(lines.get(2).getText()).startsWith("第 5 行：生效日期有误（日期无法识别");
    assertThat(count("refused-count")).isEqualTo("3");
    assertThat(count("new")).isEqualTo("1");
    assertThat(driver.findElement(By.id("import-confirm")).isDisplayed()).isFalse();
    assertThat(text(By.id("import-plan-note"))).contains("整个文件不能导入");
    assertThat(driver.getPageSource()).doesNotContain("445202195001010000").doesNotContain("富裕");
    screenshotOf(By.id("import-form"), "manager-import-refused.png");
    assertThat(identities()).isEqualTo(before);
    driver.findElement(By.id("import-cancel")).click();
    waitText(By.cssSelector("#import-form > .ok"), "已取消");
  }

  /** The export as the browser downloads it, chosen again: every row unchanged, nothing written. */
  void exportThroughThePageImportsBackUnchanged() throws IOException {
    Path downloads = Files.createTempDirectory(Path.of("target"), "downloads-");
    ((ChromeDriver) driver)
        .executeCdpCommand(
            "Browser.setDownloadBehavior",
            Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
    driver.findElement(By.id("roster-export")).click();
    Path export =
        new WebDriverWait(driver, Duration.ofSeconds(60))
            .until(
                d -> {
                  try (Stream<Path> files = Files.list(downloads)) {
                    return files
                        .filter(p -> p.getFileName().toString().endsWith(".csv"))
                        .findFirst()
                        .orElse(null);
                  } catch (IOException e) {
                    return null;
                  }
                });
    byte[] bytes = Files.readAllBytes(export);
    assertThat(bytes[0]).isEqualTo((byte) 0xEF); // the BOM, for Excel
    long current = identities();
    long written = gw.count("person_identity");
    long audits = gw.count("audit_log");

    choose(export);
    preview();

    assertThat(count("unchanged")).isEqualTo(String.format("%,d", current));
    assertThat(count("new")).isEqualTo("0");
    assertThat(count("changed")).isEqualTo("0");
    assertThat(count("ended")).isEqualTo("0");
    confirmAndWait("未变 " + current);
    assertThat(gw.count("person_identity")).isEqualTo(written);
    // the import is audited as a file that changed nothing
    assertThat(gw.count("audit_log")).isEqualTo(audits + 1);
  }
}
