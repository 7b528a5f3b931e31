package org.yizhan.load.sim;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import java.util.List;
import org.yizhan.load.Claims;
import org.yizhan.load.LoadConfig;
import org.yizhan.load.Population;
import org.yizhan.load.Population.Person;

/**
 * Ledger contention: every arrival settles a claim of a poor person of office 445202 at one
 * hospital (the first key given, the level-3 demo hospital by default), so every settlement locks
 * and draws from the same prepayment account (office 445202 at that hospital). Claims are long
 * (40–120 lines, thousands of yuan) so that assistance is paid, past the annual deductible, from
 * the first or second admission on. Checks: every settlement is made (201) and the ledger did not
 * refuse it.
 */
public class PrepaymentDrain extends Windowed {
  /** Lines per claim, fewest and most. */
  static final int LINES_MIN = 40;

  static final int LINES_MAX = 120;

  /** Poor persons drawn from. */
  static final int PERSONS = 50;

  private final LoadConfig config = LoadConfig.fromSystemProperties();
  private final List<Person> poor =
      config.population().first(PERSONS, Population.MANAGED_OFFICES.get(0), true);
  private final Claims claims = new Claims(config.catalogue(), Claims.runPrefix("DRAIN"));
  private final Hospital hospital = new Hospital(config);

  private final ScenarioBuilder drain =
      scenario("PrepaymentDrain")
          .exec(
              hospital.signed(
                  "settle",
                  "POST",
                  s ->
                      new Hospital.Call(
                          0,
                          "/api/v1/settlements",
                          claims.claimBytesOfAny(poor, LINES_MIN, LINES_MAX)),
                  status().is(201),
                  jsonPath("$.assistance.note").isNull()));

  {
    setUp(
            drain.injectOpen(
                constantUsersPerSec(config.ratePerSecond())
                    .during(Duration.ofSeconds(config.durationSeconds()))))
        .protocols(Hospital.protocol(config))
        .assertions(Bounds.of(config));
  }
}
