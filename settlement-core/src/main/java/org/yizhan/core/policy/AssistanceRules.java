package org.yizhan.core.policy;

/**
 * Civil-affairs medical assistance (民政医疗救助, rules §5), the parts common to all identities; each
 * identity's own terms are in {@link IdentityRules#assistance()}.
 *
 * @param fundCode the national fund code, e.g. 610100
 * @param includePreSelfPay whether the base includes the B items' pre-self-pay share
 */
public record AssistanceRules(String fundCode, boolean includePreSelfPay) {
  public AssistanceRules {
    PolicyChecks.fundCode(fundCode, "fundCode");
  }
}
