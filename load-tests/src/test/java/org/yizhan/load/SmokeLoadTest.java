package org.yizhan.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatling.app.Gatling$;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.load.sim.HotPerson;
import org.yizhan.load.sim.PrepaymentDrain;
import org.yizhan.load.sim.SettlementMix;

/**
 * A short load of each simulation against a gateway started here (embedded PostgreSQL), seeded by
 * the seeder: each must pass its own assertions (no failed request, p99 under a bound generous
 * enough for a shared CI machine with a cold JIT) and leave its HTML report; the database must show
 * the work. And a load with a key the gateway does not know must fail, so a green run means
 * something.
 */
class SmokeLoadTest {
  /** Arrivals per second and seconds of each smoke load: about 5 s of load per simulation. */
  static final String RATE = "8";

  static final String DURATION_SECONDS = "5";

  /** The p99 bound of the smoke loads, ms: a cold gateway on a busy 2-core machine. */
  static final String P99_MS = "3000";

  static final int POPULATION = 1000;

  static final Path RESULTS = Path.of("target", "gatling").toAbsolutePath();

  static TestGateway gateway;
  static Seed.Result seeded;

  @BeforeAll
  static void startAndSeed() {
    gateway = TestGateway.start(Map.of("YIZHAN_HTTP_INSTANCES", "2"));
    seeded =
        new Seed(gateway.baseUrl()).seed(new Population(POPULATION), new BigDecimal("50000000.00"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void seed_registersThePoorAndFundsEveryAccount() {
    long poor = new Population(POPULATION).all().stream().filter(p -> p.poor()).count();
    assertThat(seeded.identities()).isEqualTo((int) poor).isBetween(100, 200);
    assertThat(gateway.count("person_identity")).isEqualTo(poor);
    // Two offices × four hospitals, each topped up once (seeding again changes nothing).
    assertThat(seeded.accounts()).hasSize(8);
    new Seed(gateway.baseUrl()).seed(new Population(POPULATION), new BigDecimal("50000000.00"));
    assertThat(gateway.count("person_identity")).isEqualTo(poor);
    assertThat(gateway.value("SELECT count(*) FROM ledger_transfer WHERE kind = 'TOP_UP'"))
        .isEqualTo(8L);
  }

  @Test
  void settlementMix_runsGreen() throws IOException {
    assertThat(run(SettlementMix.class, Map.of())).isZero();
    assertThat(gateway.count("settlement")).isPositive();
    assertThat(report("settlementmix")).isTrue();
  }

  @Test
  void hotPerson_runsGreen() throws IOException {
    long before = gateway.count("settlement");
    assertThat(run(HotPerson.class, Map.of())).isZero();
    assertThat(gateway.count("settlement")).isGreaterThan(before);
    assertThat(report("hotperson")).isTrue();
  }

  @Test
  void prepaymentDrain_drawsFromOneAccount() throws IOException {
    assertThat(run(PrepaymentDrain.class, Map.of())).isZero();
    Object account = seeded.accounts().get("445202/H44520200001");
    assertThat(
            gateway.value(
                "SELECT count(*) FROM ledger_transfer WHERE account_id = ? AND kind = 'DRAWDOWN'",
                account))
        .isNotEqualTo(0L);
    assertThat(report("prepaymentdrain")).isTrue();
  }

  @Test
  void aLoadWithAnUnknownKey_fails() {
    int status =
        run(
            HotPerson.class,
            Map.of("hospitalKey", "yz_demo_H44520200001_00000000000000000000000000000000"));
    assertThat(status).isNotZero();
  }

  /** Runs a simulation with the smoke parameters (and {@code extra}); Gatling's exit status. */
  static int run(Class<?> simulation, Map<String, String> extra) {
    Map<String, String> props =
        new HashMap<>(
            Map.of(
                "baseUrl", gateway.baseUrl(),
                "rate", RATE,
                "duration", DURATION_SECONDS,
                "p99Ms", P99_MS,
                "population", Integer.toString(POPULATION)));
    props.putAll(extra);
    props.forEach(System::setProperty);
    try {
      return Gatling$.MODULE$.fromArgs(
          new String[] {
            "--simulation", simulation.getName(),
            "--results-folder", RESULTS.toString(),
            "--run-description", "smoke"
          });
    } finally {
      props.keySet().forEach(System::clearProperty);
    }
  }

  /** Whether a report of the simulation (folder named after it, lower case) has its index.html. */
  static boolean report(String prefix) throws IOException {
    try (Stream<Path> dirs = Files.list(RESULTS)) {
      return dirs.anyMatch(
          d ->
              d.getFileName().toString().startsWith(prefix)
                  && Files.isRegularFile(d.resolve("index.html")));
    }
  }
}
