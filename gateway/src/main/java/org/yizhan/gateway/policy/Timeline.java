package org.yizhan.gateway.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.config.PolicyFiles.Problem;

/**
 * The approved versions of one policy line in order of their start, and the rules a new version
 * must keep with them.
 *
 * <p>A line is a chain: each approved version governs from its {@code validFrom} until the day
 * before the next one starts, or its own {@code validTo} if that comes first. So a new version
 * <em>succeeds</em> the last one: it may start inside the last version's period (which then ends
 * the day before) or the day after it ends, but not on or before the last version's start (that
 * would rewrite a period some settlement may already have used: versions are succeeded, never
 * edited) and not later than the day after its end (a gap: days on which no policy would govern,
 * and every claim would be refused NO_POLICY). A line whose last version has already ended is
 * lapsed: claims of those days are refused today, so a new version may reopen it from any future
 * day.
 *
 * <p>Nothing may start today or earlier: today's claims may already be settled under the version in
 * force, and a settlement's version is never changed after the fact.
 */
final class Timeline {
  /** An approved version's period as written in its document. */
  record Period(long id, LocalDate validFrom, LocalDate validTo) {}

  private Timeline() {}

  /**
   * The problems of a version of {@code from}–{@code to} joining {@code approved} (the line's
   * approved versions, any order) on {@code today}; empty when it may.
   */
  static List<Problem> check(List<Period> approved, LocalDate from, LocalDate to, LocalDate today) {
    List<Problem> out = new ArrayList<>();
    if (!from.isAfter(today)) {
      out.add(
          new Problem(
              "validFrom",
              "must be after today ("
                  + today
                  + "): a version cannot start in the past or on a day that may already be"
                  + " settled"));
    }
    if (approved.isEmpty()) {
      return out;
    }
    Period last = approved.stream().max(Comparator.comparing(Period::validFrom)).orElseThrow();
    if (!from.isAfter(last.validFrom())) {
      out.add(
          new Problem(
              "validFrom",
              "overlaps approved version "
                  + last.id()
                  + " ("
                  + last.validFrom()
                  + " to "
                  + last.validTo()
                  + "): a new version must start after "
                  + last.validFrom()
                  + " and succeed it"));
    } else if (from.isAfter(last.validTo().plusDays(1)) && !last.validTo().isBefore(today)) {
      out.add(
          new Problem(
              "validFrom",
              "leaves a gap from "
                  + last.validTo().plusDays(1)
                  + " to "
                  + from.minusDays(1)
                  + " after approved version "
                  + last.id()
                  + " (which ends "
                  + last.validTo()
                  + "); start on "
                  + last.validTo().plusDays(1)
                  + " or earlier"));
    }
    return out;
  }

  /**
   * The line's approved policies as they govern: each ends the day before its successor starts (or
   * at its own end, if earlier). {@code policies} are one line's, any order.
   */
  static List<Policy> effective(List<Policy> policies) {
    List<Policy> sorted = new ArrayList<>(policies);
    sorted.sort(Comparator.comparing(Policy::validFrom));
    List<Policy> out = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      Policy p = sorted.get(i);
      if (i + 1 < sorted.size()) {
        LocalDate before = sorted.get(i + 1).validFrom().minusDays(1);
        if (before.isBefore(p.validTo())) {
          p = endingOn(p, before);
        }
      }
      out.add(p);
    }
    return out;
  }

  static Policy endingOn(Policy p, LocalDate last) {
    return new Policy(
        p.id(),
        p.validFrom(),
        last,
        p.basic(),
        p.criticalIllness(),
        p.assistance(),
        p.identities(),
        p.overallCapRatio(),
        p.unknownItems());
  }
}
