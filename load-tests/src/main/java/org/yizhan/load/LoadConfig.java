package org.yizhan.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a load, from system properties (so {@code java -DbaseUrl=… -Drate=…}, the
 * Gatling Maven plugin and the smoke test all set them the same way). Each is checked here, with
 * the bad value in the message, before a simulation starts.
 *
 * <ul>
 *   <li>{@code baseUrl}: the gateway, default {@code http://127.0.0.1:8080}
 *   <li>{@code rate}: arrivals per second (open workload), default 10
 *   <li>{@code duration}: seconds of load, default 30
 *   <li>{@code hospitalKey}: one hospital's API key; default every demo key of {@code
 *       config/demo-keys.txt} (the three hospital levels)
 *   <li>{@code p99Ms}: the bound the 99th percentile response time must stay under, default 100
 *   <li>{@code population}: persons (see {@link Population}), default 2000
 *   <li>{@code hotPersons}: persons of {@code HotPerson}, default 5
 *   <li>{@code configDir}: the repository's {@code config/}, default {@code config} or {@code
 *       ../config}, whichever exists
 * </ul>
 */
public record LoadConfig(
    String baseUrl,
    double ratePerSecond,
    int durationSeconds,
    List<String> hospitalKeys,
    int p99BoundMillis,
    int populationSize,
    int hotPersons,
    Path configDir) {

  /** The highest arrival rate accepted, per second (far beyond what one machine settles). */
  public static final double RATE_MAX = 100_000;

  /** The longest load, seconds (one day). */
  public static final int DURATION_MAX_SECONDS = 86_400;

  private static final Pattern DEMO_KEY =
      Pattern.compile("^(H\\d+)\\s.*\\(level (\\d)\\)\\s+(yz_\\S+)\\s*$");

  public LoadConfig {
    if (!baseUrl.matches("https?://[^/\\s]+")) {
      throw new IllegalArgumentException("baseUrl must be http(s)://host:port: " + baseUrl);
    }
    if (!(ratePerSecond > 0 && ratePerSecond <= RATE_MAX)) {
      throw new IllegalArgumentException("rate must be in (0, " + RATE_MAX + "]: " + ratePerSecond);
    }
    if (durationSeconds < 1 || durationSeconds > DURATION_MAX_SECONDS) {
      throw new IllegalArgumentException(
          "duration must be 1.." + DURATION_MAX_SECONDS + " s: " + durationSeconds);
    }
    if (hospitalKeys.isEmpty()) {
      throw new IllegalArgumentException("no hospital key");
    }
    if (p99BoundMillis < 1) {
      throw new IllegalArgumentException("p99Ms must be at least 1: " + p99BoundMillis);
    }
    if (hotPersons < 1 || hotPersons > 1000) {
      throw new IllegalArgumentException("hotPersons must be 1..1000: " + hotPersons);
    }
    hospitalKeys = List.copyOf(hospitalKeys);
  }

  /** The configuration the system properties give. */
  public static LoadConfig fromSystemProperties() {
    Path config = configDir(System.getProperty("configDir"));
    String key = System.getProperty("hospitalKey");
    return new LoadConfig(
        System.getProperty("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", ""),
        Double.parseDouble(System.getProperty("rate", "10")),
        Integer.parseInt(System.getProperty("duration", "30")),
        key == null || key.isBlank() ? demoKeys(config) : List.of(key.trim()),
        Integer.parseInt(System.getProperty("p99Ms", "100")),
        Integer.parseInt(System.getProperty("population", "2000")),
        Integer.parseInt(System.getProperty("hotPersons", "5")),
        config);
  }

  public Population population() {
    return new Population(populationSize);
  }

  public Path catalogue() {
    return configDir.resolve("catalogue").resolve("guangdong-demo.csv");
  }

  static Path configDir(String given) {
    List<Path> tries =
        given != null ? List.of(Path.of(given)) : List.of(Path.of("config"), Path.of("../config"));
    for (Path p : tries) {
      if (Files.isRegularFile(p.resolve("demo-keys.txt"))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalArgumentException(
        "no config/ with demo-keys.txt at " + tries + "; set -DconfigDir=<repository>/config");
  }

  /** The demo hospitals' API keys, in file order (levels 3, 2, 1, 2). */
  public static List<String> demoKeys(Path configDir) {
    List<String> keys = new ArrayList<>();
    try {
      for (String line :
          Files.readAllLines(configDir.resolve("demo-keys.txt"), StandardCharsets.UTF_8)) {
        Matcher m = DEMO_KEY.matcher(line);
        if (m.matches()) {
          keys.add(m.group(3));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }
}
