package org.yizhan.core.model;

/**
 * The poor-people identities civil affairs confirms. The declaration order is the tie order of the
 * rules: when two identities would pay the same assistance, the earlier one is recorded as paying.
 */
public enum IdentityCategory {
  /** 特困人员. */
  DESTITUTE("特困人员"),
  /** 低保对象. */
  SUBSISTENCE("低保对象"),
  /** 建档立卡贫困人口; may be marked lifted out of poverty (标注脱贫). */
  REGISTERED_POOR("建档立卡贫困人口"),
  /** 因病致贫返贫. */
  ILLNESS_POOR("因病致贫返贫");

  private final String chineseName;

  IdentityCategory(String chineseName) {
    this.chineseName = chineseName;
  }

  public String chineseName() {
    return chineseName;
  }
}
