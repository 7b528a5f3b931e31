package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.yizhan.core.model.Fen;
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
 *
 * <p>Every problem is found, not just the first: a part that fails is recorded and the parse goes
 * on with the next, and the document is refused with all of them ({@link Invalid}). The files are
 * the seed and the import/export format of the policy versions an agency drafts (docs/policies.md),
 * whose author must see everything wrong with a draft at once.
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

  /** A policy file's name and text, as shipped: the seed of the policy versions. */
  public record Document(String fileName, String text) {}

  /** The texts of every policy file of {@code dir}, by name (see {@link #load}). */
  public static List<Document> documents(Path dir) {
    List<Document> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
          out.add(new Document(name, Files.readString(file)));
        }
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read policies from " + dir + ": " + e.getMessage(), e);
    }
    return out;
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

  /** One problem of a policy document: the field's path and what is wrong with it. */
  public record Problem(String field, String message) {}

  /** A policy document with problems: every one of them, each naming its field. */
  public static final class Invalid extends ConfigException {
    private static final long serialVersionUID = 1L;

    /** Problems of one document beyond this many are not listed (the first ones say enough). */
    static final int MAX_PROBLEMS = 200;

    private final transient List<Problem> problems;

    Invalid(String file, List<Problem> problems) {
      super(
          String.join(
              "; ",
              problems.stream().map(p -> file + ": " + p.field() + ": " + p.message()).toList()));
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  /**
   * Parses a policy document (YAML or JSON text) as the loader parses a file, but lists every
   * problem: a draft's author sees all that is wrong at once, not one error per attempt.
   *
   * @param name the document's name in messages, e.g. the uploaded file's
   * @throws Invalid with every problem, each naming its field
   */
  public static Policy parseDocument(String name, String text) {
    JsonNode json;
    try {
      json = YAML.readTree(text);
    } catch (IOException e) {
      throw new Invalid(
          name, List.of(new Problem("(document)", "not valid YAML/JSON: " + e.getMessage())));
    }
    if (json == null || json.isMissingNode()) {
      throw new Invalid(name, List.of(new Problem("(document)", "is empty")));
    }
    return parse(name, json);
  }

  /**
   * The problems found so far. A part that fails is recorded and its value taken as absent, so the
   * parse goes on to the next part; the policy is built only when nothing failed.
   */
  private static final class Problems {
    private final List<Problem> found = new ArrayList<>();

    <T> T attempt(Supplier<T> part) {
      try {
        return part.get();
      } catch (ConfigException e) {
        add(e);
        return null;
      }
    }

    void add(ConfigException e) {
      if (found.size() < Invalid.MAX_PROBLEMS) {
        found.add(new Problem(e.field() == null ? "(document)" : e.field(), e.problem()));
      }
    }

    /** Records {@code n}'s unknown keys; false when {@code n} is not a mapping at all. */
    boolean keys(Node n, Set<String> allowed) {
      try {
        n.strayKeys(allowed).forEach(this::add);
        return true;
      } catch (ConfigException e) {
        add(e);
        return false;
      }
    }

    boolean any() {
      return !found.isEmpty();
    }
  }

  private static final Set<String> TOP_KEYS =
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
          "outOfPocketLine");

  static Policy parse(String file, JsonNode json) {
    Problems p = new Problems();
    Node root = Node.root(file, json);
    if (!p.keys(root, TOP_KEYS)) {
      throw new Invalid(file, p.found);
    }
    String region =
        p.attempt(() -> root.required("region").text("\\d{6}", "a 6-digit region code"));
    String scheme =
        p.attempt(
            () -> root.required("scheme").text("[A-Z][A-Z_]{1,31}", "an upper-case scheme name"));
    Integer year = p.attempt(() -> root.required("year").integer(2000, 2100));
    LocalDate from = p.attempt(() -> root.required("validFrom").date());
    LocalDate to = p.attempt(() -> root.required("validTo").date());
    BasicRules basic = p.attempt(() -> basic(root.required("basic"), p));
    CriticalIllnessRules ci = p.attempt(() -> criticalIllness(root.required("criticalIllness"), p));
    AssistanceRules assistance = p.attempt(() -> assistance(root.required("assistance"), p));
    Map<IdentityCategory, IdentityRules> identities =
        p.attempt(() -> identities(root.child("identities"), p));
    Node ratioNode = root.child("overallCapRatio");
    Ratio cap = p.attempt(() -> ratioNode.isMissingOrNull() ? null : capRatio(ratioNode));
    UnknownItems unknown =
        p.attempt(() -> unknownItemsOr(root.child("unknownItems"), UnknownItems.SELF_PAY));
    Long line = p.attempt(() -> outOfPocketLine(root.child("outOfPocketLine")));
    Policy built =
        p.any()
            ? null
            : p.attempt(
                () ->
                    checked(
                        root,
                        () ->
                            new Policy(
                                new PolicyId(region, scheme, year),
                                from,
                                to,
                                basic,
                                ci,
                                assistance,
                                identities,
                                cap,
                                unknown,
                                line)));
    if (p.any()) {
      throw new Invalid(file, p.found);
    }
    return built;
  }

  /**
   * {@code outOfPocketLine}: yuan; a person whose out-of-pocket over a year passes it is listed by
   * the oversight figures (因病致贫 candidates). {@link Policy#DEFAULT_OUT_OF_POCKET_LINE_FEN} when
   * absent; 0 and more than {@link Policy#MAX_OUT_OF_POCKET_LINE_FEN} are refused here (so listed
   * with the rest) as the core would.
   */
  private static long outOfPocketLine(Node n) {
    if (n.isMissingOrNull()) {
      return Policy.DEFAULT_OUT_OF_POCKET_LINE_FEN;
    }
    long fen = n.yuan();
    if (fen <= 0 || fen > Policy.MAX_OUT_OF_POCKET_LINE_FEN) {
      throw n.error(
          "must be more than 0 and at most "
              + Fen.format(Policy.MAX_OUT_OF_POCKET_LINE_FEN)
              + " yuan, got "
              + Fen.format(fen));
    }
    return fen;
  }

  /** The overall ceiling's ratio, at most 1 (checked here too, so it is listed with the rest). */
  private static Ratio capRatio(Node n) {
    Ratio r = n.ratio();
    if (!r.isAtMostOne()) {
      throw n.error("must be at most 1, got " + r);
    }
    return r;
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

  private static BasicRules basic(Node n, Problems p) {
    int before = p.found.size();
    p.keys(n, Set.of("fundCode", "deductible", "ratio", "annualCap", "waiveOnReadmission"));
    String fund = p.attempt(() -> fundCode(n));
    Map<Integer, Long> deductible = new HashMap<>();
    List<Map.Entry<String, Node>> deductibles = p.attempt(() -> n.required("deductible").entries());
    for (Map.Entry<String, Node> e :
        deductibles == null ? List.<Map.Entry<String, Node>>of() : deductibles) {
      Integer level = p.attempt(() -> level(e.getValue(), e.getKey()));
      Long fen = p.attempt(() -> e.getValue().yuan());
      if (level != null && fen != null) {
        deductible.put(level, fen);
      }
    }
    Map<Integer, Schedule> ratio = new HashMap<>();
    List<Map.Entry<String, Node>> ratios = p.attempt(() -> n.required("ratio").entries());
    for (Map.Entry<String, Node> e : ratios == null ? List.<Map.Entry<String, Node>>of() : ratios) {
      Integer level = p.attempt(() -> level(e.getValue(), e.getKey()));
      Schedule schedule = p.attempt(() -> schedule(e.getValue(), p));
      if (level != null && schedule != null) {
        ratio.put(level, schedule);
      }
    }
    Long cap = p.attempt(() -> n.required("annualCap").yuan());
    Set<IdentityCategory> waive = EnumSet.noneOf(IdentityCategory.class);
    Node w = n.child("waiveOnReadmission");
    List<Node> waived = w.isMissingOrNull() ? List.of() : p.attempt(w::elements);
    for (Node c : waived == null ? List.<Node>of() : waived) {
      IdentityCategory category = p.attempt(() -> category(c, c.text()));
      if (category != null) {
        waive.add(category);
      }
    }
    if (p.found.size() > before) {
      return null;
    }
    return checked(n, () -> new BasicRules(fund, deductible, ratio, cap, waive));
  }

  private static CriticalIllnessRules criticalIllness(Node n, Problems p) {
    int before = p.found.size();
    p.keys(n, Set.of("fundCode", "threshold", "schedule", "annualCap", "includePreSelfPay"));
    String fund = p.attempt(() -> fundCode(n));
    Long threshold = p.attempt(() -> n.required("threshold").yuan());
    Schedule schedule = p.attempt(() -> schedule(n.required("schedule"), p));
    Long cap = p.attempt(() -> n.child("annualCap").yuanOrNull());
    Boolean pre = p.attempt(() -> n.required("includePreSelfPay").bool());
    if (p.found.size() > before) {
      return null;
    }
    return checked(n, () -> new CriticalIllnessRules(fund, threshold, schedule, cap, pre));
  }

  private static AssistanceRules assistance(Node n, Problems p) {
    int before = p.found.size();
    p.keys(n, Set.of("fundCode", "includePreSelfPay"));
    String fund = p.attempt(() -> fundCode(n));
    Boolean pre = p.attempt(() -> n.required("includePreSelfPay").bool());
    if (p.found.size() > before) {
      return null;
    }
    return checked(n, () -> new AssistanceRules(fund, pre));
  }

  private static Map<IdentityCategory, IdentityRules> identities(Node n, Problems p) {
    Map<IdentityCategory, IdentityRules> out = new EnumMap<>(IdentityCategory.class);
    if (n.isMissingOrNull()) {
      return out;
    }
    int before = p.found.size();
    for (Map.Entry<String, Node> e : n.entries()) {
      IdentityCategory category = p.attempt(() -> category(e.getValue(), e.getKey()));
      IdentityRules rules = p.attempt(() -> identity(e.getValue(), p));
      if (category != null && rules != null) {
        out.put(category, rules);
      }
    }
    return p.found.size() > before ? null : out;
  }

  private static IdentityRules identity(Node i, Problems p) {
    int before = p.found.size();
    if (!p.keys(i, Set.of("basic", "criticalIllness", "assistance"))) {
      return null;
    }
    Node b = i.child("basic");
    Node c = i.child("criticalIllness");
    Node a = i.child("assistance");
    if (!b.isMissingOrNull()) {
      p.keys(b, Set.of("deductibleFactor", "ratioBonus"));
    }
    if (!c.isMissingOrNull()) {
      p.keys(c, Set.of("thresholdFactor", "ratioBonus", "capRemoved"));
    }
    AssistanceTerms terms = null;
    if (!a.isMissingOrNull() && p.keys(a, Set.of("deductible", "ratio", "annualLimit"))) {
      Long deductible = p.attempt(() -> a.required("deductible").yuan());
      Ratio ratio = p.attempt(() -> a.required("ratio").ratio());
      Long limit = p.attempt(() -> a.child("annualLimit").yuanOrNull());
      if (p.found.size() == before) {
        terms = p.attempt(() -> checked(a, () -> new AssistanceTerms(deductible, ratio, limit)));
      }
    }
    Ratio deductibleFactor = p.attempt(() -> b.child("deductibleFactor").ratioOr(Ratio.ONE));
    Ratio basicBonus = p.attempt(() -> b.child("ratioBonus").ratioOr(Ratio.ZERO));
    Ratio thresholdFactor = p.attempt(() -> c.child("thresholdFactor").ratioOr(Ratio.ONE));
    Ratio ciBonus = p.attempt(() -> c.child("ratioBonus").ratioOr(Ratio.ZERO));
    Boolean capRemoved = p.attempt(() -> c.child("capRemoved").boolOr(false));
    if (p.found.size() > before) {
      return null;
    }
    AssistanceTerms t = terms;
    return checked(
        i,
        () ->
            new IdentityRules(
                deductibleFactor, basicBonus, thresholdFactor, ciBonus, capRemoved, t));
  }

  private static Schedule schedule(Node n, Problems p) {
    int before = p.found.size();
    List<Band> bands = new ArrayList<>();
    for (Node b : n.elements()) {
      if (!p.keys(b, Set.of("upTo", "ratio"))) {
        continue;
      }
      Long upTo = p.attempt(() -> b.child("upTo").yuanOrNull());
      Ratio ratio = p.attempt(() -> b.required("ratio").ratio());
      if (ratio != null) {
        Band band = p.attempt(() -> checked(b, () -> new Band(upTo, ratio)));
        if (band != null) {
          bands.add(band);
        }
      }
    }
    if (p.found.size() > before) {
      return null;
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
