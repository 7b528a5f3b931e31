package org.yizhan.gateway.settlement;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * A claim as the settlement room takes it from any front door (the JSON API's body, the national
 * interface's fee details), with the patient's name and the claim's fingerprint.
 *
 * <p>The fingerprint defines idempotency for both front doors: a claim number settled again with
 * the same fingerprint is a replay, with another a conflict. The JSON API's is the hex SHA-256 of
 * the request body, the very hash its request signature covers (the body is hashed once; see {@code
 * web.HospitalGate.bodySha256}), so a replay there is the same bytes again. The national
 * interface's ({@link #of}), whose messages come in several dialects, is the hex SHA-256 of the
 * claim's canonical text (fields in a fixed order, numbers unscaled), equal exactly when every
 * field of the claim is. A claim number settled through one door and sent again through the other
 * is a conflict, never a second settlement.
 *
 * @param contentSha256 hex SHA-256 of the request body (JSON API) or of the claim's canonical
 *     content (national interface)
 */
public record ClaimInput(Claim claim, String personName, String contentSha256) {
  /** The default scheme: residents' basic medical insurance (城乡居民). */
  public static final String DEFAULT_SCHEME = "RESIDENT";

  /** A person's name as both front doors accept it: 1–64 printable characters. */
  public static final Pattern PERSON_NAME = Pattern.compile("[^\\p{Cntrl}]{1,64}");

  /** {@code claim} of the person named {@code personName}, fingerprinted. */
  public static ClaimInput of(Claim claim, String personName) {
    return new ClaimInput(claim, personName, fingerprint(claim, personName));
  }

  /**
   * Refuses a stay longer than {@code maxDays} ({@code STAY_TOO_LONG}, unprocessable): a typing
   * slip in a year (1900 for 2018) would otherwise settle a century-long stay. A discharge before
   * the admission is the engine's to refuse ({@code DATES_OUT_OF_ORDER}). The one check of the
   * bound: the JSON API's claims, and the national 2402, 2303 and 2304 (which name their own
   * fields).
   *
   * @param dischargeField the field named as the culprit
   * @param admissionField the field the message measures from
   */
  public static void checkStay(
      LocalDate admission,
      LocalDate discharge,
      int maxDays,
      String dischargeField,
      String admissionField) {
    // DAYS.between, not plusDays: a date near LocalDate.MAX must not overflow into a 500.
    if (ChronoUnit.DAYS.between(admission, discharge) > maxDays) {
      throw Refusal.unprocessable(
          "STAY_TOO_LONG",
          dischargeField,
          dischargeField
              + " is more than "
              + maxDays
              + " days after "
              + admissionField
              + "; a longer stay is settled in parts");
    }
  }

  /** Hex SHA-256 of the claim's canonical text (fields in a fixed order, numbers unscaled). */
  static String fingerprint(Claim c, String personName) {
    StringBuilder s = new StringBuilder(64 + c.lines().size() * 64);
    s.append(c.claimNo()).append('\u001f').append(c.personIdNo()).append('\u001f');
    s.append(personName == null ? "" : personName).append('\u001f').append(c.scheme());
    s.append('\u001f').append(c.officeCode()).append('\u001f').append(c.hospitalCode());
    s.append('\u001f').append(c.admissionDate()).append('\u001f').append(c.dischargeDate());
    for (ClaimLine l : c.lines()) {
      s.append('\u001e').append(l.lineNo()).append('\u001f').append(l.itemCode());
      s.append('\u001f').append(l.itemName()).append('\u001f').append(l.quantityE4());
      s.append('\u001f').append(l.unitPriceE6()).append('\u001f').append(l.amountFen());
    }
    return Digests.sha256Hex(s.toString());
  }
}
