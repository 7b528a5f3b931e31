package org.yizhan.load.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.gateway.config.CatalogueFiles;
import org.yizhan.gateway.config.PolicyFiles;

/**
 * Settlements per second on one core: the pure engine (pricing every line against the shipped
 * catalogue, the three layers, the trace) on claims of 20 and 200 lines drawn from that catalogue,
 * for a poor person with a year already under way. One thread, so the figure is per core.
 *
 * <p>Run: {@code mvn -pl load-tests -am package -Pbench -DskipTests && java -jar
 * load-tests/target/benchmarks.jar EngineBenchmark} (from the repository root, which holds {@code
 * config/}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EngineBenchmark {
  /** Lines per claim. */
  @Param({"20", "200"})
  public int lines;

  /** Distinct claims cycled through, so the branch predictor cannot learn one claim. */
  static final int CLAIMS = 256;

  private SettlementEngine engine;
  private Claim[] claims;
  private List<Identity> identities;
  private Accumulators ytd;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Path config = Path.of(System.getProperty("yizhan.config", "config"));
    Catalogue catalogue = CatalogueFiles.load(config.resolve("catalogue"));
    engine = new SettlementEngine(PolicyFiles.load(config.resolve("policies")), catalogue);
    LocalDate discharge = LocalDate.of(2018, 6, 20);
    List<CatalogueEntry> items = new ArrayList<>();
    for (CatalogueEntry e : catalogue.entries()) {
      if (e.validOn(discharge)) {
        items.add(e);
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    claims = new Claim[CLAIMS];
    for (int c = 0; c < CLAIMS; c++) {
      List<ClaimLine> l = new ArrayList<>(lines);
      for (int i = 0; i < lines; i++) {
        CatalogueEntry item = items.get(random.nextInt(items.size()));
        long quantityE4 = (1 + random.nextInt(20)) * 10_000L;
        long priceE6 = (100 + random.nextInt(200_000)) * 10_000L;
        l.add(
            new ClaimLine(
                Integer.toString(i + 1),
                item.code(),
                item.name(),
                quantityE4,
                priceE6,
                Fen.quantityTimesPrice(quantityE4, priceE6)));
      }
      claims[c] =
          new Claim(
              "B-" + c,
              "44520219900101123X",
              "RESIDENT",
              "445202",
              "H44520200001",
              1 + c % 3,
              discharge.minusDays(9),
              discharge,
              l);
    }
    identities =
        List.of(Identity.confirmed(IdentityCategory.REGISTERED_POOR, LocalDate.of(2016, 1, 1)));
    ytd = new Accumulators(2018, 1_200_000, 100_000, 1, 0, 1, 800_000, 0, 300_000, 100_000);
  }

  @Benchmark
  public SettlementOutcome settle() {
    Claim claim = claims[next];
    next = (next + 1) % CLAIMS;
    return engine.settle(claim, identities, ytd);
  }
}
