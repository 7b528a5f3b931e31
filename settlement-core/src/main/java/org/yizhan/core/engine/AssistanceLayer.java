package org.yizhan.core.engine;

import java.util.Map;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.AssistanceRules;
import org.yizhan.core.policy.AssistanceTerms;

/**
 * Layer 3, civil-affairs medical assistance (rules §5): on what the insurances left, above an
 * annual deductible, at the most favourable qualifying identity's ratio, within its annual limit.
 *
 * <p>The base is counted into the year's figures whether or not anything is paid, so that a person
 * who becomes eligible mid-year has the year's burden already set against the deductible. A base
 * that a switch makes negative (critical illness including the pre-self-pay share while assistance
 * does not) counts as zero.
 */
final class AssistanceLayer {
  private AssistanceLayer() {}

  /**
   * @param baseFen this admission's base (maBase)
   * @param paidFen the payment
   * @param identity the identity paid under, or {@code null} when nothing is paid
   * @param roomFen the annual room left after it, or {@code null} when the identity has no limit
   * @param trace the steps
   */
  record Result(long baseFen, long paidFen, IdentityCategory identity, Long roomFen, Trace trace) {}

  static Result pay(
      AssistanceRules rules,
      long inScopeFen,
      long preSelfPayFen,
      long basicPaidFen,
      long ciPaidFen,
      Benefits benefits,
      Accumulators ytd) {
    Trace trace = new Trace();
    long base =
        Fen.pos(
            inScopeFen
                + (rules.includePreSelfPay() ? preSelfPayFen : 0)
                - basicPaidFen
                - ciPaidFen);
    trace.step("base ").yuan(base).step("year base before ").yuan(ytd.maBaseFen());
    if (benefits.assistanceTerms().isEmpty()) {
      trace.step("no confirmed assistance identity in force").step("pay 0.00");
      return new Result(base, 0, null, 0L, trace);
    }
    long best = 0;
    IdentityCategory bestIdentity = null;
    long bestRoom = 0;
    boolean bestUnlimited = false;
    for (Map.Entry<IdentityCategory, AssistanceTerms> e : benefits.assistanceTerms().entrySet()) {
      AssistanceTerms terms = e.getValue();
      long remainingDeductible = Fen.pos(terms.deductibleFen() - ytd.maBaseFen());
      long raw = Fen.times(Fen.pos(base - remainingDeductible), terms.ratio());
      boolean unlimited = terms.annualLimitFen() == null;
      long left = unlimited ? Long.MAX_VALUE : Fen.pos(terms.annualLimitFen() - ytd.maPaidFen());
      long pay = Math.min(raw, left);
      trace.step(e.getKey().name()).words(": (").yuan(base).words(" - deductible left ");
      trace.yuan(remainingDeductible).words(") x ").percent(terms.ratio()).words(" = ").yuan(raw);
      if (unlimited) {
        trace.words(", no limit");
      } else {
        trace.words(", limit left ").yuan(left);
      }
      trace.words(" -> ").yuan(pay);
      if (bestIdentity == null || pay > best) {
        best = pay;
        bestIdentity = e.getKey();
        bestRoom = unlimited ? 0 : left - pay;
        bestUnlimited = unlimited;
      }
    }
    trace.step("pay ").yuan(best);
    if (best > 0) {
      trace.words(" as ").words(bestIdentity.name());
    }
    return new Result(
        base, best, best > 0 ? bestIdentity : null, bestUnlimited ? null : bestRoom, trace);
  }
}
