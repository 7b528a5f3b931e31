package org.yizhan.gateway.nhsa;

/**
 * The national dictionary codes the door answers for what the gateway's rooms keep in their own
 * terms: one place, so 1101's insuinfo and 2303/2304/2305's setlinfo never disagree about a person.
 *
 * <p><b>psn_type (人员类别).</b> The platform's dictionary (as HIS clients carry it, e.g. an {@code
 * EnumRylb} of the national codes) has two-digit classes refined to four digits: 11 在职 (1101 职工在职,
 * 1102 公务员在职, 1103 灵活就业人员在职), 12 退休, 13 离休, 14 居民（未成年） (1401 新生儿, 1402 学龄前儿童, 1403 中小学生, 1404 大学生,
 * 1405 未成年（未入学）), 15 居民（成年） (1501 普通居民（成年）), 16 居民（老年）. The insured register knows the scheme (310
 * employees, 390 residents) and, from the ID number, the age, nothing finer: an employee is
 * answered 1101 (the register has no retirees apart), an adult resident 1501, a resident under 18
 * the class 14 (newborn, pre-school, pupil or student cannot be told apart). The register's storage
 * is not changed: this is a translation at the door.
 *
 * <p><b>naty (民族).</b> GB 3304's codes (01 汉族 … 56 基诺族, 97 其他, 98 外国血统中国籍人士); the register holds no
 * ethnicity, so the answer is 99, the code the platform itself answers for a person whose ethnicity
 * it does not hold (its person records show {@code naty 99}), never a made-up 01.
 */
final class NationalCodes {
  /** naty of a person whose ethnicity is not held. */
  static final String NATY_UNKNOWN = "99";

  /** psn_type of an employee in work (职工在职). */
  static final String PSN_TYPE_EMPLOYEE = "1101";

  /** psn_type of an adult resident (普通居民（成年）). */
  static final String PSN_TYPE_ADULT_RESIDENT = "1501";

  /** psn_type of a resident under 18 (the class 居民（未成年）). */
  static final String PSN_TYPE_MINOR_RESIDENT = "14";

  /** Age from which a resident is an adult, years. */
  static final int ADULT_AGE_YEARS = 18;

  private NationalCodes() {}

  /**
   * @param insutype 310 (employees) or 390 (residents)
   * @param ageYears whole years on the day the answer is about, or a negative number when unknown
   *     (answered as an adult)
   */
  static String psnType(String insutype, int ageYears) {
    if ("310".equals(insutype)) {
      return PSN_TYPE_EMPLOYEE;
    }
    return ageYears >= 0 && ageYears < ADULT_AGE_YEARS
        ? PSN_TYPE_MINOR_RESIDENT
        : PSN_TYPE_ADULT_RESIDENT;
  }
}
