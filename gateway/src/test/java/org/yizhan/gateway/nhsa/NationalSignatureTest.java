package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.security.NationalSignature;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The national route requires the national platform's header signature by default (issue 13, item
 * 15): {@code x-tif-paasid}, {@code x-tif-timestamp}, {@code x-tif-nonce}, {@code x-tif-signature}
 * = SHA-256(timestamp + secret + nonce + timestamp), the secret being the hex SHA-256 of the key.
 * Every refusal is a national envelope.
 */
class NationalSignatureTest {
  static final String CERTNO = "445202198001010179";

  static TestGateway gw;
  static NhsaClient his;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    his = new NhsaClient(gw, H1_KEY, H1);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String body() {
    return his.body("1101", Map.of("certno", CERTNO));
  }

  static Response send(String key, Map<String, String> headers, boolean sign) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + NhsaClient.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(body(), StandardCharsets.UTF_8))
            .header("Content-Type", "application/json");
    headers.forEach(b::header);
    return sign ? gw.send(b, key) : gw.sendUnsigned(b, key);
  }

  /** Refused as the national platform answers: HTTP 200, infcode -1, err_msg naming the header. */
  static void assertRefused(Response r, String header) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode envelope = NhsaClient.parse(r.body());
    assertThat(envelope.get("infcode").asInt()).isNotZero();
    assertThat(envelope.get("err_msg").asText()).contains(header);
  }

  @Test
  void workedExample_matchesTheDocumentedSignature() {
    // docs/nhsa-interface.md: the secret is SHA-256 of the key, hex
    assertThat(
            NationalSignature.sign(
                "1764403200",
                "85a3bc162eba93d8246040a74cc006b1d31838e41d8246e91915e19ba9665155",
                "0123456789abcdef0123456789abcdef"))
        .isEqualTo("1005c7b8e1c7a7522c6b465ea188810ef152d6102409d96802f36749755a5d94");
  }

  @Test
  void signedRequest_isServed_withTheKeyAsBearerOrAsApikey() {
    Response bearer = send(H1_KEY, Map.of(), true);
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
    assertThat(NhsaClient.parse(bearer.body()).get("infcode").asInt()).isZero();
    Map<String, String> headers = new HashMap<>(Signer.national(H1_KEY));
    headers.put("apikey", H1_KEY);
    Response apikey = send(null, headers, false);
    assertThat(apikey.status()).as(apikey.body()).isEqualTo(200);
  }

  @Test
  void keyAlone_isRefusedByDefault_inTheNationalEnvelope() {
    assertRefused(send(H1_KEY, Map.of(), false), NationalSignature.SIGNATURE);
  }

  @Test
  void wrongSecret_wrongPaasid_staleTimestamp_andReplayedNonce_areRefused() {
    Map<String, String> otherSecret =
        new HashMap<>(
            Signer.national(H2_KEY, "H44520200001", Instant.now().getEpochSecond(), nonce()));
    assertRefused(send(H1_KEY, otherSecret, true), NationalSignature.SIGNATURE);
    assertRefused(
        send(
            H1_KEY,
            Signer.national(H1_KEY, "H44520200002", Instant.now().getEpochSecond(), nonce()),
            true),
        NationalSignature.PAASID);
    assertRefused(
        send(
            H1_KEY,
            Signer.national(H1_KEY, H1, Instant.now().getEpochSecond() - 301, nonce()),
            true),
        NationalSignature.TIMESTAMP);
    Map<String, String> once = Signer.national(H1_KEY, H1, Instant.now().getEpochSecond(), nonce());
    assertThat(send(H1_KEY, once, true).status()).isEqualTo(200);
    Response replayed = send(H1_KEY, once, true);
    assertRefused(replayed, NationalSignature.NONCE);
    assertThat(NhsaClient.parse(replayed.body()).get("err_msg").asText()).contains("already used");
  }

  @Test
  void paasidAndSignatureAlone_withoutAKey_isServed_asGuangdongsSystemsSend() {
    // API.GZSI HttpHelper.postData: x-tif-* only, nonce Guid.ToString("N"), no key header
    String guidN = java.util.UUID.randomUUID().toString().replace("-", "");
    Response r =
        send(null, Signer.national(H1_KEY, H1, Instant.now().getEpochSecond(), guidN), false);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(NhsaClient.parse(r.body()).get("infcode").asInt()).as(r.body()).isZero();
    // openhis YBHttpRequest: nonce Guid.NewGuid() with its dashes, and a platform apikey beside
    Map<String, String> openhis =
        new HashMap<>(
            Signer.national(
                H1_KEY,
                H1,
                Instant.now().getEpochSecond(),
                java.util.UUID.randomUUID().toString()));
    openhis.put("apikey", "123456");
    Response o = send(null, openhis, false);
    assertThat(NhsaClient.parse(o.body()).get("infcode").asInt()).as(o.body()).isZero();
  }

  @Test
  void paasidAlone_withAnotherSecret_orAnUnknownPaasid_isRefused() {
    assertRefused(
        send(null, Signer.national(H2_KEY, H1, Instant.now().getEpochSecond(), nonce()), false),
        NationalSignature.SIGNATURE);
    assertRefused(
        send(
            null,
            Signer.national(H1_KEY, "NOBODY", Instant.now().getEpochSecond(), nonce()),
            false),
        NationalSignature.PAASID);
    Map<String, String> once = Signer.national(H1_KEY, H1, Instant.now().getEpochSecond(), nonce());
    assertThat(NhsaClient.parse(send(null, once, false).body()).get("infcode").asInt()).isZero();
    assertRefused(send(null, once, false), NationalSignature.NONCE);
  }

  @Test
  void httpStatuses_keepsTheStatusesOfBefore() {
    try (TestGateway old = TestGateway.start(Map.of("YIZHAN_NHSA_HTTP_STATUSES", "true"))) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(old.baseUrl() + NhsaClient.PATH))
              .POST(HttpRequest.BodyPublishers.ofString(body(), StandardCharsets.UTF_8))
              .header("Content-Type", "application/json");
      Response r = old.sendUnsigned(b, H1_KEY);
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(NhsaClient.parse(r.body()).get("err_msg").asText())
          .contains(NationalSignature.SIGNATURE);
    }
  }

  @Test
  void keyOnly_isAnExplicitSetting() {
    try (TestGateway closed = TestGateway.start(Map.of("YIZHAN_SECURITY_SIGNATURES_NHSA", "OFF"))) {
      NhsaClient c = new NhsaClient(closed, H1_KEY, H1);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(closed.baseUrl() + NhsaClient.PATH))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      c.body("1101", Map.of("certno", CERTNO)), StandardCharsets.UTF_8))
              .header("Content-Type", "application/json");
      Response r = closed.sendUnsigned(b, H1_KEY);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  static String nonce() {
    return Signer.nonce();
  }
}
