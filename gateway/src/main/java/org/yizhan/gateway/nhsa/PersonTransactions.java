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
import org.yizhan.gateway.settlement.SettlementService;

/**
 * 1101 人员信息获取 (who is this person, with psn_no and identities) and 5206 人员累计信息查询 (the person's
 * year-to-date figures).
 *
 * <p>1101 names the person by ID number (mdtrt_cert_type 02, or psn_cert_type 01 with certno) and
 * assigns the psn_no the other messages use (see {@link Persons}). Its idetinfo lists the
 * identities civil affairs has confirmed; psn_idet_type codes are this gateway's (national
 * dictionaries differ by province): see {@link #IDET_TYPE} and docs/nhsa-interface.md.
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
  }

  /** 1101: input.data → output.baseinfo, insuinfo[], idetinfo[]. */
  Future<Outcome> person(Call call) {
    Input in = call.data("data");
    String certType = in.text("mdtrt_cert_type", Pattern.compile("0[1-9]"), "01, 02 or 03", true);
    String idNo;
    if ("02".equals(certType)) {
      idNo = in.idNumber("mdtrt_cert_no", true, clock).value();
    } else if ("01".equals(in.text("psn_cert_type", Pattern.compile("[0-9]{2}"), "01", false))) {
      idNo = in.idNumber("certno", true, clock).value();
    } else {
      throw NhsaError.invalid(
          in.path("mdtrt_cert_type"),
          "must be 02 (居民身份证), or give psn_cert_type 01 and certno; "
              + "electronic vouchers (01) and social security cards (03) are not read here");
    }
    String name = in.text("psn_name", Pattern.compile("[^\\p{Cntrl}]{1,64}"), "a name", false);
    LocalDate asOf = in.date("begntime", false);
    // the area the person is insured in is their managing office's: 2401 must name it
    String office = ManagingOffice.of(idNo);
    return Guarded.call(guard, () -> Persons.ofIdNo(pool, idNo, name, clock.instant()))
        .compose(
            p -> {
              Future<List<Identity>> held = guard.call(() -> identities.current(idNo));
              Future<Boolean> mayKnow =
                  sameCity(call.hospital().region(), office)
                      ? Future.succeededFuture(true)
                      : service.treats(call.who(), idNo);
              return Future.all(held, mayKnow)
                  .map(
                      done ->
                          Outcome.of(
                                  g ->
                                      writePerson(
                                          g,
                                          p,
                                          mayKnow.result() ? held.result() : List.of(),
                                          asOf,
                                          office))
                              .warn(p.name() == null ? "psn_name is not known yet" : null));
            });
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
      JsonGenerator g, Persons.Person p, List<Identity> held, LocalDate asOf, String area)
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
    g.writeStringField("brdy", Formats.date(birth));
    if (birth == null) {
      g.writeNullField("age");
    } else {
      int years = Period.between(birth, LocalDate.now(clock.withZone(zone))).getYears();
      Formats.scaled(g, "age", years * 10L, 1);
    }
    g.writeEndObject();
    g.writeArrayFieldStart("insuinfo");
    g.writeStartObject();
    Formats.money(g, "balc", 0);
    g.writeStringField("insutype", AdmissionTransactions.RESIDENT_INSUTYPE);
    g.writeStringField("psn_insu_stas", "1");
    g.writeStringField("cvlserv_flag", "0");
    g.writeStringField("insuplc_admdvs", area);
    g.writeEndObject();
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
