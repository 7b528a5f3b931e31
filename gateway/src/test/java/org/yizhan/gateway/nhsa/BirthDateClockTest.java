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
import org.yizhan.gateway.support.SettableClock;
import org.yizhan.gateway.support.TestGateway;

/**
 * The latest birth date an ID number may hold is today by the gateway's clock (in UTC+18), not by
 * the machine's: a gateway replaying 2018 refuses a number of a child born after its today.
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
