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
 * candidate, each side with its own year-to-date figures starting from zero at the period's start.
 * What comes out is an {@link Impact}.
 *
 * <p>Why two sets of year figures: a change of the deductible or of a cap moves what the next
 * admission of the same person finds already used; replaying each side on its own figures is what
 * settling the year again under that policy would give, not an estimate claim by claim.
 *
 * <p>Why from zero at the period's start: the replay reads the period's claims only. A period that
 * starts in the middle of a year therefore ignores what the person had used before it; a year
 * replayed from 1 January is exact. Claims must come grouped by person ({@link #accept} checks it),
 * so only one person's figures are held at a time: memory does not grow with the period.
 *
 * <p>Not thread-safe: one replay is fed by one thread.
 */
public final class Replay {
  private final SettlementEngine engine;
  private final Policy candidate;
  private final Impact.Tally tally;
  private String person;
  private final Map<Integer, Accumulators> inForceYtd = new HashMap<>();
  private final Map<Integer, Accumulators> candidateYtd = new HashMap<>();

  public Replay(SettlementEngine engine, Policy candidate, int largestChangesMax) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.candidate = Objects.requireNonNull(candidate, "candidate");
    this.tally = new Impact.Tally(largestChangesMax);
  }

  /** Replays one claim; claims of one person must come together, in settlement order. */
  public void accept(ReplayClaim rc) {
    Claim claim = rc.claim();
    if (!claim.personIdNo().equals(person)) {
      tally.personDone();
      person = claim.personIdNo();
      inForceYtd.clear();
      candidateYtd.clear();
    }
    int year = claim.year();
    Accumulators before = inForceYtd.computeIfAbsent(year, Accumulators::zero);
    Accumulators beforeCandidate = candidateYtd.computeIfAbsent(year, Accumulators::zero);
    Optional<Policy> inForce = engine.policyFor(claim);
    SettlementOutcome was =
        inForce.isEmpty()
            ? null
            : engine.settleUnder(inForce.get(), claim, rc.identities(), before);
    SettlementOutcome would =
        engine.settleUnder(candidate, claim, rc.identities(), beforeCandidate);
    Settlement a = was instanceof Settlement ? (Settlement) was : null;
    Settlement b = would instanceof Settlement ? (Settlement) would : null;
    if (a != null) {
      inForceYtd.put(year, before.plus(a.delta()));
    }
    if (b != null) {
      candidateYtd.put(year, beforeCandidate.plus(b.delta()));
    }
    tally.add(rc, a, b);
  }

  /** The figures of every claim accepted so far. */
  public Impact finish() {
    tally.personDone();
    person = null;
    return tally.impact();
  }
}
