package org.yizhan.gateway.settlement;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.FundPayment;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Settlement;

/**
 * A settlement as stored: what the API shows for {@code GET /settlements/{id}} and what a replay
 * returns. Built from the engine's result when a settlement is made and from the rows when it is
 * read back; both give equal records (times are kept to the microsecond, as PostgreSQL does). A
 * view, not a row: it joins the settlement with its lines, funds and reversal, and is also the
 * shape of a preview, which is never stored (jOOQ's generated {@code SettlementView} is the row). A
 * view, not a row: it joins the settlement with its lines, funds and reversal, and is also the
 * shape of a preview, which is never stored (jOOQ's generated {@code SettlementView} is the row).
 *
 * @param id the settlement's id; {@code null} for a preview
 * @param policyVersion the policy version it was computed under (policy.PolicyBooks), or {@code
 *     null} when not known (settled before versions were kept)
 * @param catalogueVersion the catalogue version its lines were priced under, or {@code null} when
 *     not known
 * @param lines the classified lines; empty in search results, which leave them out
 * @param reversal the reversal, or {@code null} while the settlement stands
 */
public record SettlementView(
    UUID id,
    String status,
    String hospitalCode,
    String claimNo,
    String personIdNo,
    String officeCode,
    String policyId,
    Long policyVersion,
    Long catalogueVersion,
    int year,
    int hospitalLevel,
    LocalDate admissionDate,
    LocalDate dischargeDate,
    long totalFen,
    long fullOwnPayFen,
    long overLimitFen,
    long preSelfPayFen,
    long inScopeFen,
    long actDeductibleFen,
    long basicPayFen,
    long ciPayFen,
    long maPayFen,
    String maIdentity,
    String maNote,
    long prepaymentDrawnFen,
    long hospitalAdvanceFen,
    List<FundRecord> funds,
    List<LineRecord> lines,
    Instant settledAt,
    LocalDate settledOn,
    ReversalRecord reversal) {

  public static final String SETTLED = "SETTLED";
  public static final String REVERSED = "REVERSED";

  /** The status of a preview (预结算), which has no id and is never stored. */
  public static final String PREVIEW = "PREVIEW";

  public SettlementView {
    Objects.requireNonNull(status, "status");
    if ((id == null) != PREVIEW.equals(status)) {
      throw new IllegalArgumentException("only a preview has no id: " + status);
    }
    funds = List.copyOf(funds);
    lines = List.copyOf(lines);
  }

  /**
   * The record of a settlement the engine just computed (or of a preview, with a null id), as
   * reading it back from the store would give.
   */
  public static SettlementView of(
      UUID id,
      String status,
      Claim c,
      Settlement s,
      long prepaymentDrawnFen,
      long hospitalAdvanceFen,
      Instant at,
      LocalDate day) {
    List<FundRecord> funds = new ArrayList<>(3);
    for (FundPayment f : s.funds()) {
      funds.add(
          new FundRecord(
              f.fund().name(),
              f.fundCode(),
              f.baseFen(),
              f.paidFen(),
              f.remainingRoomFen(),
              f.trace()));
    }
    List<LineRecord> lines = new ArrayList<>(c.lines().size());
    for (int i = 0; i < c.lines().size(); i++) {
      ClaimLine l = c.lines().get(i);
      LinePricing p = s.lines().get(i);
      lines.add(
          new LineRecord(
              l.lineNo(),
              l.itemCode(),
              l.itemName(),
              l.quantityE4(),
              l.unitPriceE6(),
              p.amountFen(),
              p.category().name(),
              p.selfPayRatio().perTenThousand(),
              p.priceCapE6(),
              p.fullOwnPayFen(),
              p.overLimitFen(),
              p.preSelfPayFen(),
              p.inScopeFen(),
              !p.inCatalogue()));
    }
    return new SettlementView(
        id,
        status,
        c.hospitalCode(),
        c.claimNo(),
        c.personIdNo(),
        c.officeCode(),
        s.policyId(),
        null,
        null,
        s.year(),
        s.hospitalLevel(),
        c.admissionDate(),
        c.dischargeDate(),
        s.totalFen(),
        s.fullOwnPayFen(),
        s.overLimitFen(),
        s.preSelfPayFen(),
        s.inScopeFen(),
        s.actDeductibleFen(),
        s.basic().paidFen(),
        s.criticalIllness().paidFen(),
        s.assistance().paidFen(),
        s.assistanceIdentity() == null ? null : s.assistanceIdentity().name(),
        s.assistanceNote(),
        prepaymentDrawnFen,
        hospitalAdvanceFen,
        funds,
        lines,
        at,
        day,
        null);
  }

  public long fundPayFen() {
    return basicPayFen + ciPayFen + maPayFen;
  }

  public long personalPayFen() {
    return totalFen - fundPayFen();
  }

  /** This record naming the versions it was computed under (the store's record leaves them out). */
  public SettlementView withVersions(Long policy, Long catalogue) {
    return copy(policy, catalogue, lines);
  }

  /** This record without its lines, as search results show it. */
  public SettlementView withoutLines() {
    return copy(policyVersion, catalogueVersion, List.of());
  }

  private SettlementView copy(Long policy, Long catalogue, List<LineRecord> lines) {
    return new SettlementView(
        id,
        status,
        hospitalCode,
        claimNo,
        personIdNo,
        officeCode,
        policyId,
        policy,
        catalogue,
        year,
        hospitalLevel,
        admissionDate,
        dischargeDate,
        totalFen,
        fullOwnPayFen,
        overLimitFen,
        preSelfPayFen,
        inScopeFen,
        actDeductibleFen,
        basicPayFen,
        ciPayFen,
        maPayFen,
        maIdentity,
        maNote,
        prepaymentDrawnFen,
        hospitalAdvanceFen,
        funds,
        lines,
        settledAt,
        settledOn,
        reversal);
  }

  /**
   * One fund's part.
   *
   * @param remainingRoomFen annual room left after the settlement, or {@code null} when uncapped
   */
  public record FundRecord(
      String fund,
      String fundCode,
      long baseFen,
      long paidFen,
      Long remainingRoomFen,
      String trace) {}

  /**
   * One line with its classification.
   *
   * @param unknownItem whether its item code had no catalogue entry on the discharge date (priced
   *     as C, the patient pays it); {@code null} for a claim stored before this was recorded
   */
  public record LineRecord(
      String lineNo,
      String itemCode,
      String itemName,
      long quantityE4,
      long unitPriceE6,
      long amountFen,
      String category,
      int selfPayRatioE4,
      Long priceCapE6,
      long fullOwnPayFen,
      long overLimitFen,
      long preSelfPayFen,
      long inScopeFen,
      Boolean unknownItem) {}

  /**
   * A reversal: the settlement's amounts negated (total, basic, critical illness and assistance are
   * ≤ 0) and what went back to the ledger.
   *
   * @param prepaymentCreditedFen prepayment given back to the account
   * @param advanceCancelledFen hospital advance no longer owed
   */
  public record ReversalRecord(
      UUID id,
      long totalFen,
      long basicPayFen,
      long ciPayFen,
      long maPayFen,
      long prepaymentCreditedFen,
      long advanceCancelledFen,
      String reason,
      Instant reversedAt,
      LocalDate reversedOn) {

    public long fundPayFen() {
      return basicPayFen + ciPayFen + maPayFen;
    }

    public long personalPayFen() {
      return totalFen - fundPayFen();
    }
  }
}
