package org.yizhan.gateway.coverage;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.yizhan.gateway.security.PasswordHash;
import org.yizhan.gateway.support.TestGateway;

/**
 * Rows of the insured register and insurance-agency managers, written straight into a test
 * gateway's database: the register's import and the agency role are another part's work (issue 15
 * items 1, 2 and 5), and coverage reads only the V15 tables they fill.
 */
public final class CoverageFixture {
  /** Password of every agency manager made here. */
  public static final String AGENCY_PASSWORD = "agency-test-pass";

  private CoverageFixture() {}

  /** A current resident enrolment of {@code idNo} in {@code admdvs}. */
  public static void enrol(
      TestGateway gw,
      String idNo,
      String admdvs,
      LocalDate from,
      LocalDate to,
      int year,
      String status) {
    gw.sql(
        "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
            + " valid_from, valid_to, contribution_year, contribution_status, recorded_at,"
            + " recorded_by) VALUES (?, 1, ?, ?, 'RESIDENT', ?, ?, ?, ?, ?, 'test')",
        UUID.randomUUID(),
        idNo,
        admdvs,
        from,
        to,
        year,
        status,
        OffsetDateTime.now());
  }

  /**
   * An enrolment that was {@code before} and is now {@code now}: the first version superseded, the
   * second current (a change never rewrites history).
   */
  public static void enrolChanged(
      TestGateway gw, String idNo, String admdvs, int year, String before, String now) {
    UUID id = UUID.randomUUID();
    String insert =
        "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
            + " valid_from, valid_to, contribution_year, contribution_status, recorded_at,"
            + " recorded_by, superseded_at) VALUES (?, ?, ?, ?, 'RESIDENT', ?, NULL, ?, ?, ?,"
            + " 'test', ?)";
    LocalDate from = LocalDate.of(year, 1, 1);
    OffsetDateTime t = OffsetDateTime.now();
    gw.sql(insert, id, 1, idNo, admdvs, from, year, before, t.minusDays(1), t);
    gw.sql(insert, id, 2, idNo, admdvs, from, year, now, t, null);
  }

  /** An insurance-agency manager of {@code region}; log in with {@link #AGENCY_PASSWORD}. */
  public static void agency(TestGateway gw, String username, String region) {
    gw.sql(
        "INSERT INTO manager (username, display_name, office_code, password_hash, updated_at,"
            + " role) VALUES (?, ?, ?, ?, now(), 'AGENCY')",
        username,
        "医保经办 " + region,
        region,
        PasswordHash.hash(AGENCY_PASSWORD.toCharArray()));
  }
}
