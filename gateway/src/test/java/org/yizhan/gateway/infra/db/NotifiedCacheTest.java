package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache's gathered misses with load round trips the test answers itself (nothing waits on a
 * clock): the misses arriving during a load go together in the next, each key with its own value;
 * an invalidation during a load keeps the load's value out of the cache, whether the load was in
 * flight or still waiting; a failed group is not cached. Its loads against PostgreSQL are in
 * insured.GatheredEnrolmentsTest and identity.GatheredIdentitiesTest.
 */
class NotifiedCacheTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  /** Load round trips that wait for the test; round trip i answers each key as "key@i". */
  static final class Held implements Gatherer.RoundTrip<String, String> {
    final List<List<String>> groups = new ArrayList<>();
    final List<Promise<List<String>>> answers = new ArrayList<>();

    @Override
    public synchronized Future<List<String>> run(List<String> group) {
      groups.add(List.copyOf(group));
      Promise<List<String>> p = Promise.promise();
      answers.add(p);
      return p.future();
    }

    void answer(int i) {
      List<String> group;
      Promise<List<String>> p;
      synchronized (this) {
        group = groups.get(i);
        p = answers.get(i);
      }
      p.complete(group.stream().map(k -> k + "@" + i).toList());
    }

    synchronized List<List<String>> groups() {
      return List.copyOf(groups);
    }
  }

  static NotifiedCache<String> cache(Held trips) {
    return new NotifiedCache<>(vertx, "things", "things_changed", 100, 60, trips);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void missesDuringALoad_loadTogetherInTheNext_eachKeyItsOwnValue_andAreThenHits()
      throws Exception {
    Held trips = new Held();
    NotifiedCache<String> c = cache(trips);
    Future<String> a = c.get("a");
    Future<String> b = c.get("b");
    Future<String> cc = c.get("c");
    Future<String> bAgain = c.get("b"); // one load of a key at a time: it joins b's
    assertThat(c.loadsQueued()).isEqualTo(2);
    trips.answer(0);
    assertThat(await(a)).isEqualTo("a@0");
    assertThat(trips.groups()).containsExactly(List.of("a"), List.of("b", "c"));
    trips.answer(1);
    assertThat(await(b)).isEqualTo("b@1");
    assertThat(await(cc)).isEqualTo("c@1");
    assertThat(await(bAgain)).isEqualTo("b@1");

    assertThat(await(c.get("c"))).isEqualTo("c@1");
    assertThat(c.loadRoundTrips()).isEqualTo(2);
    assertThat(c.loaded()).isEqualTo(3);
  }

  @Test
  void anInvalidationDuringALoadInFlight_keepsItsValueOut_theNextReadLoadsAgain() throws Exception {
    Held trips = new Held();
    NotifiedCache<String> c = cache(trips);
    Future<String> before = c.get("k");
    c.invalidate("k"); // the change committed while the load was in flight
    trips.answer(0);
    assertThat(await(before)).as("a read begun before the change").isEqualTo("k@0");
    Future<String> after = c.get("k");
    assertThat(trips.groups())
        .as("loaded again, not the value of the load begun before")
        .hasSize(2);
    trips.answer(1);
    assertThat(await(after)).isEqualTo("k@1");
    assertThat(await(c.get("k"))).isEqualTo("k@1");
    assertThat(c.loadRoundTrips()).isEqualTo(2);
  }

  @Test
  void anInvalidationWhileALoadWaits_aReadAfterIt_goesInItsOwnLoad_andItsValueIsKept()
      throws Exception {
    Held trips = new Held();
    NotifiedCache<String> c = cache(trips);
    Future<String> other = c.get("other"); // in flight: k's loads wait behind it
    Future<String> before = c.get("k");
    c.invalidate("k");
    Future<String> after = c.get("k");
    assertThat(c.loadsQueued()).as("the old load and the new one").isEqualTo(2);
    trips.answer(0);
    assertThat(await(other)).isEqualTo("other@0");
    assertThat(trips.groups()).last().isEqualTo(List.of("k", "k"));
    trips.answer(1);
    assertThat(await(before)).isEqualTo("k@1");
    assertThat(await(after)).isEqualTo("k@1");
    assertThat(await(c.get("k"))).isEqualTo("k@1");
    assertThat(c.loadRoundTrips()).isEqualTo(2);
  }

  @Test
  void aFailedLoad_failsItsGroup_andIsNotCached() throws Exception {
    Held trips = new Held();
    NotifiedCache<String> c = cache(trips);
    Future<String> first = c.get("x");
    Future<String> y = c.get("y");
    Future<String> z = c.get("z");
    trips.answer(0);
    assertThat(await(first)).isEqualTo("x@0");
    IllegalStateException lost = new IllegalStateException("connection lost");
    synchronized (trips) {
      trips.answers.get(1).fail(lost);
    }
    for (Future<String> f : List.of(y, z)) {
      try {
        await(f);
        throw new AssertionError("expected the group's failure");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isSameAs(lost);
      }
    }
    Future<String> yAgain = c.get("y");
    assertThat(trips.groups()).hasSize(3).last().isEqualTo(List.of("y"));
    trips.answer(2);
    assertThat(await(yAgain)).isEqualTo("y@2");
  }
}
