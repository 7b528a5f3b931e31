package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * Password guessing on the managers' login (issue 13, item 13): backoff with lockout per account
 * and per address, 429 with Retry-After, each lockout audited. The rules run on an injected clock,
 * so nothing here sleeps.
 */
class LoginLockoutTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_SECURITY_LOGIN_FAILURES_BEFORE_LOCKOUT", "3",
                "YIZHAN_SECURITY_LOGIN_LOCKOUT_SECONDS", "600"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-01-05T08:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static Response login(String username, String password) {
    return gw.post(
        "/manager/api/login",
        null,
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  void guessingAPassword_locksTheAccountOut_with429AndRetryAfter_andTheLockoutIsAudited() {
    for (int i = 0; i < 3; i++) {
      assertThat(login(ManagerClient.A, "guess-" + i).status()).isEqualTo(401);
    }
    Response locked = login(ManagerClient.A, ManagerClient.A_PASSWORD);
    assertThat(locked.status()).as(locked.body()).isEqualTo(429);
    assertThat(ClaimJson.parse(locked.body()).get("code").asText()).isEqualTo("LOGIN_LOCKED");
    assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(590L, 601L);
    assertThat(
            gw.sql(
                "SELECT actor, entity_type, entity_id FROM audit_log WHERE action ="
                    + " 'LOGIN_LOCKOUT'"))
        .containsExactly(
            Map.of("actor", "gateway", "entity_type", "manager", "entity_id", ManagerClient.A));
    // another account from the same address is not locked by this account's failures
    assertThat(login(ManagerClient.B, ManagerClient.B_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void lockout_doublesWithEachFurtherFailure_upToTheMaximum_andEndsOnTime() {
    TestClock clock = new TestClock();
    LoginGuard guard = new LoginGuard(clock, 3, 60, 300);
    assertThat(guard.failed("m", "10.0.0.1")).isEmpty();
    assertThat(guard.failed("m", "10.0.0.1")).isEmpty();
    List<LoginGuard.Lockout> first = guard.failed("m", "10.0.0.1");
    assertThat(first).singleElement().satisfies(l -> assertThat(l.kind()).isEqualTo("account"));
    assertThat(guard.locked("m", "10.0.0.2")).isPresent();
    assertThat(guard.locked("m", "10.0.0.2").get().secondsLeft(clock)).isBetween(60L, 61L);
    clock.advance(Duration.ofSeconds(59));
    assertThat(guard.locked("m", "10.0.0.2")).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(guard.locked("m", "10.0.0.2")).isEmpty();
    // the next failure locks for twice as long, then four times, capped at the maximum
    guard.failed("m", "10.0.0.1");
    assertThat(guard.locked("m", null).get().secondsLeft(clock)).isBetween(120L, 121L);
    clock.advance(Duration.ofSeconds(120));
    guard.failed("m", "10.0.0.1");
    assertThat(guard.locked("m", null).get().secondsLeft(clock)).isBetween(240L, 241L);
    clock.advance(Duration.ofSeconds(240));
    guard.failed("m", "10.0.0.1");
    assertThat(guard.locked("m", null).get().secondsLeft(clock)).isBetween(300L, 301L);
    // a success clears the account
    clock.advance(Duration.ofSeconds(300));
    guard.succeeded("m");
    assertThat(guard.failed("m", "10.0.0.3")).isEmpty();
  }

  @Test
  void oneAddressGuessingManyAccounts_isLockedOut_afterFourTimesTheAccountAllowance() {
    TestClock clock = new TestClock();
    LoginGuard guard = new LoginGuard(clock, 3, 60, 300);
    for (int i = 0; i < 11; i++) {
      assertThat(guard.failed("user" + i, "10.0.0.9")).isEmpty();
      assertThat(guard.locked("user" + (i + 100), "10.0.0.9")).isEmpty();
    }
    assertThat(guard.failed("user11", "10.0.0.9"))
        .singleElement()
        .satisfies(l -> assertThat(l.kind()).isEqualTo("address"));
    assertThat(guard.locked("anyone", "10.0.0.9")).isPresent();
    assertThat(guard.locked("anyone", "10.0.0.10")).isEmpty();
  }
}
