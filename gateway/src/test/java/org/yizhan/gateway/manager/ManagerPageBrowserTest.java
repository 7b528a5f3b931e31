package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The managers' page ({@code /manager/}) in Debian's headless Chromium, driven by Selenium against
 * an in-process gateway: a manager's working day from login to logout, through the page only, with
 * the hospital's settlement made over the hospital API meanwhile.
 *
 * <p>Screenshots of the accounts and of the roster go to {@code target/manager-page.png} and {@code
 * target/manager-roster.png} (see {@link BrowserTest} for Chromium, CI and {@code docs/}).
 */
class ManagerPageBrowserTest extends BrowserTest {
  /** Hospital H2 (level 2, 揭阳) for 445202 people: the account the journey works on. */
  static final String H2 = "H44520200002";

  static TestGateway gw;
  static ManagerClient api;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start();
    api = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void managerPage_loginTopUpSettlementCloseRosterImportAndLanguage() throws IOException {
    long account = api.account(H2, "5000.00", "HOSPITAL_ADVANCE");
    TestData.openedLastMonth(gw, account);
    long empty = api.account(TestGateway.H1, null, "HOSPITAL_ADVANCE");
    String person = PrepaymentLedgerTest.destitute(api, "445202", 1940, 1).get(0);

    journey(
        "manager-page",
        () -> {
          logIn();
          seeAccountsWithBalanceAndAlert(account, empty);
          topUpAndSeeBalanceAndEntry(account);
          settleAtHospitalAndSeeDrawdown(account, person);
          closePeriodAndSeeStatement(account);
          closePeriodNotYetEndedAndSeeWhyInChinese();
          pageThroughEntries(empty);
          addIdentityAndFindIt();
          editAndEndIdentity();
          importRosterWithBadRowAndSeeLineNumber();
          importRosterWithInvalidIdNumberAndSeeItInChinese();
          screenshot("manager-roster.png");
          switchLanguageAndKeepIt();
          backToTheAccount(account);
          topUpAsPeopleTypeIt(account);
          screenshot("manager-page.png");
          logOut();
        });
  }

  void logIn() {
    driver.get(gw.baseUrl() + "/manager/");
    visible(By.id("login-form"));
    assertThat(driver.findElement(By.tagName("h1")).getText()).contains("预付款管理");

    type(By.id("login-username"), ManagerClient.A);
    type(By.id("login-password"), "not-the-password");
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    WebElement error = visible(By.cssSelector("#login-form > .error"));
    assertThat(error.getText()).contains("用户名或密码不正确").doesNotContain("UNAUTHENTICATED");
    assertThat(error.getAttribute("data-code")).isEqualTo("UNAUTHENTICATED");

    type(By.id("login-password"), ManagerClient.A_PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    visible(By.id("app-view"));
    assertThat(driver.findElement(By.id("who-office")).getText()).isEqualTo("445202");
    assertThat(driver.findElement(By.id("who-name")).getText()).contains(ManagerClient.A);
  }

  void seeAccountsWithBalanceAndAlert(long account, long empty) {
    WebElement row = visible(accountRow(account));
    assertThat(row.findElement(By.cssSelector(".balance")).getText()).isEqualTo("5,000.00");
    assertThat(row.getAttribute("class")).doesNotContain("low");
    WebElement low = visible(accountRow(empty));
    assertThat(low.getAttribute("class")).contains("low");
    assertThat(low.findElement(By.cssSelector(".alert")).getText()).isEqualTo("余额低于预警线");
    assertThat(low.findElement(By.cssSelector(".balance")).getText()).isEqualTo("0.00");
  }

  void topUpAndSeeBalanceAndEntry(long account) {
    driver.findElement(accountRow(account)).click();
    visible(By.id("account-detail"));
    waitText(By.id("entries-table"), "5,000.00");

    // An alert line above the balance highlights the account; the top-up below lifts it.
    new Select(driver.findElement(By.id("settings-mode"))).selectByValue("REFUSE");
    type(By.id("settings-threshold"), "6000");
    driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
    waitText(By.cssSelector("#settings-form > .ok"), "设置已保存");
    WebElement row = driver.findElement(accountRow(account));
    assertThat(row.getAttribute("class")).contains("low");
    assertThat(row.getText()).contains("6,000.00").contains("不予救助").contains("余额低于预警线");

    type(By.id("topup-reference"), "BK-2018-0042");
    type(By.id("topup-amount"), "1234.56");
    driver.findElement(By.cssSelector("#topup-form button[type=submit]")).click();
    waitText(By.cssSelector("#topup-form > .ok"), "1,234.56");
    waitText(By.cssSelector(accountCss(account) + " .balance"), "6,234.56");
    assertThat(driver.findElement(accountRow(account)).getAttribute("class")).doesNotContain("low");
    waitText(By.id("entries-table"), "BK-2018-0042");
    WebElement entry =
        driver.findElement(By.xpath("//table[@id='entries-table']//tr[td[5]='BK-2018-0042']"));
    assertThat(entry.getAttribute("data-kind")).isEqualTo("TOP_UP");
    assertThat(entry.findElement(By.cssSelector(".num")).getText()).isEqualTo("1,234.56");

    // The same reference again is booked once: the balance stays.
    type(By.id("topup-amount"), "1234.56");
    driver.findElement(By.cssSelector("#topup-form button[type=submit]")).click();
    waitText(By.cssSelector("#topup-form > .ok"), "BK-2018-0042");
    assertThat(text(By.cssSelector("#topup-form > .ok"))).contains("未重复记账");
    assertThat(text(By.cssSelector(accountCss(account) + " .balance"))).isEqualTo("6,234.56");

    // A refused amount is shown under its form with the field at fault.
    type(By.id("topup-reference"), "BK-2018-0043");
    type(By.id("topup-amount"), "12.345");
    driver.findElement(By.cssSelector("#topup-form button[type=submit]")).click();
    waitText(By.cssSelector("#topup-form > .error"), "金额须为正数，最多两位小数");
  }

  void settleAtHospitalAndSeeDrawdown(long account, String person) {
    Response settled =
        gw.post(
            "/api/v1/settlements",
            TestGateway.H2_KEY,
            ClaimJson.claim("BR-0001")
                .office("445202")
                .person(person)
                .item("T-A", "3000.00")
                .json());
    assertThat(settled.status()).as(settled.body()).isEqualTo(201);

    driver.findElement(By.id("accounts-refresh")).click();
    // 6234.56 less the assistance of 750.00 the settlement drew.
    waitText(By.cssSelector(accountCss(account) + " .balance"), "5,484.56");
    assertThat(driver.findElement(accountRow(account)).getAttribute("class")).contains("low");
    waitText(By.id("entries-table"), "BR-0001");
    WebElement drawdown =
        driver.findElement(By.xpath("//table[@id='entries-table']//tr[td[5]='BR-0001']"));
    assertThat(drawdown.getAttribute("data-kind")).isEqualTo("DRAWDOWN");
    assertThat(drawdown.findElement(By.cssSelector(".num")).getText()).isEqualTo("750.00");
    // the chart (ECharts) drew one day: today's 750.00 paid from the balance, nothing advanced
    wait.until(
        d ->
            (LocalDate.now(gw.zone()) + "=75000+0")
                .equals(d.findElement(By.id("chart")).getAttribute("data-drawn")));

    new Select(driver.findElement(By.id("entries-kind"))).selectByValue("DRAWDOWN");
    driver.findElement(By.cssSelector("#entries-form button[type=submit]")).click();
    wait.until(
        d -> d.findElements(By.cssSelector("#entries-table tbody tr[data-kind=TOP_UP]")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#entries-table tbody tr"))).hasSize(1);
  }

  void closePeriodAndSeeStatement(long account) {
    // The account was opened last month: the page offers that period, which has ended.
    String period = YearMonth.now(gw.zone()).minusMonths(1).toString();
    assertThat(driver.findElement(By.id("close-period")).getAttribute("value")).isEqualTo(period);
    driver.findElement(By.cssSelector("#close-form button[type=submit]")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    waitText(By.cssSelector("#close-form > .ok"), "5,484.56");
    WebElement statement =
        visible(By.cssSelector("#statements-table tr[data-period='" + period + "']"));
    assertThat(statement.getText()).contains("5,484.56").contains("6,234.56").contains("750.00");
    String next = YearMonth.parse(period).plusMonths(1).toString();
    waitText(By.cssSelector(accountCss(account)), next);
    // the open period is now this month, which has not ended: nothing is offered, and the page
    // says from when it can be closed
    waitText(By.id("close-hint"), next);
    assertThat(driver.findElement(By.id("close-period")).getAttribute("value")).isEmpty();

    String csv = statement.findElement(By.cssSelector("a.csv")).getAttribute("href");
    Response r = api.get(csv.substring(gw.baseUrl().length()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains(period).contains("5484.56");

    // Closing it again is refused, and the refusal is shown under the form.
    ((JavascriptExecutor) driver)
        .executeScript("document.getElementById('close-period').value = arguments[0]", period);
    driver.findElement(By.cssSelector("#close-form button[type=submit]")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    waitText(By.cssSelector("#close-form > .error"), "期间 " + period + " 不是当前期间");
    assertThat(text(By.cssSelector("#close-form > .error")))
        .contains("查询编号：")
        .doesNotContain("PERIOD_NOT_OPEN");
    assertThat(driver.findElement(By.cssSelector("#close-form > .error")).getAttribute("data-code"))
        .isEqualTo("PERIOD_NOT_OPEN");
  }

  /** The open period, which has not ended, refused in Chinese with the day it can be closed. */
  void closePeriodNotYetEndedAndSeeWhyInChinese() {
    String open = YearMonth.now(gw.zone()).toString();
    ((JavascriptExecutor) driver)
        .executeScript("document.getElementById('close-period').value = arguments[0]", open);
    driver.findElement(By.cssSelector("#close-form button[type=submit]")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    String from = YearMonth.parse(open).plusMonths(1).atDay(1).toString();
    waitText(By.cssSelector("#close-form > .error"), "期间 " + open + " 尚未结束，" + from + " 起可清算。");
    WebElement error = driver.findElement(By.cssSelector("#close-form > .error"));
    assertThat(error.getText()).doesNotContain("has not ended").doesNotContain("PERIOD_NOT_ENDED");
    assertThat(error.findElement(By.cssSelector(".message")).getText())
        .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-");
    assertThat(error.getAttribute("data-code")).isEqualTo("PERIOD_NOT_ENDED");
  }

  void pageThroughEntries(long empty) {
    for (int i = 0; i < 21; i++) {
      Response r =
          api.post(
              "/manager/api/accounts/" + empty + "/top-ups",
              "{\"reference\":\"PG-" + i + "\",\"amount\":0.01}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    driver.findElement(accountRow(empty)).click();
    waitText(By.cssSelector("#entries-pager .page-info"), "第 1 / 2 页，共 21 条");
    assertThat(driver.findElements(By.cssSelector("#entries-table tbody tr"))).hasSize(20);
    driver.findElement(By.cssSelector("#entries-pager button[data-step='1']")).click();
    waitText(By.cssSelector("#entries-pager .page-info"), "第 2 / 2 页");
    assertThat(driver.findElements(By.cssSelector("#entries-table tbody tr"))).hasSize(1);
    assertThat(text(By.id("account-name"))).contains("0.21");
  }

  void addIdentityAndFindIt() {
    driver.findElement(By.id("tab-roster")).click();
    visible(By.id("roster-view"));
    driver.findElement(By.id("identity-new")).click();
    visible(By.id("identity-form"));
    type(By.id("identity-idno"), "445202198001010013");
    type(By.id("identity-name"), "李四");
    new Select(driver.findElement(By.id("identity-category"))).selectByValue("SUBSISTENCE");
    date(By.id("identity-from"), "2018-01-01");
    driver.findElement(By.id("identity-save")).click();
    waitText(By.id("roster-ok"), "李四");

    type(By.id("search-q"), "李四");
    driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    wait.until(d -> d.findElements(By.cssSelector("#roster-table tbody tr")).size() == 1);
    WebElement row = driver.findElement(By.cssSelector("#roster-table tbody tr"));
    assertThat(row.findElement(By.cssSelector(".idno")).getText()).isEqualTo("4***************13");
    assertThat(row.getText()).contains("李四").contains("低保").contains("2018-01-01");
    assertThat(driver.getPageSource()).doesNotContain("445202198001010013");
  }

  void editAndEndIdentity() {
    WebElement row = driver.findElement(By.cssSelector("#roster-table tbody tr"));
    row.findElement(By.cssSelector("button[data-action=edit]")).click();
    WebElement idNo = visible(By.id("identity-idno"));
    assertThat(idNo.isEnabled()).isFalse();
    assertThat(idNo.getAttribute("value")).isEqualTo("4***************13");
    type(By.id("identity-name"), "李四新");
    driver.findElement(By.id("identity-save")).click();
    waitText(By.id("roster-ok"), "李四新");
    waitText(By.id("roster-table"), "李四新");

    row = driver.findElement(By.cssSelector("#roster-table tbody tr"));
    row.findElement(By.cssSelector("button[data-action=end]")).click();
    visible(By.id("end-form"));
    date(By.id("end-to"), "2018-12-31");
    driver.findElement(By.cssSelector("#end-form button[type=submit]")).click();
    waitText(By.id("roster-ok"), "2018-12-31");
    waitText(By.id("roster-table"), "2018-12-31");
    assertThat(driver.findElement(By.cssSelector("#roster-table tbody tr")).getAttribute("class"))
        .contains("ended");

    String export = driver.findElement(By.id("roster-export")).getAttribute("href");
    Response r = api.get(export.substring(gw.baseUrl().length()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("445202198001010013,李四新,SUBSISTENCE,2018-01-01,2018-12-31");
  }

  void importRosterWithBadRowAndSeeLineNumber() throws IOException {
    Path csv = Path.of("target", "browser-roster.csv").toAbsolutePath();
    Files.writeString(
        csv,
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + "445202198002020029,王五,DESTITUTE,2018-01-01,,true,\n"
            + "445202198003030034,赵六,WEALTHY,2018-01-01,,true,\n",
        StandardCharsets.UTF_8);
    driver.findElement(By.id("import-file")).sendKeys(csv.toString());
    driver.findElement(By.id("import-submit")).click();
    WebElement error = visible(By.cssSelector("#import-form > .error"));
    assertThat(error.getText())
        .contains("第 3 行：类别有误（类别应为 特困、低保、建档立卡 或 因病致贫），整个文件未导入")
        .doesNotContain("IMPORT_REFUSED")
        .doesNotContain("line 3");
    assertThat(gw.value("SELECT count(*) FROM person_identity WHERE person_name = '王五'"))
        .isEqualTo(0L);

    type(By.id("search-q"), "王五");
    driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    visible(By.id("roster-none"));

    // The whole roster again: the identity added above and the one imported by the API.
    driver.findElement(By.id("search-q")).clear();
    driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    wait.until(d -> d.findElements(By.cssSelector("#roster-table tbody tr")).size() == 2);
    assertThat(text(By.id("import-form"))).contains("第 3 行");
  }

  /** An ID number with a wrong check digit: its line and column in Chinese, nothing written. */
  void importRosterWithInvalidIdNumberAndSeeItInChinese() throws IOException {
    Path csv = Path.of("target", "browser-roster-idno.csv").toAbsolutePath();
    Files.writeString(
        csv,
        "person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date\n"
            + "445202198002020029,王五,DESTITUTE,2018-01-01,,true,\n"
            + "445202198004040041,孙七,DESTITUTE,2018-01-01,,true,\n",
        StandardCharsets.UTF_8);
    driver.findElement(By.id("import-file")).sendKeys(csv.toString());
    driver.findElement(By.id("import-submit")).click();
    waitText(By.cssSelector("#import-form > .error"), "身份证号");
    WebElement error = driver.findElement(By.cssSelector("#import-form > .error"));
    String message = error.findElement(By.cssSelector(".message")).getText();
    assertThat(message)
        .isEqualTo("第 3 行：身份证号有误：不是有效的身份证号（请核对位数、出生日期和校验位）。整个文件未导入。")
        .doesNotContainPattern("[A-Z_]{6,}");
    assertThat(error.findElement(By.cssSelector("small.correlation")).getText())
        .startsWith("查询编号：");
    assertThat(error.getAttribute("data-code")).isEqualTo("INVALID_ID_NUMBER");
    assertThat(driver.getPageSource()).doesNotContain("445202198004040041");
    assertThat(gw.value("SELECT count(*) FROM person_identity WHERE person_name = '孙七'"))
        .isEqualTo(0L);
    screenshotOf(By.id("import-form"), "manager-refusal.png");
  }

  /** An amount typed in full-width digits with a separator, and a Chinese document number. */
  void topUpAsPeopleTypeIt(long account) {
    type(By.id("topup-reference"), "揭民救〔2018〕12号");
    type(By.id("topup-amount"), "５,０００.００");
    driver.findElement(By.cssSelector("#topup-form button[type=submit]")).click();
    waitText(By.cssSelector("#topup-form > .ok"), "已充值 5,000.00 元（单号 揭民救〔2018〕12号）");
    waitText(By.cssSelector(accountCss(account) + " .balance"), "10,484.56");
    waitText(By.id("entries-table"), "揭民救〔2018〕12号");
    WebElement entry =
        driver.findElement(By.xpath("//table[@id='entries-table']//tr[td[5]='揭民救〔2018〕12号']"));
    assertThat(entry.getAttribute("data-kind")).isEqualTo("TOP_UP");
    assertThat(entry.findElement(By.cssSelector(".num")).getText()).isEqualTo("5,000.00");
    assertThat(gw.value("SELECT count(*) FROM ledger_transfer WHERE top_up_ref = '揭民救〔2018〕12号'"))
        .isEqualTo(1L);
  }

  void switchLanguageAndKeepIt() {
    driver.findElement(By.id("lang")).click();
    waitText(By.tagName("h1"), "Civil-affairs prepayment");
    assertThat(text(By.id("tab-roster"))).isEqualTo("Identity roster");

    driver.navigate().refresh();
    visible(By.id("app-view"));
    assertThat(text(By.tagName("h1"))).contains("Civil-affairs prepayment");
    assertThat(text(By.id("tab-accounts"))).isEqualTo("Prepayment accounts");
    assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");

    // a refusal in English too: the same import line, translated with its column
    driver.findElement(By.id("tab-roster")).click();
    Path csv = Path.of("target", "browser-roster-idno.csv").toAbsolutePath();
    driver.findElement(By.id("import-file")).sendKeys(csv.toString());
    driver.findElement(By.id("import-submit")).click();
    waitText(By.cssSelector("#import-form > .error"), "line 3: ID number is not a valid ID number");
    assertThat(text(By.cssSelector("#import-form > .error")))
        .contains("Nothing was imported.")
        .contains("reference for support: ")
        .doesNotContain("身份证号")
        .doesNotContain("INVALID_ID_NUMBER");
    driver.findElement(By.id("tab-accounts")).click();

    driver.findElement(By.id("lang")).click();
    waitText(By.id("tab-accounts"), "预付款账户");
  }

  void backToTheAccount(long account) {
    driver.findElement(By.id("tab-accounts")).click();
    driver.findElement(accountRow(account)).click();
    waitText(By.id("entries-table"), "BK-2018-0042");
    waitText(By.id("statements-table"), "5,484.56");
    visible(By.cssSelector("#chart svg path"));
  }

  void logOut() {
    driver.findElement(By.id("logout")).click();
    visible(By.id("login-form"));
    driver.navigate().refresh();
    visible(By.id("login-form"));
    assertThat(driver.findElement(By.id("app-view")).isDisplayed()).isFalse();

    // The other office's manager, on the same page, sees none of office 445202's accounts.
    type(By.id("login-username"), ManagerClient.B);
    type(By.id("login-password"), ManagerClient.B_PASSWORD);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    waitText(By.id("who-office"), "445281");
    visible(By.id("accounts-none"));
    assertThat(driver.findElements(By.cssSelector("#accounts-table tbody tr"))).isEmpty();
    assertThat(driver.findElement(By.id("account-detail")).isDisplayed()).isFalse();
  }

  // ---- helpers

  static By accountRow(long id) {
    return By.cssSelector(accountCss(id));
  }

  static String accountCss(long id) {
    return "#accounts-table tr[data-account-id='" + id + "']";
  }
}
