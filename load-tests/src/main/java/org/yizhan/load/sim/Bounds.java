package org.yizhan.load.sim;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;
import java.util.List;
import org.yizhan.load.LoadConfig;

/** The assertions every simulation makes: it ran, nothing failed, p99 under the bound. */
final class Bounds {
  private Bounds() {}

  static List<Assertion> of(LoadConfig config) {
    return List.of(
        global().allRequests().count().gt(0L),
        global().failedRequests().count().is(0L),
        global().responseTime().percentile(99.0).lt(config.p99BoundMillis()));
  }
}
