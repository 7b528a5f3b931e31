package org.yizhan.core.engine;

import java.util.ArrayList;
import java.util.List;
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
  record Result(
      long baseFen, long paidFen, IdentityCategory identity, Long roomFen, List<String> trace) {}

  static Result pay(
      AssistanceRules rules,
      long inScopeFen,
      long preSelfPayFen,
      long basicPaidFen,
      long ciPaidFen,
      Benefits benefits,
      Accumulators ytd) {
    List<String> trace = new ArrayList<>(4);
    long base =
        Fen.pos(
            inScopeFen
                + (rules.includePreSelfPay() ? preSelfPayFen : 0)
                - basicPaidFen
                - ciPaidFen);
    StringBuilder b = new StringBuilder(96).append("base ");
    Fen.appendTo(b, base);
    b.append(", year base before ");
    Fen.appendTo(b, ytd.maBaseFen());
    trace.add(b.toString());
    if (benefits.assistanceTerms().isEmpty()) {
      trace.add("no confirmed assistance identity in force → pay 0.00");
      return new Result(base, 0, null, 0L, trace);
    }
    long best = 0;
    IdentityCategory bestIdentity = null;
    Long bestRoom = null;
    boolean first = true;
    for (Map.Entry<IdentityCategory, AssistanceTerms> e : benefits.assistanceTerms().entrySet()) {
      AssistanceTerms terms = e.getValue();
      long remainingDeductible = Fen.pos(terms.deductibleFen() - ytd.maBaseFen());
      long raw = Fen.times(Fen.pos(base - remainingDeductible), terms.ratio());
      Long left =
          terms.annualLimitFen() == null ? null : Fen.pos(terms.annualLimitFen() - ytd.maPaidFen());
      long pay = left == null ? raw : Math.min(raw, left);
      trace.add(step(e.getKey(), terms, remainingDeductible, base, raw, left, pay));
      if (first || pay > best) {
        best = pay;
        bestIdentity = e.getKey();
        bestRoom = left == null ? null : left - pay;
        first = false;
      }
    }
    StringBuilder c = new StringBuilder(64).append("→ pay ");
    Fen.appendTo(c, best);
    if (best > 0) {
      c.append(" as ").append(bestIdentity);
    }
    trace.add(c.toString());
    return new Result(base, best, best > 0 ? bestIdentity : null, bestRoom, trace);
  }

  private static String step(
      IdentityCategory identity,
      AssistanceTerms terms,
      long remainingDeductible,
      long base,
      long raw,
      Long left,
      long pay) {
    StringBuilder s = new StringBuilder(128).append(identity.name()).append(": (");
    Fen.appendTo(s, base);
    s.append(" − deductible left ");
    Fen.appendTo(s, remainingDeductible);
    s.append(") × ").append(terms.ratio().toPercentString()).append(" = ");
    Fen.appendTo(s, raw);
    if (left == null) {
      s.append(", no limit");
    } else {
      s.append(", limit left ");
      Fen.appendTo(s, left);
    }
    s.append(" → ");
    Fen.appendTo(s, pay);
    return s.toString();
  }
}
