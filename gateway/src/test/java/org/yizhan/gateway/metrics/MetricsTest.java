package org.yizhan.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.Fen;

/** The gateway's meters count what they did before their lookups were made cheaper. */
class MetricsTest {
  @Test
  void yuan_isTheDoubleOfTheExactYuan_forEveryKindOfAmount() {
    long[] edges = {
      0,
      1,
      -1,
      5,
      50,
      99,
      100,
      101,
      12_345,
      1L << 52,
      (1L << 53) - 1,
      1L << 53,
      Long.MAX_VALUE,
      Long.MIN_VALUE + 1,
      Fen.MAX
    };
    for (long fen : edges) {
      assertThat(Metrics.yuan(fen)).as("%d fen", fen).isEqualTo(Fen.toYuan(fen).doubleValue());
    }
    SplittableRandom r = new SplittableRandom(20261202);
    for (int i = 0; i < 1_000_000; i++) {
      long fen = i % 2 == 0 ? r.nextLong(10_000_000_000L) : r.nextLong() >> r.nextInt(64);
      assertThat(Metrics.yuan(fen)).as("%d fen", fen).isEqualTo(Fen.toYuan(fen).doubleValue());
    }
  }

  @Test
  void settledAndRequests_countPerLabel() {
    Metrics m = new Metrics();
    m.settled("H1", Map.of("BASIC", 12_345L, "MAJOR", 5L), 700, 0, 2);
    m.settled("H1", Map.of("BASIC", 1L), 1, 3, 0);
    m.replayed();
    m.request("POST", "POST /api/v1/settlements", 201, 2_000_000);
    m.request("POST", "POST /api/v1/settlements", 201, 4_000_000);
    m.request("POST", "POST /api/v1/settlements", 409, 1_000_000);
    var reg = m.meterRegistry();
    assertThat(reg.get("yizhan.settlements").tag("outcome", "settled").counter().count())
        .isEqualTo(2);
    assertThat(reg.get("yizhan.settlements").tag("outcome", "replayed").counter().count())
        .isEqualTo(1);
    assertThat(reg.get("yizhan.settlement.paid.yuan").tag("fund", "BASIC").counter().count())
        .isCloseTo(123.46, within(1e-9));
    assertThat(reg.get("yizhan.settlement.personal.yuan").counter().count())
        .isCloseTo(7.01, within(1e-9));
    assertThat(reg.get("yizhan.prepayment.advance.yuan").counter().count())
        .isCloseTo(0.03, within(1e-9));
    assertThat(
            reg.get("yizhan.unknown.items")
                .tags("hospital", "H1", "operation", "settle", "outcome", "self_pay")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(reg.get("yizhan.http.requests").tag("status", "201").timer().count()).isEqualTo(2);
    assertThat(reg.get("yizhan.http.requests").tag("status", "409").timer().count()).isEqualTo(1);
  }
}
