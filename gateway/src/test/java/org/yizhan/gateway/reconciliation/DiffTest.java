package org.yizhan.gateway.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one reconciliation diff: which rows pair up, which are missing where, in what order. */
class DiffTest {
  /** A row: its key and which side wrote it. */
  record Row(String key, String side) {}

  static final Function<Row, String> KEY = Row::key;

  static List<Row> rows(String side, String... keys) {
    List<Row> out = new ArrayList<>();
    for (String k : keys) {
      out.add(new Row(k, side));
    }
    return out;
  }

  /** Each pair as "gatewayKey/hospitalKey", "-" for a missing side. */
  static List<String> shown(List<Diff.Pair<Row>> pairs) {
    return pairs.stream()
        .map(
            p ->
                (p.gateway() == null ? "-" : p.gateway().key())
                    + "/"
                    + (p.hospital() == null ? "-" : p.hospital().key()))
        .toList();
  }

  @Test
  void inGatewayOrder_pairsTheGatewaysRows_thenTheHospitalsUnmatched() {
    List<Diff.Pair<Row>> pairs =
        Diff.inGatewayOrder(rows("g", "a", "b", "c"), KEY, rows("h", "d", "c", "a", "e"), KEY);

    assertThat(shown(pairs)).containsExactly("a/a", "b/-", "c/c", "-/d", "-/e");
    assertThat(pairs.get(1).missingInHospital()).isTrue();
    assertThat(pairs.get(3).missingInGateway()).isTrue();
  }

  @Test
  void inHospitalOrder_pairsTheHospitalsRows_thenTheGatewaysUnmatched() {
    List<Diff.Pair<Row>> pairs =
        Diff.inHospitalOrder(rows("g", "a", "b", "c"), KEY, rows("h", "d", "c", "a", "e"), KEY);

    assertThat(shown(pairs)).containsExactly("-/d", "c/c", "a/a", "-/e", "b/-");
    assertThat(pairs.get(1).gateway().side()).isEqualTo("g");
    assertThat(pairs.get(1).hospital().side()).isEqualTo("h");
  }

  @Test
  void aHospitalRowWithoutKey_matchesNothing() {
    List<Diff.Pair<Row>> pairs =
        Diff.inHospitalOrder(rows("g", "a"), KEY, List.of(new Row(null, "h")), KEY);

    assertThat(pairs).hasSize(2);
    assertThat(pairs.get(0).missingInGateway()).isTrue();
    assertThat(pairs.get(1).missingInHospital()).isTrue();
  }

  @Test
  void twoHospitalRowsOfOneKey_bothMeetTheGatewaysRow() {
    List<Diff.Pair<Row>> pairs =
        Diff.inHospitalOrder(rows("g", "a"), KEY, rows("h", "a", "a"), KEY);

    assertThat(shown(pairs)).containsExactly("a/a", "a/a");
  }

  @Test
  void emptySides_giveNoPairs() {
    assertThat(Diff.inGatewayOrder(List.<Row>of(), KEY, List.of(), KEY)).isEmpty();
  }

  @Test
  void aPairOfNothing_isRefused() {
    assertThatThrownBy(() -> new Diff.Pair<Row>(null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void figure_isWrittenOnlyWhereTheSidesDiffer_amountsInYuan() {
    List<Diff.Figure> out = new ArrayList<>();
    Diff.figure(out, "total", 12345, 12345, true);
    Diff.figure(out, "total", 12345, 12300, true);
    Diff.figure(out, "count", -2, 3, false);

    assertThat(out)
        .containsExactly(
            new Diff.Figure("total", "123.45", "123.00"), new Diff.Figure("count", "-2", "3"));
  }
}
