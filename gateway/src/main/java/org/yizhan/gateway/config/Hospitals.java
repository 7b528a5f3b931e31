package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yizhan.core.policy.UnknownItems;

/**
 * The hospital registry of {@code config/hospitals.yaml}: designated hospitals with their level,
 * region, API keys (as SHA-256 hex of the secret) and, optionally, their own setting for item codes
 * not in the catalogue ({@code unknownItems}: SELF_PAY or REFUSE; absent = the policy's).
 */
public final class Hospitals {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * A designated hospital.
   *
   * @param unknownItems its own setting for item codes not in the catalogue, or {@code null} to
   *     follow the policy's
   * @param paasid the id its system signs national-interface requests with ({@code x-tif-paasid});
   *     by default its code
   * @param national how the national interface speaks with its system
   */
  public record Hospital(
      String code,
      String name,
      int level,
      String region,
      List<Key> keys,
      UnknownItems unknownItems,
      String paasid,
      National national) {
    public Hospital {
      Objects.requireNonNull(code, "code");
      keys = List.copyOf(keys);
      paasid = paasid == null ? code : paasid;
      national = national == null ? National.DEFAULT : national;
    }

    /** A hospital that follows the policy for unknown item codes and signs with its code. */
    public Hospital(String code, String name, int level, String region, List<Key> keys) {
      this(code, name, level, region, keys, null, code, National.DEFAULT);
    }
  }

  /**
   * A hospital's settings of the national interface ({@code nhsa:} in its entry).
   *
   * @param infcodeAsString answer {@code infcode} as the string {@code "0"} / {@code "-1"} rather
   *     than the number the specification types it as (some Java systems compare it with "0")
   * @param signInRequired refuse business messages whose {@code sign_no} is not an open 9001
   *     sign-in of the hospital (the national platform does); off by default, so systems that never
   *     sign in keep working
   */
  public record National(boolean infcodeAsString, boolean signInRequired) {
    public static final National DEFAULT = new National(false, false);
  }

  /** One API key of a hospital: its public id and the SHA-256 (hex) of its secret. */
  public record Key(String id, String sha256Hex) {}

  private Hospitals() {}

  public static List<Hospital> load(Path file) {
    String name = file.getFileName().toString();
    JsonNode json;
    try {
      json = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
    }
    Node root = Node.root(name, json).onlyKeys(Set.of("hospitals"));
    List<Hospital> out = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    Set<String> paasids = new HashSet<>();
    Set<String> keyIds = new HashSet<>();
    for (Node h : root.required("hospitals").elements()) {
      h.onlyKeys(
          Set.of("code", "name", "level", "region", "keys", "unknownItems", "paasid", "nhsa"));
      String code = h.required("code").text("[A-Za-z0-9]{1,32}", "1–32 letters or digits");
      if (!codes.add(code)) {
        throw h.child("code").error("hospital " + code + " appears twice");
      }
      List<Key> keys = new ArrayList<>();
      Node keyList = h.child("keys");
      if (!keyList.isMissingOrNull()) {
        for (Node k : keyList.elements()) {
          k.onlyKeys(Set.of("id", "sha256"));
          String id = k.required("id").text("[A-Za-z0-9._-]{1,64}", "a key id");
          if (!keyIds.add(id)) {
            throw k.child("id").error("key id " + id + " appears twice");
          }
          keys.add(
              new Key(id, k.required("sha256").text("[0-9a-f]{64}", "64 lower-case hex digits")));
        }
      }
      out.add(
          new Hospital(
              code,
              h.required("name").text(),
              h.required("level").integer(1, 3),
              h.required("region").text("\\d{6}", "a 6-digit region code"),
              keys,
              PolicyFiles.unknownItemsOr(h.child("unknownItems"), null),
              h.child("paasid").isMissingOrNull()
                  ? code
                  : h.child("paasid").text("[A-Za-z0-9._-]{1,64}", "1–64 letters, digits, . _ -"),
              national(h.child("nhsa"))));
    }
    for (Hospital h : out) {
      if (!paasids.add(h.paasid())) {
        throw new ConfigException(name + ": paasid " + h.paasid() + " is given to two hospitals");
      }
    }
    return List.copyOf(out);
  }

  private static National national(Node n) {
    if (n.isMissingOrNull()) {
      return National.DEFAULT;
    }
    n.onlyKeys(Set.of("infcodeAsString", "signInRequired"));
    return new National(
        n.child("infcodeAsString").boolOr(false), n.child("signInRequired").boolOr(false));
  }

  /** Each hospital's national-interface settings, by code. */
  public static Map<String, National> nationalByHospital(List<Hospital> hospitals) {
    Map<String, National> out = new HashMap<>();
    for (Hospital h : hospitals) {
      out.put(h.code(), h.national());
    }
    return Map.copyOf(out);
  }

  /** The hospitals that have their own setting for unknown item codes, by code. */
  public static Map<String, UnknownItems> unknownItemsByHospital(List<Hospital> hospitals) {
    Map<String, UnknownItems> out = new HashMap<>();
    for (Hospital h : hospitals) {
      if (h.unknownItems() != null) {
        out.put(h.code(), h.unknownItems());
      }
    }
    return Map.copyOf(out);
  }
}
