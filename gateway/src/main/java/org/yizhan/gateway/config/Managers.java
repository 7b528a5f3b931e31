package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The managers of {@code config/managers.yaml}: civil-affairs staff, and insurance-agency staff
 * ({@code role: AGENCY}, whose office is their insurance region).
 */
public final class Managers {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * A prepayment manager.
   *
   * @param username the login name
   * @param name a name for people
   * @param officeCode the one civil-affairs office the manager acts for
   * @param passwordHash PBKDF2 hash (see {@code security.PasswordHash})
   * @param role CIVIL_AFFAIRS (the default) or AGENCY
   */
  public record Manager(
      String username, String name, String officeCode, String passwordHash, String role) {}

  private Managers() {}

  /** The managers of {@code file}; none when it does not exist. */
  public static List<Manager> load(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    String name = file.getFileName().toString();
    JsonNode json;
    try {
      json = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
    }
    Node root = Node.root(name, json).onlyKeys(Set.of("managers"));
    List<Manager> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node m : root.required("managers").elements()) {
      m.onlyKeys(Set.of("username", "name", "office", "passwordHash", "role"));
      String username =
          m.required("username").text("[a-z0-9._-]{3,64}", "3–64 lower-case letters or digits");
      if (!seen.add(username)) {
        throw m.child("username").error("manager " + username + " appears twice");
      }
      out.add(
          new Manager(
              username,
              m.required("name").text(),
              m.required("office").text("\\d{6}", "a 6-digit office code"),
              m.required("passwordHash")
                  .text(
                      "pbkdf2-sha256\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+", "a PBKDF2 hash"),
              m.child("role").isMissingOrNull()
                  ? "CIVIL_AFFAIRS"
                  : m.child("role").text("CIVIL_AFFAIRS|AGENCY", "CIVIL_AFFAIRS or AGENCY")));
    }
    return List.copyOf(out);
  }
}
