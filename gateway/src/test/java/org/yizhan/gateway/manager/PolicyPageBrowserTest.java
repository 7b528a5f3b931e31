package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.yizhan.gateway.policy.PolicyFixture;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;

/**
 * The 政策版本 tab in headless Chromium (see {@link BrowserTest} for Chromium and CI): agency staff see
 * their region's versions; the maker drafts from a version, sees every problem of a bad draft
 * listed by field, saves a good one and cannot approve it; the checker approves it. A screenshot
 * goes to {@code target/manager-policies.png}.
 */
class PolicyPageBrowserTest extends BrowserTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    if (missing != null) {
      return;
    }
    gw = TestGateway.start(PolicyFixture.ENV, new SettableClock(PolicyFixture.JUNE_10));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void theMakerDrafts_seesEveryProblem_cannotApprove_andTheCheckerApproves() throws IOException {
    journey(
        "manager-policies",
        () -> {
          logIn(gw, PolicyFixture.MAKER, PolicyFixture.MAKER_PASSWORD);
          driver.findElement(By.id("tab-policies")).click();
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
          logIn(gw, PolicyFixture.CHECKER, PolicyFixture.CHECKER_PASSWORD);
          driver.findElement(By.id("tab-policies")).click();
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
        });
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
