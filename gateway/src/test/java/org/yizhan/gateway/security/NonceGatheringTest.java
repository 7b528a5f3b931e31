package org.yizhan.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.SmallPool.await;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.config.Hospitals;
import org.yizhan.gateway.infra.db.Gatherer;
import org.yizhan.gateway.security.RequestVerifier.NonceUse;
import org.yizhan.gateway.support.SmallPool;

/**
 * Nonces gathered against PostgreSQL ({@link RequestVerifier#RECORD_NONCES}): the requests that
 * arrive while a round trip is in flight are recorded by the next, one statement; each learns
 * whether its own nonce was new, also when two of them carry the same one; a failed statement fails
 * its group. To hold a round trip in flight without a sleep, the test's own transaction inserts the
 * first nonce and commits only once the others have queued: PostgreSQL makes the gateway's insert
 * wait for it.
 */
class NonceGatheringTest {
  static final String H = "H44520200001";
  static final String H2 = "H44528100003";

  static SmallPool pg;

  @BeforeAll
  static void start() {
    pg = SmallPool.start();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  /** A gatherer of the verifier's round trip that notes each group's size. */
  static Gatherer<NonceUse, Boolean> gatherer(List<Integer> groups) {
    Gatherer.RoundTrip<NonceUse, Boolean> record =
        RequestVerifier.recordNonces(pg.pool(), Clock.systemUTC());
    return new Gatherer<>(
        "nonce checks",
        RequestVerifier.NONCES_PER_ROUND_TRIP,
        RequestVerifier.NONCES_QUEUED_MAX,
        RequestVerifier.NONCE_ROUND_TRIPS_IN_FLIGHT,
        group -> {
          groups.add(group.size());
          return record.run(group);
        });
  }

  static Throwable failure(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** A transaction of the test's own that has inserted {@code nonce} and not committed. */
  static Connection holding(String nonce) throws Exception {
    Connection c = pg.jdbc();
    c.setAutoCommit(false);
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO request_nonce (hospital_code, nonce, seen_at) VALUES (?, ?, now())")) {
      p.setString(1, H);
      p.setString(2, nonce);
      p.execute();
    }
    return c;
  }

  @Test
  void aLoneNonce_isRecordedAtOnce_andItsReplayRefused() throws Exception {
    List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
    Gatherer<NonceUse, Boolean> g = gatherer(groups);
    assertThat(await(g.submit(new NonceUse(H, "lone-nonce-00000001")))).isTrue();
    assertThat(await(g.submit(new NonceUse(H, "lone-nonce-00000001")))).isFalse();
    assertThat(groups).containsExactly(1, 1);
  }

  @Test
  void noncesArrivingDuringARoundTrip_goInOneStatement_andTheSameNonceTwice_isTakenOnce()
      throws Exception {
    List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
    Gatherer<NonceUse, Boolean> g = gatherer(groups);
    Future<Boolean> held;
    List<Future<Boolean>> gathered;
    try (Connection other = holding("held-nonce-00000001")) {
      held = g.submit(new NonceUse(H, "held-nonce-00000001")); // in flight, waits for `other`
      gathered =
          List.of(
              g.submit(new NonceUse(H, "twice-nonce-0000001")),
              g.submit(new NonceUse(H, "twice-nonce-0000001")),
              g.submit(new NonceUse(H, "other-nonce-0000001")),
              // the same nonce of another hospital is another nonce
              g.submit(new NonceUse(H2, "twice-nonce-0000001")));
      assertThat(g.queued()).isEqualTo(4);
      other.commit();
    }
    assertThat(await(held)).as("recorded by the other transaction first").isFalse();
    List<Boolean> taken = new ArrayList<>();
    for (Future<Boolean> f : gathered) {
      taken.add(await(f));
    }
    assertThat(taken).containsExactly(true, false, true, true);
    assertThat(groups).containsExactly(1, 4);
    assertThat(count("twice-nonce-0000001")).isEqualTo(2L);
  }

  @Test
  void aFailedRoundTrip_failsEveryMemberOfItsGroup_andRecordsNoneOfThem() throws Exception {
    List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
    Gatherer<NonceUse, Boolean> g = gatherer(groups);
    Future<Boolean> held;
    Future<Boolean> good;
    Future<Boolean> bad;
    try (Connection other = holding("held-nonce-00000002")) {
      held = g.submit(new NonceUse(H, "held-nonce-00000002"));
      good = g.submit(new NonceUse(H, "good-nonce-00000002"));
      // longer than the column: the verifier never lets one through, so the statement's failure
      // here stands for any (a lost connection fails the group the same way)
      bad = g.submit(new NonceUse(H, "x".repeat(65)));
      other.commit();
    }
    assertThat(await(held)).isFalse();
    Throwable goodFailed = failure(good);
    assertThat(goodFailed).isInstanceOf(PgException.class);
    assertThat(failure(bad)).isSameAs(goodFailed);
    assertThat(groups).containsExactly(1, 2);
    assertThat(count("good-nonce-00000002")).isZero();
    // the next group is not affected: the good nonce, sent again, is new
    assertThat(await(g.submit(new NonceUse(H, "good-nonce-00000002")))).isTrue();
  }

  @Test
  void theVerifier_refusesAReplayedNonceInAGroup_andAnswersAFailureAsNoRefusal() throws Exception {
    RequestVerifier verifier = new RequestVerifier(pg.pool(), Clock.systemUTC(), 300);
    HospitalAuth.Principal who = principal();
    Future<Void> first;
    Future<Void> second;
    try (Connection other = holding("held-nonce-00000003")) {
      Future<Void> held = verifier.recordNonce(who, "held-nonce-00000003", "X-Nonce");
      first = verifier.recordNonce(who, "pair-nonce-00000003", "X-Nonce");
      second = verifier.recordNonce(who, "pair-nonce-00000003", "X-Nonce");
      other.commit();
      assertThat(failure(held)).hasMessageContaining("was already used");
    }
    await(first);
    assertThat(failure(second))
        .isInstanceOfSatisfying(
            org.yizhan.gateway.infra.refusal.Refusal.class,
            r -> assertThat(r.code()).isEqualTo("REPLAYED_NONCE"));
    assertThat(verifier.nonces().roundTrips()).isEqualTo(2);
  }

  static HospitalAuth.Principal principal() {
    return new HospitalAuth.Principal(
        new Hospitals.Hospital(H, "test hospital", 2, "445202", List.of()), "k1", "0".repeat(64));
  }

  static long count(String nonce) throws Exception {
    try (Connection c = pg.jdbc();
        PreparedStatement p =
            c.prepareStatement("SELECT count(*) FROM request_nonce WHERE nonce = ?")) {
      p.setString(1, nonce);
      try (var r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
