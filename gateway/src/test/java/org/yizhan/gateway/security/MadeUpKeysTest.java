package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Made-up API keys must cost the database nothing (issue 13, item 11): an unknown key is remembered
 * as unknown, and keys not in the cache are looked up at most {@code keyLookupsPerSecondPerAddress}
 * times a second per remote address. Database work is counted by the gateway's pool
 * (vertx_pool_completed_total: connections handed back after use).
 */
class MadeUpKeysTest {
  static final int LOOKUPS_PER_SECOND = 20;

  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_SECURITY_LIMITS_KEY_LOOKUPS_PER_SECOND_PER_ADDRESS",
                Integer.toString(LOOKUPS_PER_SECOND)));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static double poolUses() {
    Matcher m =
        Pattern.compile("vertx_pool_completed_total\\{[^}]*pool_type=\"sql\"[^}]*\\} ([0-9.eE+]+)")
            .matcher(gw.metrics());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  @Test
  void manyMadeUpKeysFromOneAddress_reachTheDatabaseAtTheLookupRateOnly() {
    double before = poolUses();
    long t0 = System.nanoTime();
    int refused = 0;
    int limited = 0;
    int requests = 300;
    for (int i = 0; i < requests; i++) {
      Response r = gw.get("/api/v1/settlements?claimNo=x", "yz_made_up_" + i + "_" + t0);
      if (r.status() == 401) {
        refused++;
      } else {
        assertThat(r.status()).isEqualTo(429);
        assertThat(ClaimJson.parse(r.body()).get("code").asText()).isEqualTo("KEY_LOOKUPS_LIMITED");
        limited++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double used = poolUses() - before;
    System.out.printf(
        "[made-up keys] %d requests with new made-up keys in %.1f s: %d x 401, %d x 429;"
            + " %.0f database uses%n",
        requests, seconds, refused, limited, used);
    assertThat(limited).isPositive();
    // one use per lookup admitted, a few for the gateway's own timers
    assertThat(used).isLessThanOrEqualTo(LOOKUPS_PER_SECOND * (Math.ceil(seconds) + 1) + 5);
  }

  @Test
  void oneMadeUpKeyRepeated_isLookedUpOnce() {
    String key = "yz_made_up_repeated_" + System.nanoTime();
    assertThat(gw.get("/api/v1/settlements?claimNo=x", key).status()).isEqualTo(401);
    double before = poolUses();
    for (int i = 0; i < 100; i++) {
      assertThat(gw.get("/api/v1/settlements?claimNo=x", key).status()).isEqualTo(401);
    }
    assertThat(poolUses() - before).isLessThanOrEqualTo(3);
  }

  @Test
  void aKeyRememberedAsUnknown_worksOnceAKeyChangeIsAnnounced() throws Exception {
    String key = "yz_H44528100003_" + System.nanoTime();
    assertThat(gw.get("/api/v1/settlements?claimNo=x", key).status()).isEqualTo(401);
    gw.sql(
        "INSERT INTO hospital_key (key_id, hospital_code, key_sha256, valid_from)"
            + " VALUES (?, 'H44528100003', ?, ?)",
        "late-" + System.nanoTime(),
        Digests.sha256Hex(key),
        OffsetDateTime.now().minusMinutes(1));
    assertThat(gw.get("/api/v1/settlements?claimNo=x", key).status()).isEqualTo(401);
    gw.sql("NOTIFY yizhan_hospital_keys, 'H44528100003'");
    long deadline = System.currentTimeMillis() + 5000;
    int status = 401;
    while (status == 401 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      status = gw.get("/api/v1/settlements?claimNo=x", key).status();
    }
    assertThat(status).isEqualTo(200);
  }
}
