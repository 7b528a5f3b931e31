package org.yizhan.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yizhan.load.Population.Person;

/**
 * Seeds a running gateway for a load, through its public managers' API only (what a civil-affairs
 * office would do by hand on the managers' page): each demo manager logs in, imports the poor
 * persons of its office as a roster CSV (confirmed identities from 2018-01-01), opens its office's
 * prepayment account at every registered hospital and tops each up. Persons themselves need no
 * seeding: a person exists for the gateway from their first claim.
 *
 * <p>Seeding twice changes nothing: an unchanged roster row is left alone, opening an open account
 * returns it, and a top-up is idempotent by its reference ({@code seed-<office>-<hospital>}).
 *
 * <pre>
 * java -cp "$(cat load-tests/target/classpath.txt):load-tests/target/classes" \
 *   org.yizhan.load.Seed --base-url http://127.0.0.1:8080 --population 2000 --top-up 100000000.00
 * </pre>
 */
public final class Seed {
  /**
   * The demo managers of config/managers.yaml (passwords in config/demo-keys.txt): office → login.
   */
  static final Map<String, String[]> MANAGERS =
      Map.of(
          "445202", new String[] {"ca445202", "demo-445202-pass"},
          "445281", new String[] {"ca445281", "demo-445281-pass"});

  /** Rows per roster file (the gateway takes at most 50,000). */
  static final int ROSTER_ROWS_MAX = 50_000;

  /** Top-up per account unless told, yuan: enough that no load of this project drains it. */
  public static final String TOP_UP_DEFAULT = "100000000.00";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a seeding did: identities in the rosters, accounts opened or found, and their ids. */
  public record Result(int identities, Map<String, Long> accounts) {}

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Seed(String baseUrl) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
  }

  public static void main(String[] args) {
    String baseUrl = "http://127.0.0.1:8080";
    int population = 2000;
    String topUp = TOP_UP_DEFAULT;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--base-url" -> baseUrl = args[++i];
        case "--population" -> population = Integer.parseInt(args[++i]);
        case "--top-up" -> topUp = args[++i];
        default -> {
          System.err.println(
              "usage: Seed [--base-url URL] [--population N] [--top-up YUAN]; unknown: " + args[i]);
          System.exit(2);
        }
      }
    }
    Result r = new Seed(baseUrl).seed(new Population(population), new BigDecimal(topUp));
    System.out.println(
        "seeded "
            + r.identities()
            + " poor identities of "
            + population
            + " persons and "
            + r.accounts().size()
            + " prepayment accounts at "
            + baseUrl);
  }

  /**
   * Seeds {@code population}'s identities and every office's accounts, topped up to {@code
   * topUpYuan}.
   */
  public Result seed(Population population, BigDecimal topUpYuan) {
    if (topUpYuan.signum() <= 0 || topUpYuan.scale() > 2) {
      throw new IllegalArgumentException("top-up must be positive yuan, 2 decimals: " + topUpYuan);
    }
    int identities = 0;
    Map<String, Long> accounts = new LinkedHashMap<>();
    List<Person> everyone = population.all();
    for (String office : Population.MANAGED_OFFICES) {
      String[] login = MANAGERS.get(office);
      String token = login(login[0], login[1]);
      List<Person> poor = new ArrayList<>();
      for (Person p : everyone) {
        if (p.office().equals(office) && p.poor()) {
          poor.add(p);
        }
      }
      for (int from = 0; from < poor.size(); from += ROSTER_ROWS_MAX) {
        importRoster(token, poor.subList(from, Math.min(poor.size(), from + ROSTER_ROWS_MAX)));
      }
      identities += poor.size();
      for (JsonNode h : call(token, "GET", "/manager/api/hospitals", null, null, 200)) {
        String hospital = h.get("code").asText();
        long id =
            call(token, "POST", "/manager/api/accounts", json("hospitalCode", hospital), null, 200)
                .get("id")
                .asLong();
        String topUp =
            "{\"reference\":\"seed-" + office + "-" + hospital + "\",\"amount\":" + topUpYuan + "}";
        call(token, "POST", "/manager/api/accounts/" + id + "/top-ups", topUp, null, 200, 201);
        accounts.put(office + "/" + hospital, id);
      }
    }
    return new Result(identities, accounts);
  }

  private String login(String username, String password) {
    String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    return call(null, "POST", "/manager/api/login", body, null, 200).get("token").asText();
  }

  private void importRoster(String token, List<Person> persons) {
    StringBuilder csv = new StringBuilder(String.join(",", ROSTER_HEADER)).append('\n');
    for (Person p : persons) {
      csv.append(p.idNo())
          .append(',')
          .append(p.name())
          .append(',')
          .append(p.poorCategory())
          .append(',')
          .append(Population.IDENTITY_FROM)
          .append(",,true,\n");
    }
    JsonNode r =
        call(token, "POST", "/manager/api/identities/import", csv.toString(), "text/csv", 200);
    if (r.get("rows").asInt() != persons.size()) {
      throw new IllegalStateException(
          "roster import took " + r + " of " + persons.size() + " rows");
    }
  }

  static final List<String> ROSTER_HEADER =
      List.of(
          "person_id_no",
          "person_name",
          "category",
          "valid_from",
          "valid_to",
          "confirmed",
          "lifted_out_date");

  private static String json(String field, String value) {
    return "{\"" + field + "\":\"" + value + "\"}";
  }

  private JsonNode call(
      String token, String method, String path, String body, String type, int... expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", type == null ? "application/json" : type);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      for (int e : expected) {
        if (r.statusCode() == e) {
          return JSON.readTree(r.body());
        }
      }
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + path, e);
    }
  }
}
