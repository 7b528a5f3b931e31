package org.yizhan.gateway.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.gateway.config.CatalogueFiles;
import org.yizhan.gateway.config.PolicyFiles;

/**
 * The replay alone, on the engine: each side keeps its own year figures per person, an unconfirmed
 * identity counts as none, and persons are counted once per category.
 */
class ReplayTest {
  /** An A item of the shipped catalogue without a price cap. */
  static final String A_ITEM = "XA02BCK480C004010155909";

  static final Path POLICIES = Path.of("..", "config", "policies");

  static SettlementEngine engine() {
    PolicyBook book = PolicyFiles.load(POLICIES);
    Catalogue catalogue = CatalogueFiles.load(Path.of("..", "config", "catalogue"));
    return new SettlementEngine(book, catalogue);
  }

  static Policy candidate(String from, String to) throws IOException {
    String text = Files.readString(POLICIES.resolve("445200-RESIDENT-2018.yaml"));
    assertThat(text).contains(from);
    return PolicyFiles.parseDocument("candidate.yaml", text.replace(from, to));
  }

  /** A claim of 4000.00 of one A item at H2 (level 2), discharged on 2018-03-{day}. */
  static ReplayClaim claim(String person, int day, List<Identity> identities) {
    long fen = 400_000;
    Claim c =
        new Claim(
            person + "-" + day,
            person,
            "RESIDENT",
            "445202",
            "H44520200002",
            2,
            LocalDate.of(2018, 3, day - 1),
            LocalDate.of(2018, 3, day),
            List.of(new ClaimLine("1", A_ITEM, "", 10_000, fen * 10_000, fen)));
    return new ReplayClaim("s-" + person + "-" + day, c, identities, day);
  }

  static final List<Identity> SUBSISTENCE =
      List.of(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)));

  static final List<Identity> UNCONFIRMED =
      List.of(
          new Identity(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1), null, false, null));

  /**
   * Basic's annual cap lowered to 2700.00: in force each admission pays 2625.00 (= (4000 − 500) ×
   * 75%); under the candidate the second finds 2625.00 used and gets 75.00, so the candidate's own
   * year figures are the ones applied.
   */
  @Test
  void eachSide_keepsItsOwnYearFigures() throws IOException {
    Replay replay = new Replay(engine(), candidate("annualCap: 150000", "annualCap: 2700"), 10);
    replay.accept(claim("P", 10, List.of()));
    replay.accept(claim("P", 20, List.of()));

    Impact i = replay.finish();

    assertThat(i.inForce().basicFen()).isEqualTo(2 * 262_500);
    assertThat(i.candidate().basicFen()).isEqualTo(262_500 + 7_500);
    assertThat(i.persons()).isEqualTo(1);
    assertThat(i.worse()).isEqualTo(1);
    assertThat(i.largest()).hasSize(1);
    assertThat(i.largest().get(0).claimNo()).isEqualTo("P-20");
  }

  /** 低保's deductible halved: the confirmed 低保 gains, the unconfirmed one counts as none. */
  @Test
  void unconfirmedIdentity_countsAsNone_andGainsNothing() throws IOException {
    Replay replay =
        new Replay(
            engine(),
            candidate(
                "  SUBSISTENCE:        # 低保对象\n",
                "  SUBSISTENCE:        # 低保对象\n    basic: {deductibleFactor: 0.5}\n"),
            10);
    replay.accept(claim("S", 10, SUBSISTENCE));
    replay.accept(claim("S", 20, SUBSISTENCE));
    replay.accept(claim("U", 10, UNCONFIRMED));

    Impact i = replay.finish();

    assertThat(i.persons()).isEqualTo(3 - 1);
    assertThat(i.better()).isEqualTo(1);
    assertThat(i.worse()).isZero();
    assertThat(i.categories()).hasSize(2);
    Impact.CategoryFigures s = i.categories().get(0);
    assertThat(s.category()).isEqualTo(IdentityCategory.SUBSISTENCE);
    assertThat(s.persons()).isEqualTo(1);
    assertThat(s.inForce().claims()).isEqualTo(2);
    Impact.CategoryFigures none = i.categories().get(1);
    assertThat(none.category()).isNull();
    assertThat(none.persons()).isEqualTo(1);
    assertThat(none.inForce()).isEqualTo(none.candidate());
    // (4000 − 250) × 75% − (4000 − 500) × 75% = 187.50 more basic per admission
    assertThat(i.candidate().basicFen() - i.inForce().basicFen()).isEqualTo(2 * 18_750);
  }
}
