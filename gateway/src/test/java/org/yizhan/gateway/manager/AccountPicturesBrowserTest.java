package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The picture of the money on the managers' page, in headless Chromium, on the seeded history of
 * {@link LedgerPicturesTest} (clock at 20 November 2026, noon in Shanghai): the balance against the
 * alert line and the run-out forecast, the entries with who was paid (the full ID number, audited),
 * a statement printed on one A4 page, and the page at a phone's 390 px.
 *
 * <p>Screenshots (see {@link BrowserTest}): {@code manager-charts.png}, {@code
 * manager-statement-print.png}, {@code manager-phone.png}.
 */
class AccountPicturesBrowserTest extends BrowserTest {
  static final SettableClock CLOCK = new SettableClock(Instant.now());

  /** A4 at CSS's 96 px to the inch: 210 × 297 mm. */
  static final int A4_WIDTH_PX = 794;

  static final int A4_HEIGHT_PX = 1123;

  /** The @page margin of style.css, 12 mm, in CSS px (12 / 25.4 × 96). */
  static final int PAGE_MARGIN_PX = 45;

  static TestGateway gw;
  static long account;
  static List<String> persons;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start(Map.of(), CLOCK);
    LedgerPicturesTest.History h = LedgerPicturesTest.seed(gw, CLOCK);
    account = h.account();
    persons = h.persons();
    // every movement was booked in the open period, which the clerk closes in the print test
    gw.sql("UPDATE prepayment_account SET open_period = '2026-10' WHERE id = ?", account);
    gw.sql("UPDATE ledger_transfer SET period = '2026-10' WHERE account_id = ?", account);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @AfterEach
  void plainScreen() {
    if (driver != null) {
      cdp("Emulation.clearDeviceMetricsOverride", Map.of());
      cdp("Emulation.setEmulatedMedia", Map.of("media", ""));
    }
  }

  @Test
  void chartsAndForecast_showTheBalanceAgainstTheAlertLineAndWhenItRunsOut() throws IOException {
    journey(
        "manager-charts",
        () -> {
          openAccount();
          WebElement forecast = visible(By.id("forecast"));
          waitText(By.id("forecast-runout"), "2026-11-25");
          assertThat(text(By.id("forecast-balance"))).isEqualTo("500.00");
          assertThat(text(By.id("forecast-rate"))).isEqualTo("100.00");
          assertThat(text(By.id("forecast-alert"))).isEqualTo("2026-11-20");
          assertThat(text(By.id("forecast-topup"))).isEqualTo("600.00");
          assertThat(text(By.id("forecast-topup-label"))).contains("2026-11-30");
          assertThat(forecast.getText()).contains("2026-10-21").contains("3,000.00");

          // the balance chart: each day's close (fen), the alert line, the forecast's path
          WebElement balance = driver.findElement(By.id("balance-chart"));
          wait.until(d -> !balance.findElements(By.cssSelector("svg path")).isEmpty());
          assertThat(balance.getAttribute("data-drawn"))
              .startsWith("2026-10-22=425000,")
              .contains("2026-11-10=200000")
              .endsWith("2026-11-20=50000");
          assertThat(balance.getAttribute("data-alert")).isEqualTo("200000");
          assertThat(balance.getAttribute("data-run-out")).isEqualTo("2026-11-25");
          assertThat(balance.getText()).contains("预警线").contains("2,000.00");

          WebElement daily = driver.findElement(By.id("chart"));
          wait.until(d -> !daily.findElements(By.cssSelector("svg path")).isEmpty());
          assertThat(daily.getAttribute("data-drawn"))
              .isEqualTo(
                  "2026-10-25=75000+0,2026-11-01=75000+0,2026-11-10=75000+0,"
                      + "2026-11-19=75000+0,2026-11-20=75000+0");
          // the office's drawdowns per day and hospital: 5 × 750.00 at H2 in 30 days
          assertThat(driver.findElement(By.id("office-chart")).getAttribute("data-drawn"))
              .isEqualTo(ManagerPageBrowserTest.H2 + "=375000");
          screenshot("manager-charts.png");
        });
  }

  @Test
  void entries_showWhoWasPaid_withTheFullIdNumberForTheOfficesClerk_andTheLookIsAudited()
      throws IOException {
    journey(
        "manager-payees",
        () -> {
          long before = audited();
          openAccount();
          By newest = By.xpath("//table[@id='entries-table']//tr[td[5]='LP-5']");
          WebElement row = visible(newest);
          assertThat(row.findElement(By.cssSelector(".after")).getText()).isEqualTo("500.00");
          assertThat(row.findElement(By.cssSelector(".person")).getText()).isEqualTo("病人5");
          WebElement id = row.findElement(By.cssSelector(".idno"));
          assertThat(id.getText()).isEqualTo(persons.get(5));
          assertThat(id.getAttribute("data-full")).isEqualTo("true");
          assertThat(row.getText()).contains("2018-03-20");
          WebElement topUp =
              driver.findElement(By.xpath("//table[@id='entries-table']//tr[@data-kind='TOP_UP']"));
          assertThat(topUp.findElement(By.cssSelector(".after")).getText()).isEqualTo("5,000.00");

          wait.until(d -> audited() > before);
          Map<String, Object> last =
              gw.sql(
                      "SELECT actor, entity_type, entity_id, details FROM audit_log"
                          + " WHERE chain = 'ledger-views' ORDER BY seq DESC LIMIT 1")
                  .get(0);
          assertThat(last.get("actor")).isEqualTo("manager:" + ManagerClient.A);
          assertThat(last.get("entity_type")).isEqualTo("account");
          assertThat(last.get("entity_id")).isEqualTo(Long.toString(account));
          assertThat((String) last.get("details")).contains("\"page\":1");
        });
  }

  @Test
  void statement_printsOnOneA4Page_withTheFiguresAndSignatureLines() throws IOException {
    journey(
        "manager-statement",
        () -> {
          ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
          Response closed =
              a.post("/manager/api/accounts/" + account + "/periods/2026-10/close", "");
          assertThat(closed.status()).as(closed.body()).isIn(200, 409);
          openAccount();
          WebElement row = visible(By.cssSelector("#statements-table tr[data-period='2026-10']"));
          row.findElement(By.cssSelector("button.print")).click();
          WebElement sheet = visible(By.id("statement-sheet"));
          assertThat(sheet.getText())
              .contains("医疗救助预付款清算单")
              .contains("2026-10-01 至 2026-10-31")
              .contains("445202")
              .contains(ManagerPageBrowserTest.H2)
              .contains("5,000.00")
              .contains("4,500.00")
              .contains("人民币伍佰元整")
              .contains("经办人")
              .contains("复核人")
              .contains("负责人")
              .contains("定点医院（盖章）");
          assertThat(
                  sheet
                      .findElement(By.cssSelector("#sheet-figures tr[data-figure=closing] td"))
                      .getText())
              .isEqualTo("500.00");

          // print media on a window of A4's size: what the printer is given, alone on the page
          cdp(
              "Emulation.setDeviceMetricsOverride",
              Map.of(
                  "width",
                  A4_WIDTH_PX - 2 * PAGE_MARGIN_PX,
                  "height",
                  A4_HEIGHT_PX - 2 * PAGE_MARGIN_PX,
                  "deviceScaleFactor",
                  1,
                  "mobile",
                  false));
          cdp("Emulation.setEmulatedMedia", Map.of("media", "print"));
          wait.until(d -> !driver.findElement(By.id("app-view")).isDisplayed());
          assertThat(driver.findElement(By.id("sheet-print")).isDisplayed()).isFalse();
          long height = number("return document.documentElement.scrollHeight");
          assertThat(height)
              .as("the printed sheet's height in CSS px, within A4 less its margins")
              .isLessThanOrEqualTo(A4_HEIGHT_PX - 2 * PAGE_MARGIN_PX);
          screenshot("manager-statement-print.png");

          // and Chromium's own print to PDF, at the page's @page A4: one page
          Map<String, Object> pdf =
              cdp("Page.printToPDF", Map.of("preferCSSPageSize", true, "printBackground", true));
          String body =
              new String(
                  Base64.getDecoder().decode((String) pdf.get("data")),
                  StandardCharsets.ISO_8859_1);
          assertThat(pages(body)).as("pages of the printed statement").isEqualTo(1);
          Matcher box = Pattern.compile("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]").matcher(body);
          assertThat(box.find()).isTrue();
          // A4 in PDF points: 595.28 × 841.89
          assertThat(Double.parseDouble(box.group(1))).isBetween(594.0, 596.5);
          assertThat(Double.parseDouble(box.group(2))).isBetween(841.0, 843.0);

          cdp("Emulation.setEmulatedMedia", Map.of("media", ""));
          driver.findElement(By.id("sheet-close")).click();
          wait.until(d -> !driver.findElement(By.id("statement-sheet")).isDisplayed());
        });
  }

  @Test
  void phoneWidth_accountsReadableWithoutScrollingSideways() throws IOException {
    journey(
        "manager-phone",
        () -> {
          cdp(
              "Emulation.setDeviceMetricsOverride",
              Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
          openAccount();
          visible(By.id("forecast"));
          long scroll = number("return document.documentElement.scrollWidth");
          long width = number("return document.documentElement.clientWidth");
          assertThat(width).isEqualTo(390);
          assertThat(scroll).as("no horizontal scroll at 390 px").isLessThanOrEqualTo(width);

          WebElement cell =
              driver.findElement(
                  By.cssSelector("#accounts-table tr[data-account-id='" + account + "'] .balance"));
          assertThat(cell.getText()).contains("500.00");
          assertThat(cell.isDisplayed()).isTrue();
          int right = cell.getRect().getX() + cell.getRect().getWidth();
          assertThat(cell.getRect().getX()).isGreaterThanOrEqualTo(0);
          assertThat(right).as("the balance ends inside the screen").isLessThanOrEqualTo(390);
          assertThat(Double.parseDouble(cell.getCssValue("font-size").replace("px", "")))
              .as("the balance is large enough to read")
              .isGreaterThanOrEqualTo(16);
          // each figure of the account card says what it is
          assertThat(cell.getAttribute("data-label")).isEqualTo("余额（元）");
          ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
          screenshot("manager-phone.png");
        });
  }

  // ---- steps

  /** Logs in as the clerk of office 445202 (once per browser) and opens the seeded account. */
  static void openAccount() {
    driver.get(gw.baseUrl() + "/manager/");
    wait.until(
        d ->
            d.findElement(By.id("login-view")).isDisplayed()
                || d.findElement(By.id("app-view")).isDisplayed());
    if (driver.findElement(By.id("login-view")).isDisplayed()) {
      type(By.id("login-username"), ManagerClient.A);
      type(By.id("login-password"), ManagerClient.A_PASSWORD);
      driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }
    By row = By.cssSelector("#accounts-table tr[data-account-id='" + account + "']");
    visible(row).click();
    visible(By.id("account-detail"));
    waitText(By.id("entries-table"), "LP-5");
  }

  static long audited() {
    return ((Number)
            gw.value(
                "SELECT count(*) FROM audit_log WHERE chain = 'ledger-views'"
                    + " AND action = 'LEDGER_ENTRIES_VIEW'"))
        .longValue();
  }

  static Map<String, Object> cdp(String command, Map<String, Object> params) {
    return ((ChromeDriver) driver).executeCdpCommand(command, params);
  }

  static long number(String script) {
    return ((Number) ((JavascriptExecutor) driver).executeScript(script)).longValue();
  }

  /** The page count of a PDF: its page tree's /Count, else its /Type /Page objects. */
  static int pages(String pdf) {
    Matcher count = Pattern.compile("/Type\\s*/Pages\\b[^>]*?/Count\\s+(\\d+)").matcher(pdf);
    if (count.find()) {
      return Integer.parseInt(count.group(1));
    }
    Matcher page = Pattern.compile("/Type\\s*/Page(?!s)").matcher(pdf);
    int n = 0;
    while (page.find()) {
      n++;
    }
    return n;
  }
}
