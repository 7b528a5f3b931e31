package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The managers' page is served whole by the gateway: every stylesheet, script and module it loads
 * comes from {@code /manager/}, with a type the browser accepts, and nothing from elsewhere. Runs
 * without a browser, so it guards the page where Chromium is missing too.
 */
class ManagerPageAssetsTest {
  static TestGateway gw;

  /** src="…", href="…" in the page, and `from './x.js'` in its modules. */
  static final Pattern REFERENCE =
      Pattern.compile("(?:src|href)=\"([^\"#]+)\"|from '([^']+)'|import\\('([^']+)'\\)");

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void managerWithoutSlash_redirectsOnce_toThePage() {
    Response r = gw.get("/manager", null);
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/manager/");

    Response page = gw.get("/manager/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
  }

  @Test
  void thePageAndEveryAsset_sendSecurityHeaders_andThePageHasNoInlineScript() throws Exception {
    List<String> names = new ArrayList<>(List.of(""));
    try (Stream<Path> files =
        Files.list(Path.of("src", "main", "resources", "webroot", "manager"))) {
      files.forEach(f -> names.add(f.getFileName().toString()));
    }
    for (String name : names) {
      Response r = gw.get("/manager/" + name, null);
      assertThat(r.status()).as(name).isEqualTo(200);
      assertThat(r.header("Content-Security-Policy"))
          .as(name)
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(r.header("X-Content-Type-Options")).as(name).isEqualTo("nosniff");
      assertThat(r.header("Referrer-Policy")).as(name).isEqualTo("no-referrer");
      assertThat(r.header("X-Frame-Options")).as(name).isEqualTo("DENY");
    }
    String page = gw.get("/manager/", null).body();
    assertThat(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
    assertThat(page).doesNotContainPattern("\\son[a-z]+=");
    assertThat(page).doesNotContain("style=");
  }

  @Test
  void everyAssetThePageLoads_isServedHere_withItsType_andNoneComesFromElsewhere() {
    List<String> seen = new ArrayList<>();
    List<String> queue = new ArrayList<>(List.of("index.html"));
    while (!queue.isEmpty()) {
      String name = queue.remove(0);
      if (seen.contains(name)) {
        continue;
      }
      seen.add(name);
      Response r = gw.get("/manager/" + name, null);
      assertThat(r.status()).as(name).isEqualTo(200);
      String type = r.header("Content-Type");
      if (name.endsWith(".js")) {
        assertThat(type).as(name).contains("javascript");
      } else if (name.endsWith(".css")) {
        assertThat(type).as(name).startsWith("text/css");
      }
      assertThat(r.body())
          .as(name + " loads nothing from another site")
          .doesNotContainPattern("(?:src|href)=\"(?:https?:)?//")
          .doesNotContainPattern("from '(?:https?:)?//")
          .doesNotContain("@import");
      if (name.startsWith("vendor/")) {
        // a vendored library (ECharts, from its WebJar): checked above, but its minified code
        // holds templates such as src="'+s+'" that are not references of the page
        continue;
      }
      Matcher m = REFERENCE.matcher(r.body());
      while (m.find()) {
        String ref = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        if (ref.startsWith("api/")) {
          continue;
        }
        queue.add(ref.startsWith("./") ? ref.substring(2) : ref);
      }
    }
    assertThat(seen)
        .contains(
            "index.html",
            "style.css",
            "app.js",
            "api.js",
            "i18n.js",
            "chart.js",
            "ui.js",
            "accounts.js",
            "roster.js",
            "coverage.js",
            "simulation.js",
            "policies.js",
            "vendor/echarts.esm.min.js");
  }
}
