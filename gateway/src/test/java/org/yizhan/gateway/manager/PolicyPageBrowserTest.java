package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.yizhan.gateway.policy.PolicyFixture;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;

/**
 * The 政策版本 tab in headless Chromium (as {@link ManagerPageBrowserTest}, whose notes on Chromium and
 * CI apply): agency staff see their region's versions; the maker drafts from a version, sees every
 * problem of a bad draft listed by field, saves a good one and cannot approve it; the checker
 * approves it. A screenshot goes to {@code target/manager-policies.png}.
 */
class PolicyPageBrowserTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  static TestGateway gw;
  static Path profile;
  static WebDriver driver;
  static WebDriverWait wait;
  static String missing;

  @BeforeAll
  static void start() throws IOException {
    Path chromium = ManagerPageBrowserTest.CHROMIUM;
    Path chromedriver = ManagerPageBrowserTest.CHROMEDRIVER;
    if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
      String why = "headless Chromium is missing: apt-get install -y chromium chromium-driver";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI must run the managers' page test");
      }
      missing = why;
      System.err.println("WARNING: PolicyPageBrowserTest skipped: " + why);
      return;
    }
    gw = TestGateway.start(PolicyFixture.ENV, new SettableClock(PolicyFixture.JUNE_10));
    profile = Files.createTempDirectory("yz-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1360,1600",
        "--user-data-dir=" + profile);
    driver =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build(),
            options);
    wait = new WebDriverWait(driver, WAIT);
  }

  @BeforeEach
  void needsChromium() {
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
  }

  @AfterAll
  static void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (gw != null) {
      gw.close();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theMakerDrafts_seesEveryProblem_cannotApprove_andTheCheckerApproves() throws IOException {
    try {
      logIn(PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
      visible(By.id("policies-view"));
      assertThat(driver.findElement(By.id("tab-accounts")).isDisplayed()).isFalse();
      waitText(By.id("policies-table"), "445200 · RESIDENT · 2019");

      row("2019").click();
      visible(By.id("policy-detail"));
      driver.findElement(By.id("policy-copy")).click();
      assertThat(value(By.id("policy-text"))).contains("year: 2019");

      String bad =
          PolicyFixture.revision2019()
              .replace("annualCap: 200000", "annualCap: -5")
              .replace("threshold: 9000", "threshold: lots");
      setText(bad);
      type(By.id("policy-document-no"), "揭市医保〔2019〕12号");
      driver.findElement(By.id("policy-submit")).click();
      waitText(By.id("policy-problems"), "basic.annualCap");
      assertThat(text(By.id("policy-problems")))
          .contains("criticalIllness.threshold")
          .contains("reason");

      setText(PolicyFixture.revision2019());
      type(By.id("policy-reason"), "降低三级医院起付线");
      driver.findElement(By.id("policy-submit")).click();
      waitText(By.cssSelector("#policy-form > .ok"), "草稿已保存");
      waitText(By.id("policy-facts"), "草稿");
      assertThat(driver.findElement(By.id("policy-approve")).isEnabled()).isFalse();
      assertThat(driver.findElement(By.id("policy-self")).isDisplayed()).isTrue();

      driver.findElement(By.id("logout")).click();
      visible(By.id("login-form"));
      logIn(PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
      waitText(By.id("policies-table"), "草稿");
      row("草稿").click();
      waitText(By.id("policy-facts"), "降低三级医院起付线");
      type(By.id("policy-note"), "已核对文号");
      driver.findElement(By.id("policy-approve")).click();
      waitText(By.id("policy-status"), "已批准");
      waitText(By.id("policy-facts"), "已核对文号");
      screenshot("manager-policies.png");
      assertThat(
              gw.value(
                  "SELECT count(*) FROM policy_version WHERE state = 'APPROVED'"
                      + " AND author = 'manager:yb445200a' AND reviewer = 'manager:yb445200b'"))
          .isEqualTo(1L);
    } catch (AssertionError | RuntimeException e) {
      Files.write(
          Path.of("target", "manager-policies-failure.png"),
          ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
      Files.writeString(
          Path.of("target", "manager-policies-failure.html"),
          driver.getPageSource(),
          StandardCharsets.UTF_8);
      throw e;
    }
  }

  void logIn(String user, String password) {
    driver.get(gw.baseUrl() + "/manager/");
    type(By.id("login-username"), user);
    type(By.id("login-password"), password);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    visible(By.id("app-view"));
  }

  static WebElement row(String containing) {
    return wait.until(
        d ->
            d.findElements(By.cssSelector("#policies-table tbody tr")).stream()
                .filter(tr -> tr.getText().contains(containing))
                .findFirst()
                .orElse(null));
  }

  static void setText(String document) {
    ((JavascriptExecutor) driver)
        .executeScript("document.getElementById('policy-text').value = arguments[0];", document);
  }

  static String value(By by) {
    return driver.findElement(by).getDomProperty("value");
  }

  static WebElement visible(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  static void waitText(By by, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  static String text(By by) {
    return driver.findElement(by).getText();
  }

  static void type(By by, String text) {
    WebElement input = visible(by);
    input.clear();
    input.sendKeys(text);
  }

  static void screenshot(String name) throws IOException {
    Files.write(Path.of("target", name), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
  }
}
