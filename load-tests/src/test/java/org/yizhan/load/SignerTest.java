package org.yizhan.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.security.RequestSignature;

class SignerTest {
  static final String KEY = "yz_demo_H44520200001_0123456789abcdef0123456789abcdef";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2018-06-01T08:00:00Z"), ZoneOffset.UTC);
  static final List<byte[]> BODIES =
      List.of(
          new byte[0],
          "{\"reason\":\"load test reversal\"}".getBytes(StandardCharsets.UTF_8),
          "{\"personName\":\"陈小明\",\"lines\":[]}".getBytes(StandardCharsets.UTF_8));

  @Test
  void sign_isTheGatewaysSignature_callAfterCall() {
    Signer signer = new Signer(KEY, CLOCK);
    // The same thread's MAC serves one call after another: each must still verify on its own.
    for (int round = 0; round < 3; round++) {
      for (byte[] body : BODIES) {
        assertVerifies(signer, "POST", "/api/v1/settlements", body);
        assertVerifies(signer, "GET", "/api/v1/settlements/abc?detail=lines", new byte[0]);
      }
    }
  }

  @Test
  void sign_onAnotherThread_isTheGatewaysSignature() {
    Signer signer = new Signer(KEY, CLOCK);
    assertVerifies(signer, "POST", "/api/v1/settlements", BODIES.get(2));
    CompletableFuture.runAsync(() -> assertVerifies(signer, "POST", "/x", BODIES.get(1))).join();
  }

  @Test
  void aSignature_doesNotVerify_anotherBodyOrKey() {
    Signer.Signed s = new Signer(KEY, CLOCK).sign("POST", "/api/v1/settlements", BODIES.get(1));
    String otherBody =
        RequestSignature.canonical(
            "POST", "/api/v1/settlements", s.timestamp(), s.nonce(), BODIES.get(2));
    assertThat(
            RequestSignature.verify(
                s.method(), RequestSignature.signingKey(KEY), otherBody, s.signature()))
        .isFalse();
    String same =
        RequestSignature.canonical(
            "POST", "/api/v1/settlements", s.timestamp(), s.nonce(), BODIES.get(1));
    assertThat(
            RequestSignature.verify(
                s.method(), RequestSignature.signingKey(KEY + "x"), same, s.signature()))
        .isFalse();
  }

  @Test
  void nonces_areUrlSafe_24Characters_andNeverRepeat() {
    Signer signer = new Signer(KEY, CLOCK);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String nonce = signer.sign("GET", "/", new byte[0]).nonce();
      assertThat(nonce).matches("[A-Za-z0-9_-]{24}");
      assertThat(seen.add(nonce)).as(nonce).isTrue();
    }
  }

  @Test
  void headers_carryTheBearerKey_andTheSignedValues() {
    var h = new Signer(KEY, CLOCK).headers("POST", "/api/v1/settlements", "{}");
    assertThat(h.get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(h.get(RequestSignature.TIMESTAMP)).isEqualTo("1527840000");
    assertThat(h.get(RequestSignature.METHOD)).isEqualTo(RequestSignature.HMAC_SHA256);
    String canonical =
        RequestSignature.canonical(
            "POST",
            "/api/v1/settlements",
            h.get(RequestSignature.TIMESTAMP),
            h.get(RequestSignature.NONCE),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(
            RequestSignature.verify(
                RequestSignature.HMAC_SHA256,
                RequestSignature.signingKey(KEY),
                canonical,
                h.get(RequestSignature.SIGNATURE)))
        .isTrue();
  }

  static void assertVerifies(Signer signer, String method, String path, byte[] body) {
    Signer.Signed s = signer.sign(method, path, body);
    assertThat(s.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(s.timestamp()).isEqualTo("1527840000");
    String canonical = RequestSignature.canonical(method, path, s.timestamp(), s.nonce(), body);
    assertThat(
            RequestSignature.verify(
                s.method(), RequestSignature.signingKey(KEY), canonical, s.signature()))
        .as("%s %s with %d bytes", method, path, body.length)
        .isTrue();
  }
}
