package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.yizhan.gateway.policy.CatalogueFixture;
import org.yizhan.gateway.policy.PolicyFixture;
import org.yizhan.gateway.support.BrowserTest;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;

/**
 * The 医保目录 tab in headless Chromium: the province's agency staff upload a catalogue (GBK, as Excel
 * saves it) and see every bad line listed with its line and column; a good one is saved as a draft
 * its author cannot approve; the checker sees its difference from the version in force and approves
 * it. A screenshot goes to {@code target/manager-catalogues.png}.
 */
class CataloguePageBrowserTest extends BrowserTest {
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
  void theMakerUploads_seesEveryBadLine_cannotApprove_andTheCheckerApprovesFromTheDiff()
      throws IOException {
    Path dir = Files.createTempDirectory("catalogue-page");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(
        bad,
        CatalogueFixture.HEADER
            + "T-A,test item A,A,0,,2010-01-01,\n"
            + "T-D,bad,D,0,,2010-01-01,\n"
            + "T-R,bad,B,2,,2010-01-01,\n");
    journey(
        "manager-catalogues",
        () -> {
          logIn(gw, CatalogueFixture.MAKER, CatalogueFixture.MAKER_PASSWORD);
          driver.findElement(By.id("tab-catalogues")).click();
          visible(By.id("catalogues-view"));
          waitText(By.id("catalogues-table"), "已批准");
          String seed = row("已批准").findElement(By.cssSelector("td")).getText();

          upload(bad, "2019-09-01");
          submit();
          waitText(By.id("catalogue-problems"), "第 3 行 category");
          assertThat(text(By.id("catalogue-problems")))
              .contains("第 4 行 self_pay_ratio")
              .contains("documentNo");

          String raised =
              gw.get("/agency/api/catalogues/" + seed + "/document", login(gw))
                  .body()
                  .replace("T-B20,test item B 20%,B,0.20,", "T-B20,test item B 20%,B,0.50,");
          Path good = dir.resolve("good.csv");
          Files.write(good, raised.getBytes(Charset.forName("GBK")));
          upload(good, "2019-09-01");
          type(By.cssSelector("#catalogue-form [name=documentNo]"), "粤医保发〔2019〕9号");
          type(By.cssSelector("#catalogue-form [name=reason]"), "乙类自付比例调整");
          submit();
          waitText(By.cssSelector("#catalogue-form > .ok"), "草稿已保存");
          waitText(By.id("catalogue-facts"), "草稿");
          assertThat(driver.findElement(By.id("catalogue-approve")).isEnabled()).isFalse();
          assertThat(driver.findElement(By.id("catalogue-self")).isDisplayed()).isTrue();

          driver.findElement(By.id("logout")).click();
          visible(By.id("login-form"));
          logIn(gw, CatalogueFixture.CHECKER, CatalogueFixture.CHECKER_PASSWORD);
          driver.findElement(By.id("tab-catalogues")).click();
          waitText(By.id("catalogues-table"), "草稿");
          row("草稿").click();
          waitText(By.id("catalogue-diff"), "T-B20");
          assertThat(text(By.id("catalogue-diff-title"))).contains("变更 1");
          assertThat(text(By.id("catalogue-diff"))).contains("B 0.2").contains("B 0.5");
          type(By.cssSelector("#catalogue-review [name=note]"), "已核对");
          driver.findElement(By.id("catalogue-approve")).click();
          waitText(By.id("catalogue-status"), "已批准");
          screenshot("manager-catalogues.png");
          assertThat(
                  gw.value(
                      "SELECT count(*) FROM catalogue_version WHERE state = 'APPROVED'"
                          + " AND author = 'manager:yb440000' AND reviewer = 'manager:yb440000b'"))
              .isEqualTo(1L);
        });
  }

  /** Chooses the file and the start day (the rest of the form is left as it is). */
  static void upload(Path file, String validFrom) {
    driver.findElement(By.id("catalogue-file")).sendKeys(file.toAbsolutePath().toString());
    date(By.cssSelector("#catalogue-form [name=validFrom]"), validFrom);
  }

  static void submit() {
    driver.findElement(By.cssSelector("#catalogue-form button[type=submit]")).click();
  }

  static String login(TestGateway gw) {
    return org.yizhan.gateway.support.ManagerClient.login(
            gw, CatalogueFixture.MAKER, CatalogueFixture.MAKER_PASSWORD)
        .token();
  }

  static WebElement row(String containing) {
    return wait.until(
        d ->
            d.findElements(By.cssSelector("#catalogues-table tbody tr")).stream()
                .filter(tr -> tr.getText().contains(containing))
                .findFirst()
                .orElse(null));
  }
}
