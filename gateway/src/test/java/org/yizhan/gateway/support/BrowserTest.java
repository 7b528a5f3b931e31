package org.yizhan.gateway.support;

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

/**
 * What every browser test of the managers' page shares: Debian's headless Chromium driven by
 * Selenium, and the few steps a test takes on a page (wait until shown, type, read, screenshot).
 *
 * <p>Chromium and its chromedriver are Debian's ({@code apt-get install chromium chromium-driver};
 * {@code .ci/run} installs them). Both paths are given to Selenium so that its Selenium Manager
 * never tries to download a browser. Without them a browser test is skipped locally and fails under
 * {@code CI=true}, so CI cannot pass without having run it. A subclass starts its gateway in its
 * own {@code @BeforeAll} (run after this class's) only when {@link #missing} is null.
 *
 * <p>Screenshots go to {@code target/}; with {@code -Dyizhan.docs.screenshot=true} also to {@code
 * docs/}, where the docs show them (not on every build, so that a test run leaves the work tree
 * clean).
 */
public abstract class BrowserTest {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Longest wait for the page to show what a step expects. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** The window: wide enough for the accounts table and the detail side by side, in pixels. */
  static final int WIDTH_PX = 1360;

  static final int HEIGHT_PX = 1500;

  protected static WebDriver driver;
  protected static WebDriverWait wait;

  /** Why the browser test cannot run here (locally only), or null. */
  protected static String missing;

  private static Path profile;

  @BeforeAll
  static void openBrowser() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why =
          "headless Chromium is missing ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "): apt-get install -y chromium chromium-driver";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI must run the managers' page browser tests");
      }
      // Skipped in @BeforeEach, where the skip and its reason show in the test report.
      missing = why;
      System.err.println("WARNING: browser test skipped: " + why);
      return;
    }
    missing = null;
    profile = Files.createTempDirectory("yz-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + WIDTH_PX + "," + HEIGHT_PX,
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, WAIT);
  }

  @BeforeEach
  void needsChromium() {
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
  }

  @AfterAll
  static void closeBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      profile = null;
    }
  }

  /** What the browser showed when a step failed: {@code target/<name>-failure.{png,html}}. */
  protected static void keepFailure(String name) throws IOException {
    Files.write(
        Path.of("target", name + "-failure.png"),
        ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    Files.writeString(
        Path.of("target", name + "-failure.html"),
        "<!-- " + driver.getCurrentUrl() + " -->\n" + driver.getPageSource(),
        StandardCharsets.UTF_8);
  }

  /**
   * Runs a journey; when a step fails, keeps what the browser showed ({@link #keepFailure}) and
   * rethrows the failure.
   */
  protected static void journey(String name, Steps steps) throws IOException {
    try {
      steps.run();
    } catch (AssertionError | RuntimeException e) {
      try {
        keepFailure(name);
      } catch (IOException | RuntimeException k) {
        e.addSuppressed(k);
      }
      throw e;
    }
  }

  /** A browser journey's steps. */
  @FunctionalInterface
  protected interface Steps {
    void run() throws IOException;
  }

  /** Opens the managers' page of {@code gw} and logs in; returns when the app view shows. */
  protected static void logIn(TestGateway gw, String user, String password) {
    driver.get(gw.baseUrl() + "/manager/");
    type(By.id("login-username"), user);
    type(By.id("login-password"), password);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    visible(By.id("app-view"));
  }

  protected static WebElement visible(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  protected static void waitText(By by, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  protected static String text(By by) {
    return driver.findElement(by).getText();
  }

  protected static void type(By by, String text) {
    WebElement input = visible(by);
    input.clear();
    input.sendKeys(text);
  }

  /** Sets a date input: typing into one follows the browser's locale, its value does not. */
  protected static void date(By by, String isoDate) {
    ((JavascriptExecutor) driver)
        .executeScript("arguments[0].value = arguments[1]", visible(by), isoDate);
  }

  /** Saves what the browser shows under target/ (and docs/ when asked: see the class comment). */
  protected static void screenshot(String name) throws IOException {
    byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
    keep(name, png);
    assertThat(Files.size(Path.of("target", name))).isGreaterThan(10_000);
  }

  /** Saves one element as the browser shows it, as {@link #screenshot} does the whole page. */
  protected static void screenshotOf(By by, String name) throws IOException {
    keep(name, driver.findElement(by).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(Path.of("target", name))).isGreaterThan(2_000);
  }

  private static void keep(String name, byte[] png) throws IOException {
    Files.write(Path.of("target", name), png);
    if (Boolean.getBoolean("yizhan.docs.screenshot")) {
      Files.write(Path.of("..", "docs", name), png);
    }
  }
}
