package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The managers' page's 参保比对 tab in headless Chromium (as {@link ManagerPageBrowserTest}, whose
 * notes on Chromium and CI apply): on a seeded office of 25 poor people, the four counts as an
 * ECharts bar chart and as a table, the outreach list paged, another outcome chosen, the CSV link,
 * both languages, a refusal as a sentence, and the insurance agency's region view (a matching run
 * in the background, its progress, its stored result), its register import (a refused file's every
 * bad line in Chinese, then a good file imported) and the subsidy report with its finance figure.
 *
 * <p>A screenshot goes to {@code target/manager-coverage.png} (see {@link BrowserTest}).
 */
class CoveragePageBrowserTest extends BrowserTest {
  static TestGateway gw;
  static final List<String> notEnrolled = new ArrayList<>();

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start();
    seed();
  }

  /**
   * Office 445202: 2 subsidised, 1 enrolled and paying themselves, 1 enrolled in Guangzhou and 21
   * not enrolled (two pages of 20); office 445281: 1 not enrolled (the region's view only).
   */
  static void seed() {
    LocalDate from = LocalDate.of(2017, 1, 1);
    int year = LocalDate.now(gw.zone()).getYear();
    for (int i = 1; i <= 25; i++) {
      String id = TestData.idNo("445202", LocalDate.of(1950, 1, 1), i);
      TestData.identity(gw, id, i % 2 == 0 ? "DESTITUTE" : "SUBSISTENCE", from, null, true, null);
      gw.sql("UPDATE person_identity SET person_name = ? WHERE person_id_no = ?", "困难户" + i, id);
      if (i <= 2) {
        CoverageFixture.enrol(gw, id, "445200", from, null, year, "SUBSIDISED");
      } else if (i == 3) {
        CoverageFixture.enrol(gw, id, "445202", from, null, year, "PAID");
      } else if (i == 4) {
        CoverageFixture.enrol(gw, id, "440104", from, null, year, "SUBSIDISED");
      } else {
        notEnrolled.add(id);
      }
    }
    TestData.identity(
        gw,
        TestData.idNo("445281", LocalDate.of(1950, 1, 1), 1),
        "DESTITUTE",
        from,
        null,
        true,
        null);
    CoverageFixture.agency(gw, "agency445200", "445200");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void coverageTab_countsChartOutreachListCsvLanguagesAndTheAgencysRegion() throws IOException {
    journey(
        "manager-coverage",
        () -> {
          logIn(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
          seeTheFourCountsAsTableAndChart();
          pageThroughTheOutreachList();
          downloadTheCsv();
          chooseAnotherOutcome();
          screenshot("manager-coverage.png");
          seeARefusalAsASentence();
          switchToEnglishAndBack();
          logOutAndInAsTheAgency();
          importTheRegister_refusalsByLineInChinese_thenAGoodFile();
          seeTheSubsidyReport_perOfficeCategoryAndForFinance();
          screenshot("manager-agency.png");
        });
  }

  void seeTheFourCountsAsTableAndChart() {
    driver.findElement(By.id("tab-coverage")).click();
    visible(By.id("coverage-view"));
    waitText(By.id("coverage-scope"), "办事处 445202");
    assertThat(count("SUBSIDISED")).isEqualTo("2");
    assertThat(count("NOT_SUBSIDISED")).isEqualTo("1");
    assertThat(count("ELSEWHERE")).isEqualTo("1");
    assertThat(count("NOT_ENROLLED")).isEqualTo("21");
    assertThat(text(By.cssSelector("#coverage-counts tr[data-outcome=NOT_ENROLLED]")))
        .contains("未参保");
    // ECharts, from the gateway itself, drew the four bars as SVG
    visible(By.cssSelector("#coverage-chart[data-drawn='2,1,1,21'] svg"));
    assertThat(driver.findElements(By.cssSelector("#coverage-chart svg path")).size())
        .isGreaterThanOrEqualTo(4);
    assertThat(text(By.id("coverage-chart"))).contains("未参保").contains("21");
  }

  String count(String outcome) {
    By cell = By.cssSelector("#coverage-counts tr[data-outcome=" + outcome + "] td.num");
    visible(cell);
    return text(cell);
  }

  void pageThroughTheOutreachList() {
    waitText(By.cssSelector("#coverage-pager .page-info"), "第 1 / 2 页，共 21 人");
    assertThat(driver.findElements(By.cssSelector("#coverage-table tbody tr"))).hasSize(20);
    WebElement first = driver.findElement(By.cssSelector("#coverage-table tbody tr"));
    String id = notEnrolled.get(0);
    assertThat(first.findElement(By.cssSelector(".idno")).getText())
        .isEqualTo(id.charAt(0) + "*".repeat(15) + id.substring(16));
    assertThat(first.getText()).contains("困难户5").contains("低保");
    assertThat(first.getAttribute("data-outcome")).isEqualTo("NOT_ENROLLED");
    driver.findElement(By.cssSelector("#coverage-pager button[data-step='1']")).click();
    waitText(By.cssSelector("#coverage-pager .page-info"), "第 2 / 2 页");
    assertThat(driver.findElements(By.cssSelector("#coverage-table tbody tr"))).hasSize(1);
    assertThat(driver.getPageSource()).doesNotContain(id);
  }

  void downloadTheCsv() {
    String href = driver.findElement(By.id("coverage-export")).getAttribute("href");
    assertThat(href).endsWith("/manager/api/coverage/export?outcome=NOT_ENROLLED");
    ManagerClient api = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    Response r = api.get(href.substring(gw.baseUrl().length()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("\uFEFF身份证号,姓名,办事处,身份类别,比对结果,参保地\r\n");
    assertThat(r.body().split("\r\n")).hasSize(22);
  }

  void chooseAnotherOutcome() {
    new Select(driver.findElement(By.id("coverage-outcome"))).selectByValue("ELSEWHERE");
    // the second page of the outreach list had one row too: wait for the ELSEWHERE one
    visible(By.cssSelector("#coverage-table tbody tr[data-outcome=ELSEWHERE]"));
    assertThat(driver.findElements(By.cssSelector("#coverage-table tbody tr"))).hasSize(1);
    WebElement row = driver.findElement(By.cssSelector("#coverage-table tbody tr"));
    assertThat(row.getText()).contains("异地参保").contains("440104");
    assertThat(driver.findElement(By.id("coverage-export")).getAttribute("href"))
        .endsWith("outcome=ELSEWHERE");
    assertThat(driver.findElement(By.id("coverage-pager")).isDisplayed()).isFalse();
  }

  /** The page's refusal table knows coverage's codes: a sentence, not a code. */
  void seeARefusalAsASentence() {
    Object sentence =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "import('/manager/i18n.js').then(m => done(m.errorText('OUT_OF_SCOPE',"
                    + " 'office: another office than yours, 445202 is not yours to see',"
                    + " 'office')));");
    assertThat(sentence).isEqualTo("办事处：超出您的管辖范围，无权查看。");
  }

  void switchToEnglishAndBack() {
    driver.findElement(By.id("lang")).click();
    waitText(By.id("tab-coverage"), "Coverage check");
    waitText(By.id("coverage-scope"), "The poor of office 445202");
    assertThat(text(By.cssSelector("#coverage-counts tr[data-outcome=NOT_ENROLLED]")))
        .contains("Not enrolled");
    assertThat(text(By.cssSelector("#coverage-table tbody tr"))).contains("Enrolled elsewhere");
    driver.findElement(By.id("lang")).click();
    waitText(By.id("tab-coverage"), "参保比对");
  }

  void logOutAndInAsTheAgency() {
    driver.findElement(By.id("logout")).click();
    visible(By.id("login-form"));
    logIn(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    driver.findElement(By.id("tab-coverage")).click();
    waitText(By.id("coverage-scope"), "医保统筹区 445200");
    waitText(By.cssSelector("#coverage-counts tr[data-outcome=NOT_ENROLLED] td.num"), "22");
    // the region's matching ran in the background and is stored: the page says when it finished
    visible(By.cssSelector("#coverage-run[data-state=DONE]"));
    assertThat(text(By.id("coverage-run-text"))).startsWith("比对完成于");
    assertThat(driver.findElement(By.id("coverage-export")).getAttribute("href"))
        .contains("/manager/api/coverage/runs/")
        .endsWith("/export?outcome=NOT_ENROLLED");
    assertThat(driver.findElement(By.id("tab-accounts")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("tab-roster")).isDisplayed()).isFalse();
  }

  void importTheRegister_refusalsByLineInChinese_thenAGoodFile() throws IOException {
    driver.findElement(By.id("tab-register")).click();
    visible(By.id("register-form"));
    String good = notEnrolled.get(0);
    String bad = good.substring(0, 17) + (good.charAt(17) == '0' ? '1' : '0');
    String header = "身份证号,姓名,参保地,险种,参保开始日期,参保终止日期,缴费年度,缴费状态,社保卡号\n";
    int year = LocalDate.now(gw.zone()).getYear();
    Path refused =
        file(
            "refused.csv",
            header
                + bad
                + ",甲,445202,城乡居民,2018-01-01,,2018,资助参保,\n"
                + good
                + ",乙,445202,城乡居民,2018/13/01,,2018,资助参保,\n");
    driver.findElement(By.id("register-file")).sendKeys(refused.toString());
    driver.findElement(By.id("register-submit")).click();
    visible(By.cssSelector("#register-job[data-state=REFUSED]"));
    waitText(By.id("register-state"), "整个文件未导入");
    List<WebElement> lines = driver.findElements(By.cssSelector("#register-refusals tbody tr"));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).getText()).startsWith("2").contains("身份证号").contains("不是有效的身份证号");
    assertThat(lines.get(1).getText()).startsWith("3").contains("生效日期").contains("日期无法识别");
    assertThat(driver.getPageSource()).doesNotContain(bad);

    Path fine =
        file(
            "register.csv",
            header + good + ",乙,445202,城乡居民," + year + "-01-01,," + year + ",资助参保,\n");
    driver.findElement(By.id("register-file")).sendKeys(fine.toString());
    driver.findElement(By.id("register-submit")).click();
    visible(By.cssSelector("#register-job[data-state=DONE]"));
    waitText(By.id("register-state"), "导入完成：共 1 行，写入 1 行");
    assertThat(driver.findElements(By.cssSelector("#register-refusals tbody tr"))).isEmpty();
    assertThat(
            gw.value(
                "SELECT count(*) FROM insured_enrolment WHERE person_id_no = ?"
                    + " AND superseded_at IS NULL AND contribution_status = 'SUBSIDISED'",
                good))
        .isEqualTo(1L);
  }

  static Path file(String name, String text) throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "browser-files"));
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toAbsolutePath();
  }

  void seeTheSubsidyReport_perOfficeCategoryAndForFinance() {
    int year = LocalDate.now(gw.zone()).getYear();
    ManagerClient agency = ManagerClient.login(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    Response standard =
        agency.put(
            "/manager/api/coverage/standards/" + year + "/445200",
            "{\"individualContribution\":\"350.00\",\"subsidies\":{"
                + "\"DESTITUTE\":{\"ratio\":10000},\"SUBSISTENCE\":{\"ratio\":5000}}}");
    assertThat(standard.status()).as(standard.body()).isEqualTo(200);

    driver.findElement(By.id("tab-subsidies")).click();
    visible(By.id("subsidies-view"));
    waitText(By.id("subsidies-scope"), "医保统筹区 445200，" + year + " 年度资助参保");
    // persons 1 (低保: half of 350.00) and 2 (特困: all of it), subsidised in 445200; person 5,
    // imported above, subsidised in 445202, which has no standard for the year
    waitText(By.cssSelector("#subsidies-finance tbody"), "445200");
    assertThat(text(By.cssSelector("#subsidies-finance tbody"))).contains("525.00");
    assertThat(text(By.cssSelector("#subsidies-offices tbody tr[data-key='445202']")))
        .contains("445202");
    assertThat(driver.findElements(By.cssSelector("#subsidies-categories tbody tr"))).isNotEmpty();
    assertThat(text(By.cssSelector("#subsidies-totals tbody")))
        .contains("700.00")
        .contains("525.00")
        .contains("175.00");
    assertThat(text(By.id("subsidies-missing"))).contains("445202");
    assertThat(driver.findElement(By.id("subsidies-export")).getAttribute("href"))
        .endsWith("/manager/api/coverage/subsidies/export?year=" + year);
  }
}
