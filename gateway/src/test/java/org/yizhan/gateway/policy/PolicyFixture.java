package org.yizhan.gateway.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestGateway;

/** The shipped policy documents, edited for drafts, and the agency staff who draft and approve. */
public final class PolicyFixture {
  /** 揭阳's agency staff: the maker and the checker (config/managers.yaml). */
  public static final String MAKER = "yb445200a";

  public static final String MAKER_PASSWORD = "demo-445200-maker";
  public static final String CHECKER = "yb445200b";
  public static final String CHECKER_PASSWORD = "demo-445200-checker";

  /** 广州's agency, which may not touch 揭阳's policies. */
  public static final String OTHER = "yb440100";

  public static final String OTHER_PASSWORD = "demo-440100-agency";

  /** 2019-06-10, 10:00 in 揭阳: inside the shipped 445200/RESIDENT/2019. */
  public static final Instant JUNE_10 = Instant.parse("2019-06-10T02:00:00Z");

  public static final Instant JUNE_11 = Instant.parse("2019-06-11T02:00:00Z");

  /** Hospital signatures off: the test clock is in 2019, the signer's in the present. */
  public static final Map<String, String> ENV = Map.of("YIZHAN_SECURITY_SIGNATURES_API", "OFF");

  private PolicyFixture() {}

  public static String shipped(String file) {
    try {
      return Files.readString(Path.of("..", "config", "policies", file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * 445200/RESIDENT/2019 revised from 2019-06-11: a level-3 deductible of 800 yuan instead of 1200.
   */
  public static String revision2019() {
    String text = shipped("445200-RESIDENT-2019.yaml");
    return replaced(
        replaced(text, "validFrom: 2019-01-01", "validFrom: 2019-06-11"),
        "deductible: {1: 300, 2: 600, 3: 1200}",
        "deductible: {1: 300, 2: 600, 3: 800}");
  }

  public static String replaced(String text, String from, String to) {
    if (!text.contains(from)) {
      throw new IllegalArgumentException("the document has no '" + from + "'");
    }
    return text.replace(from, to);
  }

  /**
   * A member of {@code region}'s agency staff made for the test (config/managers.yaml has one of
   * 440000 and 440100 each, a maker–checker pair needs two), logged in.
   */
  public static ManagerClient staff(TestGateway gw, String username, String region) {
    CoverageFixture.agency(gw, username, region);
    return ManagerClient.login(gw, username, CoverageFixture.AGENCY_PASSWORD);
  }

  /** The body of a draft. */
  public static String draft(String document, String documentNo, String reason) {
    ObjectNode n = ClaimJson.MAPPER.createObjectNode();
    n.put("document", document);
    if (documentNo != null) {
      n.put("documentNo", documentNo);
    }
    if (reason != null) {
      n.put("reason", reason);
    }
    return n.toString();
  }
}
