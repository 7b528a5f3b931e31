package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The managers' page's 扶贫成效与政策测算 tab in headless Chromium (see {@link BrowserTest}): a
 * civil-affairs manager sees the oversight figures of their office (table and ECharts chart, the
 * person over the out-of-pocket line, ID masked) and no simulation form; the insurance agency
 * pastes a candidate policy (低保's basic deductible halved), starts a simulation, watches its
 * progress, and reads the difference per fund, per identity and per account, with the CSV link.
 *
 * <p>A screenshot goes to {@code target/manager-simulation.png}.
 */
class SimulationPageBrowserTest extends BrowserTest {
  /** A simulation replays and settles on the page: the longest wait for a step, in seconds. */
  static final Duration WAIT_SIMULATION = Duration.ofSeconds(30);

  static TestGateway gw;
  static String subsistence;
  static String overLine;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    wait = new WebDriverWait(driver, WAIT_SIMULATION);
    gw = TestGateway.start();
    seed();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** 低保 S: two admissions of 4000.00 at H2; N (no identity): 12000.00 of C items at H1. */
  static void seed() {
    LocalDate born = LocalDate.of(1961, 1, 1);
    subsistence = TestData.idNo("445202", born, 11);
    overLine = TestData.idNo("445202", born, 12);
    TestData.confirmed(gw, subsistence, "SUBSISTENCE");
    TestData.topUp(gw, "445202", "H44520200002", "100000.00", "HOSPITAL_ADVANCE");
    settle(TestGateway.H2_KEY, "SB-1", subsistence, "T-A", "4000.00");
    settle(TestGateway.H2_KEY, "SB-2", subsistence, "T-A", "4000.00");
    settle(TestGateway.H1_KEY, "SB-3", overLine, "T-C", "12000.00");
    CoverageFixture.agency(gw, "agency445200", "445200");
  }

  static void settle(String key, String claimNo, String idNo, String item, String yuan) {
    Response r =
        gw.post(
            "/api/v1/settlements",
            key,
            ClaimJson.claim(claimNo).person(idNo).office("445202").item(item, yuan).json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void oversightAndSimulation_civilAffairsSeesTheOffice_theAgencySimulates() throws IOException {
    journey(
        "manager-simulation",
        () -> {
          logIn(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
          seeTheOfficesOversightFigures();
          driver.findElement(By.id("logout")).click();
          visible(By.id("login-form"));
          logIn(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
          simulateAHalvedDeductibleForSubsistence();
          screenshot("manager-simulation.png");
        });
  }

  void seeTheOfficesOversightFigures() {
    driver.findElement(By.id("tab-oversight")).click();
    visible(By.id("oversight-view"));
    waitText(By.id("oversight-scope"), "办事处 445202");
    By row = By.cssSelector("#oversight-table tr[data-office='445202'][data-category=SUBSISTENCE]");
    visible(row);
    assertThat(text(row)).contains("低保").contains("93.13%").contains("550.00");
    visible(By.cssSelector("#oversight-chart svg"));
    By person = By.cssSelector("#oversight-persons tbody tr");
    visible(person);
    assertThat(driver.findElements(person)).hasSize(1);
    assertThat(text(person))
        .contains(overLine.charAt(0) + "*".repeat(15) + overLine.substring(16))
        .contains("12,000.00");
    assertThat(driver.getPageSource()).doesNotContain(overLine);
    assertThat(driver.findElement(By.id("simulation-card")).isDisplayed()).isFalse();
  }

  void simulateAHalvedDeductibleForSubsistence() throws IOException {
    driver.findElement(By.id("tab-oversight")).click();
    waitText(By.id("oversight-scope"), "医保统筹区 445200");
    visible(By.id("simulation-card"));
    String policy =
        Files.readString(
                TestGateway.testConfigDir()
                    .resolve("policies")
                    .resolve("445200-RESIDENT-2018.yaml"))
            .replace(
                "  SUBSISTENCE:        # 低保对象\n",
                "  SUBSISTENCE:        # 低保对象\n    basic: {deductibleFactor: 0.5}\n");
    ((JavascriptExecutor) driver)
        .executeScript(
            "document.getElementById('simulation-policy').value = arguments[0];", policy);
    driver.findElement(By.id("simulation-start")).click();
    waitText(By.id("simulation-status"), "测算完成");
    assertThat(driver.findElement(By.id("simulation-progress")).getAttribute("value"))
        .isEqualTo(driver.findElement(By.id("simulation-progress")).getAttribute("max"));
    visible(By.id("simulation-result"));
    // 2 admissions × (2812.50 − 2625.00) more basic, 2 × (950.00 − 1100.00) less assistance
    assertThat(text(By.cssSelector("#simulation-funds tr[data-fund=basic]"))).endsWith("375.00");
    assertThat(text(By.cssSelector("#simulation-funds tr[data-fund=assistance]")))
        .endsWith("-300.00");
    assertThat(text(By.id("simulation-persons"))).contains("负担减轻 1 人");
    assertThat(text(By.cssSelector("#simulation-categories tr[data-category=SUBSISTENCE]")))
        .contains("93.13%")
        .contains("94.06%");
    assertThat(driver.findElements(By.cssSelector("#simulation-largest tbody tr"))).hasSize(2);
    assertThat(text(By.cssSelector("#simulation-accounts tbody tr")))
        .contains("H44520200002")
        .contains("医院垫付")
        .contains("-300.00");
    visible(By.cssSelector("#simulation-chart-funds svg"));
    visible(By.cssSelector("#simulation-chart-categories svg"));
    String href = driver.findElement(By.id("simulation-export")).getAttribute("href");
    ManagerClient api = ManagerClient.login(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
    Response csv = api.get(href.substring(gw.baseUrl().length()));
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.body()).startsWith("\uFEFF政策测算");
  }
}
