package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.IdNumber;
import org.yizhan.gateway.identity.IdentityRoster;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The latest birth date an ID number may hold is today by the gateway's clock (in UTC+18), not by
 * the machine's: a gateway replaying 2018 refuses a number of a child born after its today, at the
 * national interface and in a roster file.
 */
class BirthDateClockTest {
  /** 2018-03-21 06:00 in UTC+18. */
  static final SettableClock CLOCK = new SettableClock(Instant.parse("2018-03-20T12:00:00Z"));

  static TestGateway gw;

  @BeforeAll
  static void start() {
    // the gateway's clock reads 2018, so a signature made now would be stale: key alone here
    gw = TestGateway.start(Map.of("YIZHAN_SECURITY_SIGNATURES_NHSA", "OFF"), CLOCK);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void person1101_bornAfterTheGatewaysToday_isRefused_bornOnIt_isAccepted() {
    NhsaClient his = new NhsaClient(gw, H1_KEY, H1);
    String tomorrow = IdNumber.withCheckDigit("44520220180322001").value();
    String today = IdNumber.withCheckDigit("44520220180321001").value();

    JsonNode refused = unsigned(his.body("1101", Map.of("certno", tomorrow)));
    JsonNode accepted = unsigned(his.body("1101", Map.of("certno", today)));

    assertThat(refused.get("infcode").asInt()).as(refused.toString()).isEqualTo(-1);
    assertThat(refused.get("err_msg").asText())
        .startsWith("[INVALID_ID_NUMBER]")
        .contains("birth date")
        .doesNotContain(tomorrow);
    assertThat(accepted.get("infcode").asInt()).as(accepted.toString()).isZero();
  }

  @Test
  void rosterLine_bornAfterTheGatewaysToday_isRefused_bornOnIt_isImported() {
    ManagerClient a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    String header = String.join(",", IdentityRoster.HEADER);
    String tomorrow = IdNumber.withCheckDigit("44520220180322002").value();
    String today = IdNumber.withCheckDigit("44520220180321002").value();

    Response refused =
        a.postCsv(
            "/manager/api/identities/import",
            header + "\n" + tomorrow + ",测试,SUBSISTENCE,2018-03-21,,true,\n");
    Response imported =
        a.postCsv(
            "/manager/api/identities/import",
            header + "\n" + today + ",测试,SUBSISTENCE,2018-03-21,,true,\n");

    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body())
        .contains("INVALID_ID_NUMBER")
        .contains("line 2")
        .doesNotContain(tomorrow);
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
  }

  /** Unsigned (national signatures are off here): a signature's time is checked against 2018. */
  private static JsonNode unsigned(String body) {
    return NhsaClient.parse(
        gw.sendUnsigned(
                HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaClient.PATH))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json"),
                H1_KEY)
            .body());
  }
}
