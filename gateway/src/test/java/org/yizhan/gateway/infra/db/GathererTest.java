package org.yizhan.gateway.infra.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gatherer's rules, with round trips the test answers itself (so nothing waits on a clock): who
 * goes at once, who waits and with whom, the bounds, and what a failure does. Its use against
 * PostgreSQL is in security.NonceGatheringTest.
 */
class GathererTest {
  /** Round trips that wait for the test to answer them; each answers its inputs doubled. */
  static final class Held implements Gatherer.RoundTrip<Integer, Integer> {
    final List<List<Integer>> groups = new ArrayList<>();
    final List<Promise<List<Integer>>> answers = new ArrayList<>();

    @Override
    public Future<List<Integer>> run(List<Integer> group) {
      groups.add(List.copyOf(group));
      Promise<List<Integer>> p = Promise.promise();
      answers.add(p);
      return p.future();
    }

    void answer(int i) {
      answers.get(i).complete(groups.get(i).stream().map(x -> 2 * x).toList());
    }
  }

  @Test
  void aLoneRequest_goesAtOnce_alone() {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 8, 8, 1, trips);
    Future<Integer> one = g.submit(1);
    assertThat(trips.groups).containsExactly(List.of(1));
    trips.answer(0);
    assertThat(one.result()).isEqualTo(2);
    Future<Integer> two = g.submit(2); // idle again: at once
    assertThat(trips.groups).hasSize(2).last().isEqualTo(List.of(2));
    trips.answer(1);
    assertThat(two.result()).isEqualTo(4);
    assertThat(g.roundTrips()).isEqualTo(2);
  }

  @Test
  void requestsArrivingDuringARoundTrip_goTogetherInTheNext_eachWithItsOwnResult() {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 8, 8, 1, trips);
    Future<Integer> first = g.submit(1);
    List<Future<Integer>> later = List.of(g.submit(2), g.submit(3), g.submit(4));
    assertThat(trips.groups).hasSize(1);
    assertThat(g.queued()).isEqualTo(3);
    trips.answer(0);
    assertThat(first.result()).isEqualTo(2);
    assertThat(trips.groups).containsExactly(List.of(1), List.of(2, 3, 4));
    trips.answer(1);
    assertThat(later).extracting(Future::result).containsExactly(4, 6, 8);
    assertThat(g.roundTrips()).isEqualTo(2);
    assertThat(g.members()).isEqualTo(4);
    assertThat(g.queued()).isZero();
  }

  @Test
  void aGroupTakesAtMostGroupMax_theRestGoNext() {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 2, 8, 1, trips);
    g.submit(1);
    List<Future<Integer>> later = List.of(g.submit(2), g.submit(3), g.submit(4));
    trips.answer(0);
    trips.answer(1);
    trips.answer(2);
    assertThat(trips.groups).containsExactly(List.of(1), List.of(2, 3), List.of(4));
    assertThat(later).extracting(Future::result).containsExactly(4, 6, 8);
  }

  @Test
  void beyondQueuedMax_aRequestIsRefusedAtOnce_asUnavailable() {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 8, 2, 1, trips);
    g.submit(1);
    Future<Integer> a = g.submit(2);
    Future<Integer> b = g.submit(3);
    Future<Integer> refused = g.submit(4);
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOf(DbGuard.Unavailable.class)
        .hasMessageContaining("too many things");
    trips.answer(0);
    trips.answer(1);
    assertThat(List.of(a.result(), b.result())).containsExactly(4, 6);
    assertThat(trips.groups).containsExactly(List.of(1), List.of(2, 3));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void atMostInFlightMax_roundTripsRunAtOnce(int inFlightMax) {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 8, 8, inFlightMax, trips);
    for (int i = 0; i < inFlightMax + 2; i++) {
      g.submit(i);
    }
    assertThat(trips.groups).hasSize(inFlightMax).allSatisfy(x -> assertThat(x).hasSize(1));
    assertThat(g.queued()).isEqualTo(2);
    trips.answer(0);
    assertThat(trips.groups)
        .hasSize(inFlightMax + 1)
        .last()
        .isEqualTo(List.of(inFlightMax, inFlightMax + 1));
  }

  @Test
  void aFailedRoundTrip_failsEveryMemberOfItsGroup_andOnlyThem() {
    Held trips = new Held();
    Gatherer<Integer, Integer> g = new Gatherer<>("things", 8, 8, 1, trips);
    Future<Integer> first = g.submit(1);
    Future<Integer> a = g.submit(2);
    Future<Integer> b = g.submit(3);
    trips.answer(0);
    Future<Integer> c = g.submit(4); // waits for the group of 2 and 3
    IllegalStateException lost = new IllegalStateException("connection lost");
    trips.answers.get(1).fail(lost);
    assertThat(first.result()).isEqualTo(2);
    assertThat(a.cause()).isSameAs(lost);
    assertThat(b.cause()).isSameAs(lost);
    assertThat(trips.groups).last().isEqualTo(List.of(4));
    trips.answer(2);
    assertThat(c.result()).isEqualTo(8);
  }

  @Test
  void aRoundTripThatThrows_orAnswersTheWrongCount_failsItsMembers_andTheGathererGoesOn() {
    List<List<Integer>> seen = new ArrayList<>();
    Gatherer<Integer, Integer> g =
        new Gatherer<>(
            "things",
            8,
            8,
            1,
            group -> {
              seen.add(group);
              if (group.contains(0)) {
                throw new IllegalArgumentException("bad input");
              }
              return Future.succeededFuture(group.contains(1) ? List.of() : group);
            });
    assertThat(g.submit(0).cause()).hasMessage("bad input");
    assertThat(g.submit(1).cause()).hasMessageContaining("answered 0 results for a group of 1");
    assertThat(g.submit(5).result()).isEqualTo(5);
    assertThat(seen).hasSize(3);
  }

  @Test
  void badSettings_areRefusedWithTheValue() {
    assertThatThrownBy(() -> new Gatherer<Integer, Integer>("x", 0, 1, 1, null))
        .hasMessageContaining("groupMax")
        .hasMessageContaining(": 0");
    assertThatThrownBy(() -> new Gatherer<Integer, Integer>("x", 1, -1, 1, null))
        .hasMessageContaining("queuedMax must be >= 0: -1");
    assertThatThrownBy(() -> new Gatherer<Integer, Integer>("x", 1, 1, 0, null))
        .hasMessageContaining("inFlightMax must be >= 1: 0");
  }
}
