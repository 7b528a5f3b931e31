package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.fixtures.TestCatalogue;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.FundPayment;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;

/** The engine's invariants over random claims, identities, histories and policies. */
class SettlementPropertiesTest {
  static final LocalDate YEAR_START = LocalDate.of(2018, 1, 1);

  @Property
  void settle_amountsAddUpAndNoLayerPaysMoreThanItsBase(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll("histories") Accumulators ytd,
      @ForAll("claims") Claim claim) {
    Settlement s = settle(policy, identities, ytd, claim);

    assertThat(s.fullOwnPayFen() + s.overLimitFen() + s.preSelfPayFen() + s.inScopeFen())
        .isEqualTo(s.totalFen());
    assertThat(s.fundPayFen() + s.personalPayFen()).isEqualTo(s.totalFen());
    assertThat(s.personalPayFen()).isNotNegative();
    for (FundPayment f : s.funds()) {
      assertThat(f.paidFen()).isNotNegative().isLessThanOrEqualTo(f.baseFen());
    }
    boolean includesPre =
        policy.criticalIllness().includePreSelfPay() || policy.assistance().includePreSelfPay();
    assertThat(s.fundPayFen())
        .isLessThanOrEqualTo(s.inScopeFen() + (includesPre ? s.preSelfPayFen() : 0));
    if (policy.overallCapRatio() != null) {
      assertThat(s.fundPayFen())
          .isLessThanOrEqualTo(Fen.times(s.totalFen(), policy.overallCapRatio()));
    }
  }

  @Property(tries = 200)
  void settle_sameInput_sameSettlement(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll("histories") Accumulators ytd,
      @ForAll("claims") Claim claim) {
    assertThat(settle(policy, identities, ytd, claim))
        .isEqualTo(settle(policy, identities, ytd, claim));
  }

  @Property
  void settle_unconfirmedIdentitiesChangeNothing(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll("histories") Accumulators ytd,
      @ForAll("claims") Claim claim) {
    List<Identity> confirmed = identities.stream().filter(Identity::confirmed).toList();

    assertThat(settle(policy, identities, ytd, claim))
        .isEqualTo(settle(policy, confirmed, ytd, claim));
  }

  @Property
  void settle_liftedOutRegisteredPoorKeepsTiltsButDrawsNoAssistance(
      @ForAll("policies") Policy policy,
      @ForAll("histories") Accumulators ytd,
      @ForAll("claims") Claim claim,
      @ForAll @IntRange(min = 0, max = 400) int liftedDaysBeforeDischarge) {
    LocalDate discharge = claim.dischargeDate();
    Identity lifted =
        new Identity(
            IdentityCategory.REGISTERED_POOR,
            YEAR_START.minusYears(2),
            null,
            true,
            discharge.minusDays(liftedDaysBeforeDischarge));
    Identity kept = Identity.confirmed(IdentityCategory.REGISTERED_POOR, YEAR_START.minusYears(2));

    Settlement withLifted = settle(policy, List.of(lifted), ytd, claim);
    Settlement withKept = settle(policy, List.of(kept), ytd, claim);

    assertThat(withLifted.assistance().paidFen()).isZero();
    assertThat(withLifted.assistanceIdentity()).isNull();
    assertThat(withLifted.actDeductibleFen()).isEqualTo(withKept.actDeductibleFen());
    assertThat(withLifted.delta().ciBaseFen()).isEqualTo(withKept.delta().ciBaseFen());
    if (policy.overallCapRatio() == null) {
      // with a ceiling, the assistance the kept identity draws may trim the other layers
      assertThat(withLifted.basic()).isEqualTo(withKept.basic());
      assertThat(withLifted.criticalIllness()).isEqualTo(withKept.criticalIllness());
    }
  }

  @Property(tries = 200)
  void settleAYear_accumulatorsNeverPassACap(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll @Size(min = 1, max = 8) List<@From("claims") Claim> claims) {
    Accumulators ytd = Accumulators.zero(2018);
    for (Claim claim : claims) {
      ytd = ytd.plus(settle(policy, identities, ytd, claim).delta());
      assertThat(ytd.basicPaidFen()).isLessThanOrEqualTo(policy.basic().annualCapFen());
      boolean capRemoved =
          identities.stream().anyMatch(i -> policy.rulesFor(i.category()).ciCapRemoved());
      Long ciCap = policy.criticalIllness().annualCapFen();
      if (!capRemoved && ciCap != null) {
        assertThat(ytd.ciPaidFen()).isLessThanOrEqualTo(ciCap);
      }
      long maLimit = 0;
      for (Identity i : identities) {
        var terms = policy.rulesFor(i.category()).assistance();
        if (terms != null) {
          maLimit =
              terms.annualLimitFen() == null
                  ? Long.MAX_VALUE
                  : Math.max(maLimit, terms.annualLimitFen());
        }
      }
      assertThat(ytd.maPaidFen()).isLessThanOrEqualTo(maLimit);
    }
  }

  @Property(tries = 200)
  void settleThenReverse_returnsTheFiguresExactly(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll @Size(min = 1, max = 8) List<@From("claims") Claim> claims,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 7) Integer> reversals) {
    Accumulators ytd = Accumulators.zero(2018);
    List<Settlement> settled = new ArrayList<>();
    for (Claim claim : claims) {
      Settlement s = settle(policy, identities, ytd, claim);
      settled.add(s);
      ytd = ytd.plus(s.delta());
    }
    boolean[] reversed = new boolean[settled.size()];
    for (int r : reversals) {
      int i = r % settled.size();
      if (!reversed[i]) {
        reversed[i] = true;
        ytd = ytd.plus(settled.get(i).reversalDelta());
      }
    }
    Accumulators expected = Accumulators.zero(2018);
    for (int i = 0; i < settled.size(); i++) {
      if (!reversed[i]) {
        expected = expected.plus(settled.get(i).delta());
      }
    }
    assertThat(ytd).isEqualTo(expected);
  }

  @Property
  void splitAdmissions_criticalIllnessTotalMovesAtMostOneFenPerAdmission(
      @ForAll("policies") Policy policy,
      @ForAll("identities") List<Identity> identities,
      @ForAll @Size(min = 1, max = 12) List<@From("bases") Long> parts) {
    Benefits b = Benefits.of(policy, identities, LocalDate.of(2018, 6, 30));
    long whole = 0;
    long split = 0;
    long yearBase = 0;
    long total = parts.stream().mapToLong(Long::longValue).sum();
    whole = ciPay(policy, b, 0, 0, total);
    long paidSoFar = 0;
    for (long part : parts) {
      long paid = ciPay(policy, b, yearBase, paidSoFar, part);
      split += paid;
      paidSoFar += paid;
      yearBase += part;
    }
    assertThat(Math.abs(whole - split)).isLessThanOrEqualTo(parts.size());
  }

  private static long ciPay(Policy p, Benefits b, long yearBase, long yearPaid, long base) {
    Accumulators ytd = new Accumulators(2018, 0, 0, 0, 0, 0, yearBase, yearPaid, 0, 0);
    return CriticalIllnessLayer.pay(p.criticalIllness(), base, 0, 0, b, ytd).paidFen();
  }

  private static Settlement settle(
      Policy policy, List<Identity> identities, Accumulators ytd, Claim claim) {
    SettlementOutcome o =
        SettlementEngine.settle(claim, policy, TestCatalogue.catalogue(), identities, ytd, null);
    assertThat(o).isInstanceOf(Settlement.class);
    return (Settlement) o;
  }

  @Provide
  Arbitrary<Policy> policies() {
    ReferencePolicy.Builder switches = ReferencePolicy.builder();
    switches.ciIncludePreSelfPay = true;
    switches.maIncludePreSelfPay = true;
    ReferencePolicy.Builder ceiling = ReferencePolicy.builder();
    ceiling.overallCapRatio = Ratio.parse("0.85");
    ceiling.ciAnnualCap = null;
    ReferencePolicy.Builder tight = ReferencePolicy.builder();
    tight.basicAnnualCap = Fen.parse("20000.00");
    tight.ciAnnualCap = Fen.parse("15000.00");
    tight.ciIncludePreSelfPay = true;
    return Arbitraries.of(
        ReferencePolicy.policy(), switches.build(), ceiling.build(), tight.build());
  }

  @Provide
  Arbitrary<List<Identity>> identities() {
    Arbitrary<Identity> one =
        Combinators.combine(
                Arbitraries.of(IdentityCategory.class),
                Arbitraries.integers().between(-400, 360),
                Arbitraries.integers().between(0, 800).injectNull(0.5),
                Arbitraries.of(true, true, true, false),
                Arbitraries.integers().between(-100, 400).injectNull(0.7))
            .as(
                (category, fromDay, lengthDays, confirmed, liftedDay) ->
                    new Identity(
                        category,
                        YEAR_START.plusDays(fromDay),
                        lengthDays == null ? null : YEAR_START.plusDays(fromDay + lengthDays),
                        confirmed,
                        category == IdentityCategory.REGISTERED_POOR && liftedDay != null
                            ? YEAR_START.plusDays(liftedDay)
                            : null));
    return one.list().ofMaxSize(3);
  }

  @Provide
  Arbitrary<Accumulators> histories() {
    Arbitrary<Long> fen = Arbitraries.longs().between(0, Fen.parse("400000.00"));
    Arbitrary<Integer> count = Arbitraries.integers().between(0, 3);
    return Combinators.combine(fen, fen, count, count, count, fen, fen, fen)
        .as(
            (basic, ded, l1, l2, l3, ciBase, ciPaid, maBase) ->
                new Accumulators(
                    2018,
                    Math.min(basic, Fen.parse("150000.00")),
                    ded,
                    l1,
                    l2,
                    l3,
                    ciBase,
                    Math.min(ciPaid, Fen.parse("300000.00")),
                    maBase,
                    maBase / 2));
  }

  @Provide
  Arbitrary<Long> bases() {
    return Arbitraries.longs().between(0, Fen.parse("200000.00"));
  }

  @Provide
  Arbitrary<Claim> claims() {
    Arbitrary<ClaimLine> line =
        Combinators.combine(
                Arbitraries.of(
                    TestCatalogue.A,
                    TestCatalogue.B20,
                    TestCatalogue.B10,
                    TestCatalogue.C,
                    TestCatalogue.A_CAPPED,
                    TestCatalogue.B_CAPPED,
                    TestCatalogue.B_THEN_A,
                    TestCatalogue.UNKNOWN),
                Arbitraries.longs().between(1, 500_000),
                Arbitraries.longs().between(0, 20_000_000_000L).edgeCases(c -> c.add(100_000_000L)))
            .as(
                (code, qty, price) ->
                    new ClaimLine("", code, code, qty, price, Fen.quantityTimesPrice(qty, price)));
    return Combinators.combine(
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 364),
            line.list().ofMinSize(1).ofMaxSize(40))
        .as(
            (level, day, lines) -> {
              List<ClaimLine> numbered = new ArrayList<>(lines.size());
              for (int i = 0; i < lines.size(); i++) {
                ClaimLine l = lines.get(i);
                numbered.add(
                    new ClaimLine(
                        String.valueOf(i + 1),
                        l.itemCode(),
                        l.itemName(),
                        l.quantityE4(),
                        l.unitPriceE6(),
                        l.amountFen()));
              }
              LocalDate discharge = YEAR_START.plusDays(day);
              return new Claim(
                  "P-" + day,
                  "445202199001011234",
                  "RESIDENT",
                  "445202",
                  "H1",
                  level,
                  discharge.minusDays(7),
                  discharge,
                  numbered);
            });
  }
}
