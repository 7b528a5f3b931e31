package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.model.Ratio;
import org.yizhan.core.policy.AssistanceRules;
import org.yizhan.core.policy.AssistanceTerms;
import org.yizhan.core.policy.Band;
import org.yizhan.core.policy.BasicRules;
import org.yizhan.core.policy.CriticalIllnessRules;
import org.yizhan.core.policy.IdentityRules;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.core.policy.PolicyId;
import org.yizhan.core.policy.Schedule;
import org.yizhan.core.policy.UnknownItems;

/**
 * Loads policy versions from {@code config/policies/*.yaml} (or {@code .json}), one version per
 * file. Every key is checked: an unknown or misspelt key, a missing figure or a value of the wrong
 * form is refused with the file and the field's path, e.g. {@code 445200-RESIDENT-2018.yaml:
 * basic.ratio.3[1].ratio: must be a ratio with at most 4 decimals}. The core's records then check
 * the figures' relations (bands increasing, levels matching).
 */
public final class PolicyFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PolicyFiles() {}

  /** Loads every policy file of {@code dir} into a book; refuses overlapping versions. */
  public static PolicyBook load(Path dir) {
    List<Policy> policies = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
          policies.add(loadFile(file));
        }
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read policies from " + dir + ": " + e.getMessage(), e);
    }
    if (policies.isEmpty()) {
      throw new ConfigException(dir + ": no policy files (*.yaml, *.json)");
    }
    try {
      return PolicyBook.of(policies);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(dir + ": " + e.getMessage(), e);
    }
  }

  public static Policy loadFile(Path file) {
    String name = file.getFileName().toString();
    JsonNode json;
    try {
      json = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(name + ": not valid YAML/JSON: " + e.getMessage(), e);
    }
    return parse(name, json);
  }

  /**
   * Parses one policy version from its YAML (or JSON) text, as a file of that name would be: the
   * same checks, the same field-named complaints ({@link ConfigException}).
   */
  public static Policy parseText(String name, String text) {
    JsonNode json;
    try {
      json = YAML.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException(name + ": not valid YAML/JSON: " + e.getOriginalMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new ConfigException(name + ": a policy must be a mapping of its fields");
    }
    return parse(name, json);
  }

  static Policy parse(String file, JsonNode json) {
    Node root =
        Node.root(file, json)
            .onlyKeys(
                Set.of(
                    "region",
                    "scheme",
                    "year",
                    "validFrom",
                    "validTo",
                    "basic",
                    "criticalIllness",
                    "assistance",
                    "identities",
                    "overallCapRatio",
                    "unknownItems",
                    "outOfPocketLine"));
    PolicyId id =
        new PolicyId(
            root.required("region").text("\\d{6}", "a 6-digit region code"),
            root.required("scheme").text("[A-Z][A-Z_]{1,31}", "an upper-case scheme name"),
            root.required("year").integer(2000, 2100));
    Node ratioNode = root.child("overallCapRatio");
    return checked(
        root,
        () ->
            new Policy(
                id,
                root.required("validFrom").date(),
                root.required("validTo").date(),
                basic(root.required("basic")),
                criticalIllness(root.required("criticalIllness")),
                assistance(root.required("assistance")),
                identities(root.child("identities")),
                ratioNode.isMissingOrNull() ? null : ratioNode.ratio(),
                unknownItemsOr(root.child("unknownItems"), UnknownItems.SELF_PAY),
                outOfPocketLine(root.child("outOfPocketLine"))));
  }

  /**
   * {@code unknownItems}: {@code SELF_PAY} (an item code not in the catalogue is paid by the
   * patient, flagged) or {@code REFUSE} (the claim is refused with UNKNOWN_ITEM); {@code absent}
   * when missing. Shared with the hospital registry.
   */
  static UnknownItems unknownItemsOr(Node n, UnknownItems absent) {
    if (n.isMissingOrNull()) {
      return absent;
    }
    String value = n.text();
    try {
      return UnknownItems.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw n.error(
          "unknown setting '" + value + "'; expected one of " + List.of(UnknownItems.values()));
    }
  }

  /**
   * {@code outOfPocketLine}: yuan; a person whose out-of-pocket over a year passes it is listed by
   * the oversight figures (因病致贫 candidates). {@link Policy#DEFAULT_OUT_OF_POCKET_LINE_FEN} when
   * absent; the core refuses 0, a negative line and one over its maximum.
   */
  private static long outOfPocketLine(Node n) {
    return n.isMissingOrNull() ? Policy.DEFAULT_OUT_OF_POCKET_LINE_FEN : n.yuan();
  }

  private static BasicRules basic(Node n) {
    n.onlyKeys(Set.of("fundCode", "deductible", "ratio", "annualCap", "waiveOnReadmission"));
    Map<Integer, Long> deductible = new HashMap<>();
    for (Map.Entry<String, Node> e : n.required("deductible").entries()) {
      deductible.put(level(e.getValue(), e.getKey()), e.getValue().yuan());
    }
    Map<Integer, Schedule> ratio = new HashMap<>();
    for (Map.Entry<String, Node> e : n.required("ratio").entries()) {
      ratio.put(level(e.getValue(), e.getKey()), schedule(e.getValue()));
    }
    Set<IdentityCategory> waive = EnumSet.noneOf(IdentityCategory.class);
    Node w = n.child("waiveOnReadmission");
    if (!w.isMissingOrNull()) {
      for (Node c : w.elements()) {
        waive.add(category(c, c.text()));
      }
    }
    return checked(
        n,
        () ->
            new BasicRules(fundCode(n), deductible, ratio, n.required("annualCap").yuan(), waive));
  }

  private static CriticalIllnessRules criticalIllness(Node n) {
    n.onlyKeys(Set.of("fundCode", "threshold", "schedule", "annualCap", "includePreSelfPay"));
    return checked(
        n,
        () ->
            new CriticalIllnessRules(
                fundCode(n),
                n.required("threshold").yuan(),
                schedule(n.required("schedule")),
                n.child("annualCap").yuanOrNull(),
                n.required("includePreSelfPay").bool()));
  }

  private static AssistanceRules assistance(Node n) {
    n.onlyKeys(Set.of("fundCode", "includePreSelfPay"));
    return checked(
        n, () -> new AssistanceRules(fundCode(n), n.required("includePreSelfPay").bool()));
  }

  private static Map<IdentityCategory, IdentityRules> identities(Node n) {
    Map<IdentityCategory, IdentityRules> out = new EnumMap<>(IdentityCategory.class);
    if (n.isMissingOrNull()) {
      return out;
    }
    for (Map.Entry<String, Node> e : n.entries()) {
      Node i = e.getValue().onlyKeys(Set.of("basic", "criticalIllness", "assistance"));
      Node b = i.child("basic");
      Node c = i.child("criticalIllness");
      if (!b.isMissingOrNull()) {
        b.onlyKeys(Set.of("deductibleFactor", "ratioBonus"));
      }
      if (!c.isMissingOrNull()) {
        c.onlyKeys(Set.of("thresholdFactor", "ratioBonus", "capRemoved"));
      }
      Node a = i.child("assistance");
      AssistanceTerms terms = null;
      if (!a.isMissingOrNull()) {
        a.onlyKeys(Set.of("deductible", "ratio", "annualLimit"));
        terms =
            checked(
                a,
                () ->
                    new AssistanceTerms(
                        a.required("deductible").yuan(),
                        a.required("ratio").ratio(),
                        a.child("annualLimit").yuanOrNull()));
      }
      AssistanceTerms t = terms;
      out.put(
          category(e.getValue(), e.getKey()),
          checked(
              i,
              () ->
                  new IdentityRules(
                      b.child("deductibleFactor").ratioOr(Ratio.ONE),
                      b.child("ratioBonus").ratioOr(Ratio.ZERO),
                      c.child("thresholdFactor").ratioOr(Ratio.ONE),
                      c.child("ratioBonus").ratioOr(Ratio.ZERO),
                      c.child("capRemoved").boolOr(false),
                      t)));
    }
    return out;
  }

  private static Schedule schedule(Node n) {
    List<Band> bands = new ArrayList<>();
    for (Node b : n.elements()) {
      b.onlyKeys(Set.of("upTo", "ratio"));
      bands.add(
          checked(b, () -> new Band(b.child("upTo").yuanOrNull(), b.required("ratio").ratio())));
    }
    return checked(n, () -> new Schedule(bands));
  }

  private static String fundCode(Node n) {
    return n.required("fundCode").text("\\d{6}", "a 6-digit fund code");
  }

  private static int level(Node at, String key) {
    if (!key.matches("[123]")) {
      throw at.error("hospital level must be 1, 2 or 3");
    }
    return Integer.parseInt(key);
  }

  private static IdentityCategory category(Node at, String name) {
    try {
      return IdentityCategory.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw at.error(
          "unknown identity '" + name + "'; expected one of " + List.of(IdentityCategory.values()));
    }
  }

  /** Runs a core constructor, turning its complaint into one that names file and path. */
  private static <T> T checked(Node at, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw at.error(e.getMessage());
    }
  }
}
