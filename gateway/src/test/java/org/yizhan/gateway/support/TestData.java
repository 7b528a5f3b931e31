package org.yizhan.gateway.support;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.yizhan.core.model.IdNumber;

/** Direct writes of what other parts of the gateway would manage, for setting up a test. */
public final class TestData {
  private TestData() {}

  /**
   * Records a current identity for a person, held by the office that manages the person (the region
   * of the ID number), and makes the gateway see it at once.
   */
  public static void identity(
      TestGateway gw,
      String idNo,
      String category,
      LocalDate from,
      LocalDate to,
      boolean confirmed,
      LocalDate liftedOut) {
    gw.sql(
        "INSERT INTO person_identity (identity_id, version, person_id_no, office_code, category,"
            + " valid_from, valid_to, confirmed, lifted_out_date, recorded_at, recorded_by)"
            + " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, now(), 'test')",
        UUID.randomUUID(),
        idNo,
        idNo.substring(0, 6),
        category,
        from,
        to,
        confirmed,
        liftedOut);
    gw.gateway().identities().invalidate(idNo);
  }

  /**
   * The {@code i}-th of a run of valid ID numbers of {@code area}, born from {@code firstBirth} on:
   * a thousand sequence numbers a day, then the next day.
   */
  public static String idNo(String area, LocalDate firstBirth, int i) {
    LocalDate birth = firstBirth.plusDays(i / 1000);
    return IdNumber.withCheckDigit(
            area + birth.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", i % 1000))
        .value();
  }

  /**
   * Enrols a person in the insured register (参保登记): residents' insurance in {@code admdvs} from
   * {@code from} to {@code to} (null: open), the year's contribution in {@code status} (PAID,
   * SUBSIDISED, UNPAID, SUSPENDED, ENDED); sex and birth date from the ID number. The gateway sees
   * it at once.
   */
  public static void enrol(
      TestGateway gw,
      String idNo,
      String admdvs,
      LocalDate from,
      LocalDate to,
      String status,
      String cardNo) {
    IdNumber id = new IdNumber(idNo);
    gw.sql(
        "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
            + " valid_from, valid_to, contribution_year, contribution_status, card_no, sex,"
            + " birth_date, recorded_at, recorded_by)"
            + " VALUES (?, 1, ?, ?, 'RESIDENT', ?, ?, ?, ?, ?, ?, ?, now(), 'test')",
        UUID.randomUUID(),
        idNo,
        admdvs,
        from,
        to,
        from.getYear(),
        status,
        cardNo,
        Integer.toString(id.gender()),
        id.birthDate());
    gw.gateway().enrolments().invalidate(idNo);
  }

  /**
   * The enrolment every test person gets unless a test says otherwise (see {@link
   * TestGateway#enrolOnFirstSight}): residents' insurance in the region of their ID number (the
   * office that manages them, so their policy is the one it was before the register), from 1990 on,
   * paid. Persons already enrolled are left alone.
   */
  public static final String ENROL_BY_DEFAULT =
      "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
          + " valid_from, contribution_year, contribution_status, recorded_at, recorded_by)"
          + " SELECT gen_random_uuid(), 1, p, substr(p, 1, 6), 'RESIDENT', DATE '1990-01-01', 1990,"
          + " 'PAID', now(), 'test' FROM unnest(?::varchar[]) AS p WHERE NOT EXISTS (SELECT 1 FROM"
          + " insured_enrolment e WHERE e.person_id_no = p AND e.superseded_at IS NULL)";

  /** Enrols persons by default ({@link #ENROL_BY_DEFAULT}) in the database of {@code jdbcUrl}. */
  public static void enrolByDefault(String jdbcUrl, java.util.Collection<String> idNos) {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "");
        java.sql.PreparedStatement s = c.prepareStatement(ENROL_BY_DEFAULT)) {
      s.setArray(1, c.createArrayOf("varchar", idNos.toArray()));
      s.execute();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot enrol the test persons: " + e.getMessage(), e);
    }
  }

  public static void confirmed(TestGateway gw, String idNo, String category) {
    identity(gw, idNo, category, LocalDate.of(2017, 1, 1), null, true, null);
  }

  /** Opens (or finds) the account of office at hospital and tops it up by {@code yuan}. */
  public static long topUp(
      TestGateway gw, String office, String hospital, String yuan, String mode) {
    gw.sql(
        "INSERT INTO prepayment_account (office_code, hospital_code, mode, open_period, created_at)"
            + " VALUES (?, ?, ?, '2018-01', now()) ON CONFLICT (office_code, hospital_code)"
            + " DO UPDATE SET mode = excluded.mode",
        office,
        hospital,
        mode);
    long id =
        ((Number)
                gw.value(
                    "SELECT id FROM prepayment_account WHERE office_code = ? AND hospital_code = ?",
                    office,
                    hospital))
            .longValue();
    if (new BigDecimal(yuan).signum() > 0) {
      gw.sql(
          "INSERT INTO ledger_transfer (account_id, kind, debit_account, credit_account, amount,"
              + " top_up_ref, period, created_at, created_by)"
              + " VALUES (?, 'TOP_UP', ?, ?, ?, ?, '2018-01', ?, 'test')",
          id,
          "FUND:" + office,
          "PREPAY:" + office + ":" + hospital,
          new BigDecimal(yuan),
          "T-" + UUID.randomUUID(),
          OffsetDateTime.now());
      gw.sql(
          "UPDATE prepayment_account SET balance = balance + ? WHERE id = ?",
          new BigDecimal(yuan),
          id);
    }
    return id;
  }

  /**
   * Makes an account (and its movements so far) as if opened last month, in the gateway's zone: its
   * open period has then ended and may be closed.
   */
  public static String openedLastMonth(TestGateway gw, long accountId) {
    String last = YearMonth.now(gw.zone()).minusMonths(1).toString();
    gw.sql("UPDATE prepayment_account SET open_period = ? WHERE id = ?", last, accountId);
    gw.sql("UPDATE ledger_transfer SET period = ? WHERE account_id = ?", last, accountId);
    return last;
  }

  public static BigDecimal balance(TestGateway gw, long accountId) {
    return (BigDecimal) gw.value("SELECT balance FROM prepayment_account WHERE id = ?", accountId);
  }

  /** The account's balance recomputed from its ledger: credits to PREPAY less debits from it. */
  public static BigDecimal ledgerBalance(TestGateway gw, long accountId) {
    return (BigDecimal)
        gw.value(
            "SELECT coalesce(sum(CASE WHEN credit_account LIKE 'PREPAY:%' THEN amount"
                + " WHEN debit_account LIKE 'PREPAY:%' THEN -amount ELSE 0 END), 0)"
                + " FROM ledger_transfer WHERE account_id = ?",
            accountId);
  }

  public static LocalDate date(String iso) {
    return LocalDate.parse(iso);
  }
}
