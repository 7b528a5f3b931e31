package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.IdNumber;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.identity.ManagingOffice;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.Persons;
import org.yizhan.gateway.insured.ContributionStatus;
import org.yizhan.gateway.insured.Enrolment;
import org.yizhan.gateway.insured.EnrolmentStore;
import org.yizhan.gateway.settlement.SettlementService;

/**
 * 1101 人员信息获取 (who is this person, with psn_no and identities) and 5206 人员累计信息查询 (the person's
 * year-to-date figures).
 *
 * <p>1101 names the person by ID number (mdtrt_cert_type 02, or psn_cert_type 01 with certno) or by
 * social-security card (03, resolved through the insured register) and assigns the psn_no the other
 * messages use (see {@link Persons}). Its insuinfo lists the person's current enrolments in the
 * insured register (empty, with a warning, when there is none). Its idetinfo lists the identities
 * civil affairs has confirmed; psn_idet_type codes are this gateway's (national dictionaries differ
 * by province): see {@link #IDET_TYPE} and docs/nhsa-interface.md.
 */
final class PersonTransactions {
  static final Pattern CUM_YM = Pattern.compile("(20[0-9]{2})(0[1-9]|1[0-2])");

  /** psn_idet_type of each identity. */
  static final Map<IdentityCategory, String> IDET_TYPE =
      Map.of(
          IdentityCategory.DESTITUTE, "23",
          IdentityCategory.SUBSISTENCE, "22",
          IdentityCategory.REGISTERED_POOR, "24",
          IdentityCategory.ILLNESS_POOR, "25");

  private final SettlementService service;
  private final IdentityDirectory identities;
  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;
  private final EnrolmentStore enrolments;

  PersonTransactions(
      SettlementService service,
      IdentityDirectory identities,
      Pool pool,
      DbGuard guard,
      Clock clock,
      ZoneId zone) {
    this.service = service;
    this.identities = identities;
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
    this.enrolments = new EnrolmentStore(pool);
  }

  /**
   * 1101: input.data → output.baseinfo, insuinfo[], idetinfo[]. The person is named by ID number
   * (mdtrt_cert_type 02, or psn_cert_type 01 with certno) or by social-security card
   * (mdtrt_cert_type 03: mdtrt_cert_no the card number, card_sn its serial where the reader gives
   * it), resolved through the insured register's card numbers. An electronic voucher (01) is a
   * token of the national platform's, which the register cannot resolve: refused {@code
   * CERT_TYPE_NOT_SUPPORTED}.
   */
  Future<Outcome> person(Call call) {
    Input in = call.data("data");
    String certType = in.text("mdtrt_cert_type", Pattern.compile("0[1-9]"), "01, 02 or 03", true);
    String name = in.text("psn_name", Pattern.compile("[^\\p{Cntrl}]{1,64}"), "a name", false);
    LocalDate asOf = in.date("begntime", false);
    String certno = in.text("certno", Pattern.compile(".{0,64}"), "an ID number", false);
    Future<String> idNo;
    if ("02".equals(certType)) {
      idNo = Future.succeededFuture(in.idNumber("mdtrt_cert_no", true, clock).value());
    } else if ("01".equals(in.text("psn_cert_type", Pattern.compile("[0-9]{2}"), "01", false))
        && certno != null
        && !certno.isEmpty()) {
      idNo = Future.succeededFuture(in.idNumber("certno", true, clock).value());
    } else if ("03".equals(certType)) {
      String card = in.text("mdtrt_cert_no", CARD_NO, "a social-security card number", true);
      String cardSn =
          in.text("card_sn", Pattern.compile("[0-9A-Za-z]{0,32}"), "a card serial", false);
      idNo = byCard(in, card, cardSn);
    } else if ("01".equals(certType)) {
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          "CERT_TYPE_NOT_SUPPORTED",
          in.path("mdtrt_cert_type"),
          in.path("mdtrt_cert_type")
              + " 01 (医保电子凭证) is a token of the national platform this gateway cannot resolve;"
              + " read the social-security card (03) or the ID card (02)");
    } else {
      throw NhsaError.invalid(
          in.path("mdtrt_cert_type"),
          "must be 02 (居民身份证) or 03 (社会保障卡), or give psn_cert_type 01 and certno");
    }
    return idNo.compose(id -> person(call, id, name, asOf));
  }

  /** A card number as cards carry it: letters and digits. */
  static final Pattern CARD_NO = Pattern.compile("[0-9A-Za-z]{6,32}");

  /** The holder of a card the register knows; an unknown card (or serial) is refused. */
  private Future<String> byCard(Input in, String card, String cardSn) {
    return guard
        .call(() -> enrolments.byCard(card))
        .map(
            held -> {
              for (Enrolment e : held) {
                if (cardSn == null
                    || cardSn.isEmpty()
                    || e.cardSn() == null
                    || cardSn.equals(e.cardSn())) {
                  return e.personIdNo();
                }
              }
              throw new Refusal(
                  Refusal.Kind.UNPROCESSABLE,
                  "UNKNOWN_CARD",
                  in.path("mdtrt_cert_no"),
                  in.path("mdtrt_cert_no")
                      + (held.isEmpty()
                          ? " is not a social-security card the insured register knows"
                          : " and card_sn do not match the card the insured register knows (a"
                              + " replaced card?)")
                      + "; read the ID card (02) or ask the insurance agency");
            });
  }

  private Future<Outcome> person(Call call, String idNo, String name, LocalDate asOf) {
    // the area whose identities the hospital may see is the person's managing office's
    String office = ManagingOffice.of(idNo);
    Future<List<Enrolment>> enrolled = guard.call(() -> enrolments.current(idNo));
    return enrolled
        .compose(
            held ->
                Guarded.call(
                    guard,
                    () ->
                        Persons.ofIdNo(
                            pool, idNo, name != null ? name : nameOf(held), clock.instant())))
        .compose(
            p -> {
              Future<List<Identity>> identitiesHeld = guard.call(() -> identities.current(idNo));
              Future<Boolean> mayKnow =
                  sameCity(call.hospital().region(), office)
                      ? Future.succeededFuture(true)
                      : service.treats(call.who(), idNo);
              return Future.all(identitiesHeld, mayKnow)
                  .map(
                      done ->
                          Outcome.of(
                                  g ->
                                      writePerson(
                                          g,
                                          p,
                                          mayKnow.result() ? identitiesHeld.result() : List.of(),
                                          enrolled.result(),
                                          asOf))
                              .warn(
                                  enrolled.result().isEmpty()
                                      ? "the person is not enrolled in the insured register"
                                      : p.name() == null ? "psn_name is not known yet" : null));
            });
  }

  /** The name the register holds for the person, if any. */
  private static String nameOf(List<Enrolment> held) {
    for (int i = held.size() - 1; i >= 0; i--) {
      if (held.get(i).personName() != null) {
        return held.get(i).personName();
      }
    }
    return null;
  }

  /**
   * Whether a hospital of region {@code hospitalRegion} is in the city of {@code officeCode}: the
   * level residents' insurance is pooled at (see PolicyBook). 1101 tells a hospital the poverty
   * identities of the persons of its own city, whom it is there to treat; of a person from
   * elsewhere only once it treats them (an admission or a settlement of its own, see
   * SettlementService.treats), so a key alone cannot survey other regions' poor.
   */
  static boolean sameCity(String hospitalRegion, String officeCode) {
    return hospitalRegion.regionMatches(0, officeCode, 0, 4);
  }

  private void writePerson(
      JsonGenerator g,
      Persons.Person p,
      List<Identity> held,
      List<Enrolment> enrolled,
      LocalDate asOf)
      throws IOException {
    // the number was parsed at the door, so it is canonical and its birth date and sex readable
    IdNumber idNo = new IdNumber(p.idNo());
    LocalDate birth = idNo.birthDate();
    g.writeStartObject();
    g.writeObjectFieldStart("baseinfo");
    g.writeStringField("psn_no", p.psnNo());
    g.writeStringField("psn_cert_type", "01");
    g.writeStringField("certno", p.idNo());
    g.writeStringField("psn_name", p.name());
    g.writeStringField("gend", Integer.toString(idNo.gender()));
    // the register holds no ethnicity (民族): the platform's "not held" code, never absent
    g.writeStringField("naty", NationalCodes.NATY_UNKNOWN);
    g.writeStringField("brdy", Formats.date(birth));
    int years =
        birth == null ? -1 : Period.between(birth, LocalDate.now(clock.withZone(zone))).getYears();
    if (birth == null) {
      g.writeNullField("age");
    } else {
      Formats.scaled(g, "age", years * 10L, 1);
    }
    g.writeNullField("exp_content");
    g.writeEndObject();
    g.writeArrayFieldStart("insuinfo");
    for (Enrolment e : enrolled) {
      insuinfo(g, e, years);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("idetinfo");
    for (Identity i : held) {
      if (!i.confirmed() || (asOf != null && !i.inForceOn(asOf))) {
        continue;
      }
      g.writeStartObject();
      g.writeStringField("psn_idet_type", IDET_TYPE.get(i.category()));
      g.writeNullField("psn_type_lv");
      g.writeStringField(
          "memo",
          i.category().chineseName()
              + (i.liftedOutDate() == null ? "" : ", 标注脱贫 " + i.liftedOutDate()));
      g.writeStringField("begntime", Formats.time(i.validFrom().atStartOfDay()));
      g.writeStringField(
          "endtime", i.validTo() == null ? null : Formats.time(i.validTo().atTime(23, 59, 59)));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * One insuinfo row of an enrolment: insutype (390 residents, 310 employees), psn_type (the
   * national dictionary's, from the scheme and the age: {@link NationalCodes#psnType}),
   * psn_insu_stas (1 正常参保 when paid or subsidised, 2 暂停 when suspended or unpaid, 4 终止 when ended),
   * psn_insu_date the enrolment's start, paus_insu_date its end (null while open), the insurance
   * region and the employer. balc (the individual account) is 0: residents have none and the
   * register keeps no employee account.
   */
  private static void insuinfo(JsonGenerator g, Enrolment e, int ageYears) throws IOException {
    g.writeStartObject();
    Formats.money(g, "balc", 0);
    g.writeStringField("insutype", e.scheme().insutype());
    g.writeStringField("psn_type", NationalCodes.psnType(e.scheme().insutype(), ageYears));
    g.writeStringField("psn_insu_stas", insuStatus(e.status()));
    g.writeStringField("psn_insu_date", Formats.date(e.validFrom()));
    g.writeStringField("paus_insu_date", e.validTo() == null ? null : Formats.date(e.validTo()));
    g.writeStringField("cvlserv_flag", "0");
    g.writeStringField("insuplc_admdvs", e.admdvs());
    g.writeStringField("emp_name", e.employerName());
    g.writeEndObject();
  }

  static String insuStatus(ContributionStatus s) {
    switch (s) {
      case PAID:
      case SUBSIDISED:
        return "1";
      case ENDED:
        return "4";
      default:
        return "2";
    }
  }

  /** 5206: input.data {psn_no, cum_ym} → output.cuminfo[] of the year's figures. */
  Future<Outcome> figures(Call call) {
    Input in = call.data("data");
    String psnNo = in.text("psn_no", Persons.PSN_NO, "a psn_no from 1101", true);
    // cum_ym is answered on every row, never null: the month asked, or without one the current
    // month (its year is the one whose figures are given)
    String asked = in.text("cum_ym", CUM_YM, "a month like 201803", false);
    String cumYm =
        asked != null
            ? asked
            : YearMonth.now(clock.withZone(zone)).format(DateTimeFormatter.ofPattern("yyyyMM"));
    int year = Integer.parseInt(cumYm.substring(0, 4));
    return Guarded.call(guard, () -> Persons.ofPsnNo(pool, psnNo, in.path("psn_no")))
        .compose(
            p ->
                service
                    .figures(call.who(), p.idNo(), year)
                    .recover(
                        e ->
                            // a person this hospital does not treat is as unknown as one never
                            // named: the answer does not tell whether they exist
                            Future.failedFuture(
                                e instanceof Refusal
                                        && ((Refusal) e).kind() == Refusal.Kind.NOT_FOUND
                                    ? Persons.unknown(in.path("psn_no"))
                                    : e)))
        .map(f -> Outcome.of(g -> writeFigures(g, f.accumulators(), year, cumYm)));
  }

  private static void writeFigures(JsonGenerator g, Accumulators a, int year, String cumYm)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("cuminfo");
    int admissions = a.admissionsLevel1() + a.admissionsLevel2() + a.admissionsLevel3();
    cum(g, year, cumYm, "C0000", admissions * 100L);
    cum(g, year, cumYm, "C0001", a.admissionsLevel1() * 100L);
    cum(g, year, cumYm, "C0002", a.admissionsLevel2() * 100L);
    cum(g, year, cumYm, "C0003", a.admissionsLevel3() * 100L);
    cum(g, year, cumYm, "Q0000", a.deductiblePaidFen());
    cum(g, year, cumYm, "D390100", a.basicPaidFen());
    cum(g, year, cumYm, "B390200", a.ciBaseFen());
    cum(g, year, cumYm, "D390200", a.ciPaidFen());
    cum(g, year, cumYm, "B610100", a.maBaseFen());
    cum(g, year, cumYm, "D610100", a.maPaidFen());
    g.writeEndArray();
    g.writeEndObject();
  }

  /** One cuminfo row; {@code cumE2} is the value in hundredths (fen, or a count × 100). */
  private static void cum(JsonGenerator g, int year, String cumYm, String code, long cumE2)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("insutype", AdmissionTransactions.RESIDENT_INSUTYPE);
    g.writeStringField("year", Integer.toString(year));
    g.writeStringField("cum_ym", cumYm);
    g.writeStringField("cum_type_code", code);
    Formats.money(g, "cum", cumE2);
    g.writeEndObject();
  }
}
