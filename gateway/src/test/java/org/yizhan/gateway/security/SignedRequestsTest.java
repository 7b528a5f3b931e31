package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.TestGateway.H1;
import static org.yizhan.gateway.support.TestGateway.H1_KEY;
import static org.yizhan.gateway.support.TestGateway.H2_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/** Request signatures end to end: what is accepted, and every way a request is refused. */
class SignedRequestsTest {
  static final String PREVIEW = "/api/v1/settlements/preview";

  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The worked example of docs/security.md, checked against openssl's HMAC (see the doc). */
  @Test
  void workedExample_matchesTheDocumentedSignatures() {
    String canonical =
        RequestSignature.canonical(
            "POST",
            PREVIEW,
            "1764403200",
            "0123456789abcdef0123456789abcdef",
            "{\"claimNo\":\"Z-1\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(canonical)
        .isEqualTo(
            "POST\n/api/v1/settlements/preview\n1764403200\n0123456789abcdef0123456789abcdef\n"
                + "83fcadc7dfaf06d6dc06ce25d577e6fc056809f97ecacc87a38bf999d8fda429");
    byte[] key = RequestSignature.signingKey(H1_KEY);
    assertThat(java.util.HexFormat.of().formatHex(key))
        .isEqualTo("85a3bc162eba93d8246040a74cc006b1d31838e41d8246e91915e19ba9665155");
    assertThat(RequestSignature.sign(RequestSignature.HMAC_SHA256, key, canonical))
        .isEqualTo("169a0778d2e839a3452522d2c7e198c34e3160cac3367f2a8226c04da450a181");
    assertThat(RequestSignature.sign(RequestSignature.HMAC_SM3, key, canonical))
        .isEqualTo("d4cfed962edb6458cd05299c2352176e7175b0f1c9b6b0503c86fc2c876f8859");
  }

  @Test
  void signedWithSha256OrSm3_isAccepted() {
    String body = claim("SIG-OK");
    assertThat(gw.post(PREVIEW, H1_KEY, body).status()).isEqualTo(200);
    Map<String, String> sm3 =
        Signer.headers(
            H1_KEY,
            "POST",
            PREVIEW,
            bytes(body),
            RequestSignature.HMAC_SM3,
            Instant.now().getEpochSecond(),
            Signer.nonce());
    assertThat(gw.post(PREVIEW, H1_KEY, body, sm3).status()).isEqualTo(200);
  }

  @Test
  void unsigned_isRefused() {
    Response r =
        gw.sendUnsigned(
            HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/settlements?claimNo=X"))
                .GET(),
            H1_KEY);
    assertRefused(r, "BAD_SIGNATURE", RequestSignature.SIGNATURE);
  }

  @Test
  void tamperedBody_orPath_orWrongKey_isRefused() {
    String body = claim("SIG-TAMPER");
    Map<String, String> forOther = signed("POST", PREVIEW, claim("SIG-OTHER"));
    assertRefused(gw.post(PREVIEW, H1_KEY, body, forOther), "BAD_SIGNATURE", "X-Yz-Signature");

    Map<String, String> forPath = signed("POST", "/api/v1/settlements", body);
    assertRefused(gw.post(PREVIEW, H1_KEY, body, forPath), "BAD_SIGNATURE", "X-Yz-Signature");

    Map<String, String> byH2 =
        Signer.headers(H2_KEY, "POST", PREVIEW, bytes(body)); // H2's key, sent with H1's
    assertRefused(gw.post(PREVIEW, H1_KEY, body, byH2), "BAD_SIGNATURE", "X-Yz-Signature");

    String query = "/api/v1/settlements?claimNo=A";
    Map<String, String> forQuery = signed("GET", query, "");
    Response r =
        gw.send(
            withHeaders(
                HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/settlements?claimNo=B"))
                    .GET(),
                forQuery),
            H1_KEY);
    assertRefused(r, "BAD_SIGNATURE", "X-Yz-Signature");
  }

  @Test
  void oldOrFutureTimestamp_isStale() {
    String body = claim("SIG-STALE");
    long now = Instant.now().getEpochSecond();
    for (long ts : new long[] {now - 301, now + 301}) {
      Map<String, String> h =
          Signer.headers(
              H1_KEY,
              "POST",
              PREVIEW,
              bytes(body),
              RequestSignature.HMAC_SHA256,
              ts,
              Signer.nonce());
      assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "STALE_REQUEST", "X-Yz-Timestamp");
    }
    Map<String, String> edge =
        Signer.headers(
            H1_KEY,
            "POST",
            PREVIEW,
            bytes(body),
            RequestSignature.HMAC_SHA256,
            now - 280,
            Signer.nonce());
    assertThat(gw.post(PREVIEW, H1_KEY, body, edge).status()).isEqualTo(200);
  }

  @Test
  void sameNonceTwice_isReplayed_evenWithAFreshSignature() {
    String body = claim("SIG-REPLAY");
    Map<String, String> h = signed("POST", PREVIEW, body);
    assertThat(gw.post(PREVIEW, H1_KEY, body, h).status()).isEqualTo(200);
    assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "REPLAYED_NONCE", "X-Yz-Nonce");

    String nonce = h.get(RequestSignature.NONCE);
    Map<String, String> again =
        Signer.headers(
            H1_KEY,
            "POST",
            PREVIEW,
            bytes(body),
            RequestSignature.HMAC_SHA256,
            Instant.now().getEpochSecond(),
            nonce);
    assertRefused(gw.post(PREVIEW, H1_KEY, body, again), "REPLAYED_NONCE", "X-Yz-Nonce");
    assertThat(
            gw.value(
                "SELECT count(*) FROM request_nonce WHERE hospital_code = ? AND nonce = ?",
                H1,
                nonce))
        .isEqualTo(1L);
  }

  @Test
  void badSignatureHeaders_areRefusedByName_andWriteNoNonce() {
    String body = claim("SIG-HEADERS");
    long before = gw.count("request_nonce");
    Map<String, String> h = new java.util.HashMap<>(signed("POST", PREVIEW, body));
    h.put(RequestSignature.NONCE, "short");
    assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "BAD_SIGNATURE", "X-Yz-Nonce");
    h = new java.util.HashMap<>(signed("POST", PREVIEW, body));
    h.put(RequestSignature.METHOD, "HMAC-MD5");
    assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "BAD_SIGNATURE", "X-Yz-Signature-Method");
    h = new java.util.HashMap<>(signed("POST", PREVIEW, body));
    h.put(RequestSignature.TIMESTAMP, "yesterday");
    assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "BAD_SIGNATURE", "X-Yz-Timestamp");
    h = new java.util.HashMap<>(signed("POST", PREVIEW, body));
    h.put(RequestSignature.SIGNATURE, "00".repeat(32));
    assertRefused(gw.post(PREVIEW, H1_KEY, body, h), "BAD_SIGNATURE", "X-Yz-Signature");
    assertThat(gw.count("request_nonce")).isEqualTo(before);
  }

  @Test
  void unknownKey_isUnauthenticated_beforeAnySignatureCheck() {
    Response r = gw.get("/api/v1/settlements?claimNo=X", "yz_not_a_key_0000000000000000");
    assertThat(r.status()).isEqualTo(401);
    assertThat(ClaimJson.parse(r.body()).get("code").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void purge_forgetsOnlyNoncesOlderThanTheWindow() {
    gw.sql(
        "INSERT INTO request_nonce (hospital_code, nonce, seen_at)"
            + " VALUES (?, 'old-nonce-0000000000', now() - interval '11 minutes'),"
            + " (?, 'new-nonce-0000000000', now())",
        H1,
        H1);
    RequestVerifier verifier =
        new RequestVerifier(gw.gateway().pool(), java.time.Clock.systemUTC(), 300);
    int purged = verifier.purge().toCompletionStage().toCompletableFuture().join();
    assertThat(purged).isGreaterThanOrEqualTo(1);
    assertThat(gw.value("SELECT count(*) FROM request_nonce WHERE nonce = 'old-nonce-0000000000'"))
        .isEqualTo(0L);
    assertThat(gw.value("SELECT count(*) FROM request_nonce WHERE nonce = 'new-nonce-0000000000'"))
        .isEqualTo(1L);
  }

  /** The shell client of the README and docs/security.md (bash, openssl, curl) is accepted. */
  @Test
  void shellClient_tools_yzCurl_signsAcceptably() throws Exception {
    String body = claim("SIG-SHELL");
    assertThat(yzCurl("POST", PREVIEW, body)).startsWith("200 ").contains("\"personalPay\"");
    assertThat(yzCurl("GET", "/api/v1/settlements?claimNo=SIG-SHELL&size=5", ""))
        .startsWith("200 ");
  }

  static String yzCurl(String method, String path, String body) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "../tools/yz-curl", method, path, body, "-w", "\n%{http_code}")
            .redirectErrorStream(true);
    pb.environment().put("YZ_KEY", H1_KEY);
    pb.environment().put("YZ_URL", gw.baseUrl());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    int nl = out.lastIndexOf('\n');
    return out.substring(nl + 1) + " " + out.substring(0, nl);
  }

  static void assertRefused(Response r, String code, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    JsonNode j = ClaimJson.parse(r.body());
    assertThat(j.get("code").asText()).isEqualTo(code);
    assertThat(j.get("field").asText()).isEqualTo(field);
    assertThat(j.get("message").asText()).startsWith(field);
  }

  static Map<String, String> signed(String method, String pathAndQuery, String body) {
    return Signer.headers(H1_KEY, method, pathAndQuery, bytes(body));
  }

  static HttpRequest.Builder withHeaders(HttpRequest.Builder b, Map<String, String> headers) {
    headers.forEach(b::header);
    return b;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String claim(String claimNo) {
    return ClaimJson.claim(claimNo).person("445202198001010013").item("T-A", "100.00").json();
  }
}
