package org.yizhan.gateway.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Builds the JSON body of a preview or settle request, the way a hospital system sends it. */
public final class ClaimJson {
  /** Reads numbers as exact decimals, keeping their scale: 0.00 stays "0.00". */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private final ObjectNode root = MAPPER.createObjectNode();
  private final ArrayNode lines = root.putArray("lines");

  private ClaimJson(String claimNo) {
    root.put("claimNo", claimNo);
    root.put("personIdNo", "445202199001011248");
    root.put("personName", "张三");
    root.put("officeCode", "445202");
    root.put("admissionDate", "2018-03-01");
    root.put("dischargeDate", "2018-03-20");
    root.set("lines", lines);
  }

  public static ClaimJson claim(String claimNo) {
    return new ClaimJson(claimNo);
  }

  public ClaimJson person(String idNo) {
    root.put("personIdNo", idNo);
    return this;
  }

  public ClaimJson office(String code) {
    root.put("officeCode", code);
    return this;
  }

  public ClaimJson dates(String admission, String discharge) {
    root.put("admissionDate", admission);
    root.put("dischargeDate", discharge);
    return this;
  }

  /** A line of quantity 1 at {@code yuan}. */
  public ClaimJson item(String code, String yuan) {
    return line(code, "1", yuan);
  }

  /** A line whose amount is round(quantity × unit price). */
  public ClaimJson line(String code, String quantity, String unitPrice) {
    BigDecimal amount =
        new BigDecimal(quantity)
            .multiply(new BigDecimal(unitPrice))
            .setScale(2, RoundingMode.HALF_UP);
    return line(code, quantity, unitPrice, amount.toPlainString());
  }

  public ClaimJson line(String code, String quantity, String unitPrice, String amount) {
    ObjectNode l = lines.addObject();
    l.put("lineNo", String.valueOf(lines.size()));
    l.put("itemCode", code);
    l.put("itemName", "项目 " + code);
    l.put("quantity", new BigDecimal(quantity));
    l.put("unitPrice", new BigDecimal(unitPrice));
    l.put("amount", new BigDecimal(amount));
    return this;
  }

  public ObjectNode node() {
    return root;
  }

  public String json() {
    try {
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The worked example's first admission: A 37000, B (20%) 10000, C 3000 = 50000. */
  public static ClaimJson workedExample1(String claimNo) {
    return claim(claimNo).item("T-A", "37000.00").item("T-B20", "10000.00").item("T-C", "3000.00");
  }

  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
