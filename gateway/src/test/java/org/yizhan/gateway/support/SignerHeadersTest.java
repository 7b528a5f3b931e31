package org.yizhan.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.security.RequestSignature;

/**
 * The crash test's clients sign with {@link Signer}; its headers must be what the gateway verifies:
 * a current timestamp, a nonce of the allowed alphabet and length, fresh every time, and an
 * HMAC-SHA256 the gateway can check with the key hash it stores.
 */
class SignerHeadersTest {
  @Test
  void headers_verifyWithTheStoredKeyHash_andNeverRepeatANonce() {
    byte[] body = "{\"claimNo\":\"S-1\"}".getBytes(StandardCharsets.UTF_8);
    String path = "/api/v1/settlements?page=2";
    Map<String, String> h = Signer.headers(TestGateway.H1_KEY, "POST", path, body);
    Map<String, String> again = Signer.headers(TestGateway.H1_KEY, "POST", path, body);

    long now = System.currentTimeMillis() / 1000;
    assertThat(Long.parseLong(h.get(RequestSignature.TIMESTAMP))).isBetween(now - 5, now + 5);
    assertThat(h.get(RequestSignature.NONCE)).matches("[A-Za-z0-9_-]{16,64}");
    assertThat(again.get(RequestSignature.NONCE)).isNotEqualTo(h.get(RequestSignature.NONCE));
    assertThat(h.get(RequestSignature.METHOD)).isEqualTo(RequestSignature.HMAC_SHA256);
    byte[] stored = RequestSignature.signingKeyFromHash(Digests.sha256Hex(TestGateway.H1_KEY));
    String canonical =
        RequestSignature.canonical(
            "POST", path, h.get(RequestSignature.TIMESTAMP), h.get(RequestSignature.NONCE), body);
    assertThat(
            RequestSignature.verify(
                RequestSignature.HMAC_SHA256, stored, canonical, h.get(RequestSignature.SIGNATURE)))
        .isTrue();
    String tampered = canonical.replace("page=2", "page=3");
    assertThat(
            RequestSignature.verify(
                RequestSignature.HMAC_SHA256, stored, tampered, h.get(RequestSignature.SIGNATURE)))
        .isFalse();
  }
}
