package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * The national request envelope: which transaction ({@code infno}), which message ({@code msgid}),
 * from which designated institution ({@code fixmedins_code}), for which insurance area ({@code
 * insuplc_admdvs}), and the transaction's {@code input}. Other envelope fields (device, signature,
 * operator, interface version, …) are accepted and ignored; so are fields we do not know.
 *
 * <p>{@link #requestSha256()} fingerprints what the message asks, so that a repeated msgid can be
 * told from a msgid reused for another request: the transaction, the areas and the input, in a
 * canonical form (keys sorted, numbers without trailing zeros, empty strings as absent). The
 * envelope's times, signature and operator are left out: a system that rebuilds the envelope to
 * resend the same message still sends the same message.
 *
 * @param msgid fixmedins_code (12) + yyyyMMddHHmmss (14) + a sequence (4)
 */
record Envelope(
    String infno,
    String msgid,
    String fixmedinsCode,
    String insuplcAdmdvs,
    String mdtrtareaAdmvs,
    JsonNode input,
    String requestSha256) {

  static final Pattern INFNO = Pattern.compile("[0-9]{4}");
  static final Pattern MSGID = Pattern.compile("[A-Za-z0-9]{12}[0-9]{18}");
  static final Pattern FIXMEDINS = Pattern.compile("[A-Za-z0-9]{1,32}");
  static final Pattern ADMDVS = Pattern.compile("[0-9]{6}");

  static Envelope parse(JsonNode body) {
    Input e = Input.of(body, "body");
    String infno = text(e, "infno", INFNO, "a 4-digit transaction number", true);
    String msgid = text(e, "msgid", MSGID, "fixmedins_code + yyyyMMddHHmmss + 4 digits", true);
    String fixmedins = text(e, "fixmedins_code", FIXMEDINS, "an institution code", true);
    String insuplc = text(e, "insuplc_admdvs", ADMDVS, "a 6-digit area code", false);
    String mdtrtarea = text(e, "mdtrtarea_admvs", ADMDVS, "a 6-digit area code", false);
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      throw NhsaError.missing("input");
    }
    if (!input.isObject()) {
      throw NhsaError.invalid("input", "must be a JSON object");
    }
    StringBuilder canonical = new StringBuilder(256);
    canonical.append(infno).append('|').append(fixmedins).append('|');
    canonical.append(insuplc).append('|').append(mdtrtarea).append('|');
    canonical(input, canonical);
    return new Envelope(
        infno,
        msgid,
        fixmedins,
        insuplc,
        mdtrtarea,
        input,
        Digests.sha256Hex(canonical.toString()));
  }

  /** Envelope fields carry no path prefix: {@code msgid}, not {@code body.msgid}. */
  private static String text(
      Input e, String name, Pattern shape, String describe, boolean required) {
    try {
      return e.text(name, shape, describe, required);
    } catch (NhsaError err) {
      throw new NhsaError(err.getMessage().replaceFirst("^body\\.", ""));
    }
  }

  /** Writes {@code v} canonically: keys sorted, numbers plain and stripped, "" as null. */
  static void canonical(JsonNode v, StringBuilder out) {
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
      out.append("null");
    } else if (v.isObject()) {
      List<String> names = new ArrayList<>();
      Iterator<String> it = v.fieldNames();
      it.forEachRemaining(names::add);
      names.sort(null);
      out.append('{');
      for (String n : names) {
        quote(n, out);
        out.append(':');
        canonical(v.get(n), out);
        out.append(',');
      }
      out.append('}');
    } else if (v.isArray()) {
      out.append('[');
      for (JsonNode x : v) {
        canonical(x, out);
        out.append(',');
      }
      out.append(']');
    } else if (v.isNumber()) {
      out.append(v.decimalValue().stripTrailingZeros().toPlainString());
    } else if (v.isTextual()) {
      quote(v.textValue(), out);
    } else {
      out.append(v.asText());
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
  }
}
