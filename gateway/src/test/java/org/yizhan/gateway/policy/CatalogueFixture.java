package org.yizhan.gateway.policy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway.Response;

/** The province's agency staff who keep the catalogue, and drafts of catalogue versions. */
public final class CatalogueFixture {
  /** 广东's agency staff (config/managers.yaml): the catalogue's maker and checker. */
  public static final String MAKER = "yb440000";

  public static final String MAKER_PASSWORD = "demo-445200-agency";
  public static final String CHECKER = "yb440000b";
  public static final String CHECKER_PASSWORD = "demo-440000-checker";

  /** The test items' lines (src/test/resources/test-catalogue.csv), header first. */
  public static final String HEADER =
      "code,name,category,self_pay_ratio,price_cap,valid_from,valid_to\n";

  private CatalogueFixture() {}

  /** The version in force now exported, with T-B20's self-pay ratio raised from 20% to 50%. */
  static String raisedSelfPay(ManagerClient m, long inForce) {
    String csv = m.get("/agency/api/catalogues/" + inForce + "/document").body();
    String from = "T-B20,test item B 20%,B,0.20,";
    if (!csv.contains(from)) {
      throw new IllegalStateException("the exported catalogue has no '" + from + "'");
    }
    return csv.replace(from, "T-B20,test item B 20%,B,0.50,");
  }

  /** Uploads {@code csv} as a draft from {@code validFrom}, open-ended. */
  static Response draft(ManagerClient m, byte[] csv, String validFrom, String documentNo) {
    String query =
        "?validFrom="
            + validFrom
            + (documentNo == null ? "" : "&documentNo=" + enc(documentNo))
            + "&reason="
            + enc("乙类自付比例调整");
    return m.postFile("/agency/api/catalogues" + query, "text/csv", csv);
  }

  static Response draft(ManagerClient m, String csv, String validFrom) {
    return draft(m, csv.getBytes(StandardCharsets.UTF_8), validFrom, "粤医保发〔2019〕8号");
  }

  static long inForce(ManagerClient m, String date) {
    return ClaimJson.parse(m.get("/agency/api/catalogues/in-force?date=" + date).body())
        .get("version")
        .asLong();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
