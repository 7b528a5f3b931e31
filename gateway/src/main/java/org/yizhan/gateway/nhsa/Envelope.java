package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.inpatient.NhsaError;

/**
 * The national request envelope: which transaction ({@code infno}), which message ({@code msgid}),
 * from which designated institution ({@code fixmedins_code}), for which insurance area ({@code
 * insuplc_admdvs}), the sign-in it was sent under ({@code sign_no}), and the transaction's {@code
 * input}. Other envelope fields (device, signature, operator, interface version, …) are accepted
 * and ignored; so are fields we do not know.
 *
 * <p>Hospital systems speak dialects of the envelope (docs/nhsa-interface.md, "Clients studied");
 * each is read here where it is unambiguous, so that the transactions see one shape:
 *
 * <ul>
 *   <li>{@code medins_code} for {@code fixmedins_code} (hsa-his); both with different values are
 *       refused. {@code insur_code} (hsa-his: the insurance centre) stands for {@code
 *       insuplc_admdvs} only when that is absent.
 *   <li>{@code input} as a JSON string holding the object (the specification types it 字符型).
 *   <li>{@code input} without its wrapper: 1101, 2303, 2304, 2305, 2404, 2405, 2601, 3201 and 5206
 *       without {@code data}, 9001 without {@code signIn}, 9002 without {@code signOut} (the object
 *       is the wrapper's content); 2402 with its discharge under {@code mdtrtinfo} instead of
 *       {@code dscginfo}.
 *   <li>the transaction in the URL ({@code …/callService/2304}, {@code …/hsa/hgs/2304}): it must be
 *       the envelope's infno, which may then be left out.
 *   <li>msgid as the system makes it: any token of 1 to 40 letters, digits, {@code .}, {@code _} or
 *       {@code -}.
 * </ul>
 *
 * <p>{@link #requestSha256()} fingerprints what the message asks, so that a repeated msgid can be
 * told from a msgid reused for another request: the transaction, the areas and the input (as read,
 * so a dialect and the standard shape of one message are one request), in a canonical form (keys
 * sorted, numbers without trailing zeros, empty strings as absent). The envelope's times,
 * signature, sign_no and operator are left out: a system that rebuilds the envelope to resend the
 * same message still sends the same message.
 *
 * @param msgid the sender's message id: 1 to 40 of [A-Za-z0-9._-]
 * @param signNo the envelope's sign_no, or {@code null}
 */
record Envelope(
    String infno,
    String msgid,
    String fixmedinsCode,
    String insuplcAdmdvs,
    String mdtrtareaAdmvs,
    String signNo,
    JsonNode input,
    String requestSha256) {

  static final Pattern INFNO = Pattern.compile("[0-9]{4}");
  static final Pattern MSGID = Pattern.compile("[A-Za-z0-9._-]{1,40}");
  static final Pattern FIXMEDINS = Pattern.compile("[A-Za-z0-9]{1,32}");
  static final Pattern ADMDVS = Pattern.compile("[0-9]{6}");
  static final Pattern SIGN_NO = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The transactions whose input is {@code {"data": {...}}} and nothing else. */
  static final Set<String> DATA_ONLY =
      Set.of("1101", "2303", "2304", "2305", "2404", "2405", "2601", "3201", "5206");

  static Envelope parse(JsonNode body) {
    return parse(body, null);
  }

  /**
   * @param pathInfno the transaction named by the URL ({@code …/callService/2304}), or {@code null}
   */
  static Envelope parse(JsonNode body, String pathInfno) {
    Input e = Input.of(body, "body");
    String infno = text(e, "infno", INFNO, "a 4-digit transaction number", pathInfno == null);
    if (infno == null) {
      infno = pathInfno;
    } else if (pathInfno != null && !infno.equals(pathInfno)) {
      throw NhsaError.invalid(
          "infno", infno + " is not the transaction of the URL's path (" + pathInfno + ")");
    }
    String msgid = text(e, "msgid", MSGID, "1 to 40 of [A-Za-z0-9._-]", true);
    String fixmedins = text(e, "fixmedins_code", FIXMEDINS, "an institution code", false);
    String medins = text(e, "medins_code", FIXMEDINS, "an institution code", false);
    if (fixmedins != null && medins != null && !fixmedins.equals(medins)) {
      throw NhsaError.invalid("medins_code", "names another institution than fixmedins_code");
    }
    if (fixmedins == null) {
      fixmedins = medins;
    }
    if (fixmedins == null) {
      throw NhsaError.missing("fixmedins_code");
    }
    String insuplc = text(e, "insuplc_admdvs", ADMDVS, "a 6-digit area code", false);
    if (insuplc == null) {
      JsonNode centre = e.raw("insur_code");
      if (centre != null && centre.isTextual() && ADMDVS.matcher(centre.textValue()).matches()) {
        insuplc = centre.textValue();
      }
    }
    String mdtrtarea = text(e, "mdtrtarea_admvs", ADMDVS, "a 6-digit area code", false);
    String signNo = signNo(e.raw("sign_no"));
    JsonNode input = standardInput(infno, inputObject(body.get("input")));
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
        signNo,
        input,
        Digests.sha256Hex(canonical.toString()));
  }

  /**
   * The envelope's sign_no, or {@code null} when absent or not of the shape the gateway gives: it
   * is only read for a hospital that requires sign-in (then {@code null} is refused there), and a
   * system that kept another platform's sign_no must not be refused for it where it is not read.
   */
  private static String signNo(JsonNode v) {
    return v != null && v.isTextual() && SIGN_NO.matcher(v.textValue()).matches()
        ? v.textValue()
        : null;
  }

  /** {@code input} as an object: sent as one, or as a JSON string holding one. */
  private static JsonNode inputObject(JsonNode input) {
    if (input == null || input.isNull() || (input.isTextual() && input.textValue().isEmpty())) {
      throw NhsaError.missing("input");
    }
    if (input.isTextual()) {
      JsonNode parsed;
      try {
        parsed = Json.parse(input.textValue().getBytes(StandardCharsets.UTF_8));
      } catch (Refusal err) {
        throw NhsaError.invalid(
            "input", "is a string that is not one JSON object: " + err.getMessage());
      }
      if (!parsed.isObject()) {
        throw NhsaError.invalid("input", "is a string that is not one JSON object");
      }
      return parsed;
    }
    if (!input.isObject()) {
      throw NhsaError.invalid("input", "must be a JSON object (or a string holding one)");
    }
    return input;
  }

  /** The standard shape of {@code input} for {@code infno}, from a dialect's where unambiguous. */
  static JsonNode standardInput(String infno, JsonNode input) {
    if (DATA_ONLY.contains(infno)) {
      return wrapUnless(input, "data");
    }
    switch (infno) {
      case "9001":
        return wrapUnless(input, "signIn");
      case "9002":
        return wrapUnless(input, "signOut");
      case "2402":
        if (!input.has("dscginfo") && input.get("mdtrtinfo") != null) {
          ObjectNode copy = ((ObjectNode) input).deepCopy();
          copy.set("dscginfo", copy.remove("mdtrtinfo"));
          return copy;
        }
        return input;
      default:
        return input;
    }
  }

  private static JsonNode wrapUnless(JsonNode input, String wrapper) {
    if (input.has(wrapper) || input.size() == 0) {
      return input;
    }
    ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
    wrapped.set(wrapper, input);
    return wrapped;
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
