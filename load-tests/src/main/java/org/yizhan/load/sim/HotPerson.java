package org.yizhan.load.sim;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.yizhan.load.Claims;
import org.yizhan.load.LoadConfig;
import org.yizhan.load.Population;
import org.yizhan.load.Population.Person;

/**
 * Accumulator contention: every arrival settles a claim of one of a handful ({@code hotPersons}, 5
 * by default) of persons of office 445202, at any of the hospitals, so many settlements of one
 * person are in flight at once and serialise on that person's year figures (a row lock). Claims are
 * short (5–20 lines) so the lock, not the engine, is what is measured. The gateway must answer
 * every one (no deadlock, no 503) and keep p99 under the bound; caps reached on the way are the
 * engine's business, not a failure.
 */
public class HotPerson extends Windowed {
  /** Lines per claim, fewest and most. */
  static final int LINES_MIN = 5;

  static final int LINES_MAX = 20;

  private final LoadConfig config = LoadConfig.fromSystemProperties();
  private final List<Person> hot =
      config.population().first(config.hotPersons(), Population.MANAGED_OFFICES.get(0), null);
  private final Claims claims = new Claims(config.catalogue(), Claims.runPrefix("HOT"));
  private final Hospital hospital = new Hospital(config);

  private final ScenarioBuilder settle =
      scenario("HotPerson")
          .exec(
              hospital.signed(
                  "settle",
                  "POST",
                  s ->
                      new Hospital.Call(
                          ThreadLocalRandom.current().nextInt(hospital.count()),
                          "/api/v1/settlements",
                          claims.claimBytesOfAny(hot, LINES_MIN, LINES_MAX)),
                  status().is(201),
                  headerRegex("Location", SettlementMix.SETTLEMENT_LOCATION).exists()));

  {
    setUp(
            settle.injectOpen(
                constantUsersPerSec(config.ratePerSecond())
                    .during(Duration.ofSeconds(config.durationSeconds()))))
        .protocols(Hospital.protocol(config))
        .assertions(Bounds.of(config));
  }
}
