package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.yizhan.gateway.policy.PolicyFixture;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The whole life of a version on the 政策版本 tab in headless Chromium (see {@link BrowserTest} for
 * Chromium and CI; issue 19's "browser test of drafting, simulating and approving"): agency staff
 * see their region's versions; the maker drafts from a version, sees every problem of a bad draft
 * listed by field, saves a good one, simulates it against the version in force and sees the
 * figures, and cannot approve it (the button is disabled and the API refuses); the checker approves
 * it and the version shows as approved. A screenshot goes to {@code target/manager-policies.png}.
 */
class PolicyPageBrowserTest extends BrowserTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start(PolicyFixture.ENV, new SettableClock(PolicyFixture.JUNE_10));
    settle("PB-1", 1);
    settle("PB-2", 2);
  }

  /**
   * A claim of 5000.00 (A items) of a person without an identity at H1 (level 3), discharged in May
   * 2019: under the version in force the level-3 deductible is 1200.00, under the draft 800.00, so
   * basic insurance pays 400.00 × 65% = 260.00 more and the person as much less.
   */
  static void settle(String claimNo, int i) {
    String person = TestData.idNo("445202", LocalDate.of(1966, 3, 3), 700 + i);
    gw.enrol(person);
    Response r =
        gw.post(
            "/api/v1/settlements",
            TestGateway.H1_KEY,
            ClaimJson.claim(claimNo)
                .person(person)
                .dates("2019-05-01", "2019-05-10")
                .item("T-A", "5000.00")
                .json());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void theMakerDrafts_simulates_cannotApprove_andTheCheckerApproves() throws IOException {
    journey(
        "manager-policies",
        () -> {
          logIn(gw, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
          driver.findElement(By.id("tab-policies")).click();
          visible(By.id("policies-view"));
          assertThat(driver.findElement(By.id("tab-accounts")).isDisplayed()).isFalse();
          waitText(By.id("policies-table"), "445200 · RESIDENT · 2019");

          clickRow("2019");
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
          simulateAgainstTheVersionInForce();
          assertThat(driver.findElement(By.id("policy-approve")).isEnabled()).isFalse();
          assertThat(driver.findElement(By.id("policy-self")).isDisplayed()).isTrue();
          Response self =
              ManagerClient.login(gw, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD)
                  .post("/agency/api/policies/" + selectedId() + "/approve", "{}");
          assertThat(self.status()).as(self.body()).isEqualTo(403);
          assertThat(ClaimJson.parse(self.body()).get("code").asText()).isEqualTo("SELF_APPROVAL");

          driver.findElement(By.id("logout")).click();
          visible(By.id("login-form"));
          logIn(gw, PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
          driver.findElement(By.id("tab-policies")).click();
          waitText(By.id("policies-table"), "草稿");
          clickRow("草稿");
          waitText(By.id("policy-facts"), "降低三级医院起付线");
          type(By.id("policy-note"), "已核对文号");
          driver.findElement(By.id("policy-approve")).click();
          waitText(By.id("policy-status"), "已批准");
          waitText(By.id("policy-facts"), "已核对文号");
          assertThat(text(By.id("policy-facts"))).contains("已批准");
          fresh().until(d -> row("揭市医保〔2019〕12号").getText().contains("已批准"));
          screenshot("manager-policies.png");
          assertThat(
                  gw.value(
                      "SELECT count(*) FROM policy_version WHERE state = 'APPROVED'"
                          + " AND author = 'manager:yb445200a' AND reviewer = 'manager:yb445200b'"))
              .isEqualTo(1L);
        });
  }

  /**
   * From the draft's detail to the simulation form with its document, then May's two claims
   * replayed under the draft and the version in force: basic insurance pays 2 × 260.00 more.
   */
  static void simulateAgainstTheVersionInForce() {
    driver.findElement(By.id("policy-simulate")).click();
    visible(By.id("simulation-card"));
    assertThat(value(By.id("simulation-policy")))
        .contains("validFrom: 2019-06-11")
        .contains("3: 800");
    ((JavascriptExecutor) driver)
        .executeScript(
            "document.getElementById('simulation-from').value = '2019-01-01';"
                + "document.getElementById('simulation-to').value = '2019-06-10';");
    driver.findElement(By.id("simulation-start")).click();
    waitText(By.id("simulation-status"), "测算完成");
    visible(By.id("simulation-result"));
    assertThat(text(By.id("simulation-persons"))).contains("2 笔").contains("负担减轻 2 人");
    assertThat(text(By.cssSelector("#simulation-funds tr[data-fund=basic]")))
        .contains("4,940.00")
        .contains("5,460.00")
        .endsWith("520.00");
    assertThat(text(By.cssSelector("#simulation-funds tr[data-fund=personal]")))
        .endsWith("-520.00");
    driver.findElement(By.id("tab-policies")).click();
    waitText(By.id("policy-facts"), "降低三级医院起付线");
  }

  /** The id of the version the detail shows ("版本 12：445200 · …"). */
  static long selectedId() {
    String title = text(By.id("policy-detail-title"));
    return Long.parseLong(title.replaceAll("^\\D*(\\d+).*$", "$1"));
  }

  /**
   * Clicks the row containing the text, again when the table was drawn anew in between (after a
   * log-in it may still show the last user's rows until the tab's list arrives).
   */
  static void clickRow(String containing) {
    fresh()
        .until(
            d -> {
              row(containing).click();
              return true;
            });
  }

  /** A wait that looks again when an element it found has been replaced. */
  static WebDriverWait fresh() {
    WebDriverWait w = new WebDriverWait(driver, WAIT);
    w.ignoring(StaleElementReferenceException.class);
    return w;
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
}
