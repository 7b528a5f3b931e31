package org.yizhan.load.sim;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.yizhan.load.Claims;
import org.yizhan.load.LoadConfig;
import org.yizhan.load.Population;
import org.yizhan.load.Population.Person;

/**
 * The hospitals' everyday traffic as an open workload: requests arrive at {@code rate} per second
 * whatever the gateway's speed (as discharges do), for {@code duration} seconds. Each arrival is
 * one call: 60% settle a claim, 25% preview one, 10% read (a settlement made earlier in the run, or
 * a person's year figures), 5% reverse a settlement made earlier in the run (settling one first
 * when there is none yet). Claims are those of {@link Claims} for persons of {@link Population}
 * (about 15% poor), at the hospitals of every given key (three levels by default), so a person is
 * admitted several times in the year.
 *
 * <p>{@code -DsettlePercent} changes the share of settlements (default 60); the other calls keep
 * their proportions (25:10:5) in the rest. At 100 every arrival settles: bench.sh's settle-only
 * step, which measures the CPU per settlement.
 *
 * <p>Request names: {@code settle}, {@code preview}, {@code read settlement}, {@code read figures},
 * {@code reverse}; bench.sh reads the {@code settle} figures.
 */
public class SettlementMix extends Windowed {
  private final LoadConfig config = LoadConfig.fromSystemProperties();
  private final Population population = config.population();
  private final Claims claims = new Claims(config.catalogue(), Claims.runPrefix("MIX"));
  private final Hospital hospital = new Hospital(config);
  private final Settled settled = new Settled();

  private Hospital.Call claim(String path) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Person p = population.person(r.nextInt(population.size()));
    return new Hospital.Call(r.nextInt(hospital.count()), path, claims.claimBytes(p), p.idNo());
  }

  /**
   * Settles a claim and saves the settlement's id under {@code idKey}. The settlement is made when
   * the answer is 201 (200 for a replay) and its {@code Location} names the settlement (the gateway
   * sends both only after the commit), so the check reads that header and not the body, which
   * Gatling then drops unread instead of parsing it as JSON for every settlement. The person is the
   * one the claim was for (kept by {@link Hospital}).
   */
  private ChainBuilder settle(String idKey) {
    return hospital
        .signed(
            "settle",
            "POST",
            s -> claim("/api/v1/settlements"),
            status().in(200, 201),
            headerRegex("Location", SETTLEMENT_LOCATION).saveAs(idKey))
        .exec(
            s -> {
              if (idKey.equals("sid")) {
                settled.add(s.getInt("yzHospital"), s.getString("sid"), s.getString("yzPerson"));
              }
              return s;
            });
  }

  /** The {@code Location} of a settlement made; its one group is the settlement's id. */
  static final String SETTLEMENT_LOCATION =
      "^/api/v1/settlements/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$";

  /** The body of a reversal, encoded once. */
  private static final byte[] REVERSAL =
      "{\"reason\":\"load test reversal\"}".getBytes(StandardCharsets.UTF_8);

  private final ChainBuilder preview =
      hospital.signed(
          "preview", "POST", s -> claim("/api/v1/settlements/preview"), status().is(200));

  /**
   * A hospital reads one of its settlements, or the year figures of the person it settled (a
   * hospital sees a person's figures only while it treats them); nothing before the first
   * settlement.
   */
  private final ChainBuilder read =
      exec(s -> {
            Settled.Entry e = settled.any();
            return e == null
                ? s.remove("readId")
                : s.set("readId", e.settlementId())
                    .set("readHospital", e.hospital())
                    .set("readPerson", e.personIdNo());
          })
          .doIf(s -> s.contains("readId"))
          .then(
              randomSwitch()
                  .on(
                      percent(50.0)
                          .then(
                              hospital.signed(
                                  "read settlement",
                                  "GET",
                                  s ->
                                      new Hospital.Call(
                                          s.getInt("readHospital"),
                                          "/api/v1/settlements/" + s.getString("readId"),
                                          null),
                                  status().is(200))),
                      percent(50.0)
                          .then(
                              hospital.signed(
                                  "read figures",
                                  "GET",
                                  s ->
                                      new Hospital.Call(
                                          s.getInt("readHospital"),
                                          "/api/v1/persons/"
                                              + s.getString("readPerson")
                                              + "/accumulators/2018",
                                          null),
                                  status().is(200)))));

  private final ChainBuilder reverse =
      exec(s -> {
            Settled.Entry e = settled.take();
            return e == null
                ? s.remove("revId")
                : s.set("revId", e.settlementId()).set("revHospital", e.hospital());
          })
          .doIf(s -> !s.contains("revId"))
          .then(settle("revId").exec(s -> s.set("revHospital", s.getInt("yzHospital"))))
          .exec(
              hospital.signed(
                  "reverse",
                  "POST",
                  s ->
                      new Hospital.Call(
                          s.getInt("revHospital"),
                          "/api/v1/settlements/" + s.getString("revId") + "/reversal",
                          REVERSAL),
                  status().is(200),
                  jsonPath("$.status").is("REVERSED")));

  /** Percent of arrivals that settle, 1–100 ({@code -DsettlePercent}, default 60). */
  private final double settlePercent = settlePercent(System.getProperty("settlePercent", "60"));

  private final ScenarioBuilder mix =
      settlePercent == 100.0
          ? scenario("SettlementMix").exec(settle("sid"))
          : scenario("SettlementMix")
              .randomSwitch()
              .on(
                  percent(settlePercent).then(settle("sid")),
                  percent((100.0 - settlePercent) * 25 / 40).then(preview),
                  percent((100.0 - settlePercent) * 10 / 40).then(read),
                  percent((100.0 - settlePercent) * 5 / 40).then(reverse));

  static double settlePercent(String given) {
    double p = Double.parseDouble(given);
    if (!(p >= 1 && p <= 100)) {
      throw new IllegalArgumentException("settlePercent must be 1..100: " + given);
    }
    return p;
  }

  {
    setUp(
            mix.injectOpen(
                constantUsersPerSec(config.ratePerSecond())
                    .during(Duration.ofSeconds(config.durationSeconds()))))
        .protocols(Hospital.protocol(config))
        .assertions(Bounds.of(config));
  }
}
