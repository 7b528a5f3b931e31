package org.yizhan.gateway.coverage;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.yizhan.core.model.IdentityCategory;

/**
 * A policy year's individual contribution to the resident scheme in one insurance region, and the
 * share of it the government pays per identity category (资助参保).
 *
 * @param policyYear the contribution year (缴费年度)
 * @param admdvs the insurance region (参保地)
 * @param contributionFen the individual contribution, fen (more than 0)
 * @param shares the government's share per category; a category absent gets no subsidy
 * @param recordedAt when it was recorded, or null for one not yet stored
 * @param recordedBy who recorded it, or null for one not yet stored
 */
public record ContributionStandard(
    int policyYear,
    String admdvs,
    long contributionFen,
    Map<IdentityCategory, SubsidyShare> shares,
    Instant recordedAt,
    String recordedBy) {

  /** The largest contribution accepted, fen (100,000 yuan: far above any resident scheme). */
  public static final long MAX_CONTRIBUTION_FEN = 10_000_000L;

  public ContributionStandard {
    if (policyYear < 1990 || policyYear > 2200) {
      throw new IllegalArgumentException("policy year out of range: " + policyYear);
    }
    if (admdvs == null || !Regions.CODE.matcher(admdvs).matches()) {
      throw new IllegalArgumentException("not a region code: " + admdvs);
    }
    if (contributionFen <= 0 || contributionFen > MAX_CONTRIBUTION_FEN) {
      throw new IllegalArgumentException("contribution out of range: " + contributionFen + " fen");
    }
    Objects.requireNonNull(shares, "shares");
    shares = shares.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(shares));
  }

  /**
   * What the government pays for a person holding {@code categories}: the largest share of them (a
   * person who is both 特困 and 建档立卡 is subsidised as 特困), 0 when none is subsidised.
   */
  public Subsidy subsidyFor(Collection<IdentityCategory> categories) {
    IdentityCategory paying = null;
    long best = 0;
    for (IdentityCategory c : IdentityCategory.values()) {
      SubsidyShare s = shares.get(c);
      if (s == null || !categories.contains(c)) {
        continue;
      }
      long fen = s.subsidyFen(contributionFen);
      if (paying == null || fen > best) {
        paying = c;
        best = fen;
      }
    }
    return new Subsidy(paying, contributionFen, best);
  }

  /**
   * One person's subsidy: the category that pays it (null for none), the contribution, the
   * government's part and the person's.
   */
  public record Subsidy(IdentityCategory category, long contributionFen, long subsidyFen) {
    public Subsidy {
      if (subsidyFen < 0 || subsidyFen > contributionFen) {
        throw new IllegalArgumentException(
            "subsidy " + subsidyFen + " outside 0.." + contributionFen + " fen");
      }
    }

    /** What the person pays themselves, fen. */
    public long paidByPersonFen() {
      return contributionFen - subsidyFen;
    }
  }
}
