package org.yizhan.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.GatewayProcess;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestGateway;

/**
 * The README's example pays something (issue 12.10): a gateway started as the README starts it (its
 * own JVM, its own embedded PostgreSQL, a fresh data directory) creates the demo person and account
 * on its first start, the README's claim, read from the README itself, settles and every fund pays
 * a part of it, and a restart creates nothing a second time.
 */
class ReadmeDemoTest {
  static final String DEMO_PERSON = "445202199001011213";

  @Test
  void readmeClaim_onAFreshEmbeddedGateway_paysFromAllThreeFunds_andARestartAddsNoDemoData()
      throws Exception {
    Path dataDir = Files.createTempDirectory("yizhan-readme-test").resolve("postgres");
    Path log = Path.of("target", "crash-logs", "readme-demo.log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    String claim = readmeClaim();
    try (GatewayProcess gw = GatewayProcess.embedded(dataDir, log, Map.of())) {
      gw.start();
      String url =
          "jdbc:postgresql://127.0.0.1:"
              + Database.runningServer(dataDir.toRealPath()).port()
              + "/"
              + Database.EMBEDDED_DATABASE;
      Map<String, Long> before = demoRows(url);
      assertThat(before)
          .containsEntry("identities", 1L)
          .containsEntry("accounts", 1L)
          .containsEntry("topUps", 1L);

      HttpResponse<String> r = settle(gw.baseUrl(), claim);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      JsonNode settlement = ClaimJson.parse(r.body());
      Map<String, BigDecimal> paid = new HashMap<>();
      for (JsonNode f : settlement.get("funds")) {
        paid.put(f.get("fundCode").asText(), f.get("paid").decimalValue());
      }
      assertThat(paid.keySet()).contains("390100", "390200", "610100");
      paid.forEach((fund, yuan) -> assertThat(yuan).as(fund).isPositive());
      BigDecimal balance = balance(url);

      gw.terminate();
      assertThat(gw.awaitExit(60)).isNotEqualTo(-1);
      gw.start();

      assertThat(demoRows(url)).isEqualTo(before);
      assertThat(balance(url)).isEqualByComparingTo(balance);
    }
  }

  /** The CLAIM='…' of the README's "Try it", as a newcomer pastes it. */
  static String readmeClaim() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("CLAIM='([^']*)'").matcher(readme);
    assertThat(m.find()).as("the README shows a CLAIM='…'").isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> settle(String base, String claim) throws Exception {
    byte[] body = claim.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/settlements"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TestGateway.H1_KEY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    Signer.headers(TestGateway.H1_KEY, "POST", "/api/v1/settlements", body).forEach(b::header);
    return HttpClient.newHttpClient()
        .send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static Map<String, Long> demoRows(String url) throws SQLException {
    Map<String, Long> rows = new HashMap<>();
    rows.put(
        "identities",
        count(
            url,
            "SELECT count(*) FROM person_identity WHERE person_id_no = '"
                + DEMO_PERSON
                + "' AND confirmed AND office_code = '445202'"));
    rows.put(
        "accounts",
        count(
            url,
            "SELECT count(*) FROM prepayment_account"
                + " WHERE office_code = '445202' AND hospital_code = 'H44520200001'"));
    rows.put("topUps", count(url, "SELECT count(*) FROM audit_log WHERE action = 'TOP_UP'"));
    return rows;
  }

  private static BigDecimal balance(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT balance FROM prepayment_account"
                    + " WHERE office_code = '445202' AND hospital_code = 'H44520200001'")) {
      r.next();
      return r.getBigDecimal(1);
    }
  }

  private static long count(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
