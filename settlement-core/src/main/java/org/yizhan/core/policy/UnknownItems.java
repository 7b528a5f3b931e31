package org.yizhan.core.policy;

/**
 * What to do with a bill line whose item code has no catalogue entry on the discharge date (rules
 * §1: such a code counts as C). A mistyped code would otherwise make the patient pay the whole line
 * with nothing to show for it, so the line is always flagged; this chooses whether the claim goes
 * through.
 */
public enum UnknownItems {
  /** Price the line as C (the patient pays it in full) and flag it in the answer. The default. */
  SELF_PAY,
  /** Refuse the claim with {@code UNKNOWN_ITEM}, naming the first such line. */
  REFUSE
}
