package org.yizhan.gateway.simulation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;

/**
 * The replay itself, pure: a period's claims, in settlement order per person, each settled twice on
 * the engine, once under the policy the book holds for it (the version in force) and once under the
 * candidate, each side with its own year-to-date figures (the lines priced once for both: {@link
 * SettlementEngine#settleUnderBoth}). What comes out is an {@link Impact}.
 *
 * <p>Why two sets of year figures: a change of the deductible or of a cap moves what the next
 * admission of the same person finds already used; replaying each side on its own figures is what
 * settling the year again under that policy would give, not an estimate claim by claim.
 *
 * <p>Where the year figures start: at zero on 1 January, plus, for a period that starts later, the
 * stored deltas of the person's settlements of that year before the period ({@link Replayed.Prior},
 * which come before the person's first claim): both sides start the period from what the person had
 * really used, as the candidate would if it took effect on the period's first day. Claims must come
 * grouped by person ({@link #accept} switches when the person changes), so only one person's
 * figures are held at a time: memory does not grow with the period.
 *
 * <p>Prepayment accounts (when given): a claim whose office has no account at its hospital gets no
 * assistance on either side, as a settlement gets none ({@code NO_PREPAYMENT_ACCOUNT}); the
 * balances themselves are played after the replay ({@link Accounts}).
 *
 * <p>Not thread-safe: one replay is fed by one thread.
 */
public final class Replay {
  /** The reason a settlement without an account gets no assistance (SettlementStore's). */
  static final String NO_PREPAYMENT_ACCOUNT = "NO_PREPAYMENT_ACCOUNT";

  private final SettlementEngine engine;
  private final Policy candidate;
  private final Accounts accounts;
  private final Impact.Tally tally;
  private String person;
  private final Map<Integer, Accumulators> inForceYtd = new HashMap<>();
  private final Map<Integer, Accumulators> candidateYtd = new HashMap<>();

  /** A replay of the rules alone: no prepayment accounts, no balances. */
  public Replay(SettlementEngine engine, Policy candidate, int largestChangesMax) {
    this(engine, candidate, largestChangesMax, null);
  }

  /**
   * @param accounts the region's prepayment accounts as the period found them, or null to leave
   *     accounts out
   */
  public Replay(
      SettlementEngine engine, Policy candidate, int largestChangesMax, Accounts accounts) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.candidate = Objects.requireNonNull(candidate, "candidate");
    this.accounts = accounts;
    this.tally = new Impact.Tally(largestChangesMax, accounts);
  }

  /** Takes the next row of the read; a person's rows must come together, in settlement order. */
  public void accept(Replayed r) {
    if (!r.personIdNo().equals(person)) {
      tally.personDone();
      person = r.personIdNo();
      inForceYtd.clear();
      candidateYtd.clear();
    }
    if (r instanceof Replayed.Prior p) {
      int year = p.delta().year();
      inForceYtd.put(year, ytd(inForceYtd, year).plus(p.delta()));
      candidateYtd.put(year, ytd(candidateYtd, year).plus(p.delta()));
      return;
    }
    ReplayClaim rc = (ReplayClaim) r;
    Claim claim = rc.claim();
    int year = claim.year();
    Accumulators before = ytd(inForceYtd, year);
    Accumulators beforeCandidate = ytd(candidateYtd, year);
    Optional<Policy> inForce = engine.policyFor(claim);
    SettlementOutcome[] both =
        engine.settleUnderBoth(
            inForce.orElse(null), before, candidate, beforeCandidate, claim, rc.identities());
    Settlement a = settled(both[0], claim);
    Settlement b = settled(both[1], claim);
    if (a != null) {
      inForceYtd.put(year, before.plus(a.delta()));
    }
    if (b != null) {
      candidateYtd.put(year, beforeCandidate.plus(b.delta()));
    }
    tally.add(rc, a, b);
  }

  private static Accumulators ytd(Map<Integer, Accumulators> figures, int year) {
    Accumulators a = figures.get(year);
    return a != null ? a : Accumulators.zero(year);
  }

  /** The settlement (null if refused), without assistance when its office has no account there. */
  private Settlement settled(SettlementOutcome outcome, Claim claim) {
    if (!(outcome instanceof Settlement s)) { // refused, or no version in force (null)
      return null;
    }
    if (accounts != null
        && s.assistance().paidFen() > 0
        && accounts.indexOf(claim.officeCode(), claim.hospitalCode()) < 0) {
      return s.withAssistanceRefused(NO_PREPAYMENT_ACCOUNT);
    }
    return s;
  }

  /** The figures of every claim accepted so far. */
  public Impact finish() {
    tally.personDone();
    person = null;
    return tally.impact();
  }
}
