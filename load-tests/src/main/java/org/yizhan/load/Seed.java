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
 * prepayment account at every registered hospital and tops each up; the demo insurance agency
 * (yb440000, the province) enrols every person of the population in the insured register
 * (residents' insurance in the region of their ID number from 2017-01-01, subsidised for the poor,
 * paid for the others), uploading the register file in parts and waiting for the import.
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

  /** The demo insurance agency of config/managers.yaml (password in config/demo-keys.txt). */
  static final String[] AGENCY = {"yb440000", "demo-445200-agency"};

  /** Bytes per part of the register upload: within the gateway's 2 MiB body limit. */
  static final int REGISTER_PART_BYTES = 1 << 20;

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
    enrol(everyone);
    return new Result(identities, accounts);
  }

  /** Enrols everyone in the insured register through the agency's import; waits for it. */
  private void enrol(List<Person> everyone) {
    String token = login(AGENCY[0], AGENCY[1]);
    StringBuilder csv =
        new StringBuilder(
            "person_id_no,admdvs,scheme,valid_from,contribution_year,contribution_status\n");
    for (Person p : everyone) {
      csv.append(p.idNo())
          .append(',')
          .append(p.idNo(), 0, 6)
          .append(",RESIDENT,2017-01-01,2017,")
          .append(p.poor() ? "SUBSIDISED" : "PAID")
          .append('\n');
    }
    byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
    String id = null;
    for (int from = 0; from < file.length; from += REGISTER_PART_BYTES) {
      int to = Math.min(file.length, from + REGISTER_PART_BYTES);
      boolean more = to < file.length;
      String path =
          id == null
              ? "/agency/api/register/imports?more=" + more
              : "/agency/api/register/imports/" + id + "/parts?more=" + more;
      id = callBytes(token, path, java.util.Arrays.copyOfRange(file, from, to)).get("id").asText();
    }
    for (int i = 0; i < 6000; i++) {
      JsonNode p = call(token, "GET", "/agency/api/register/imports/" + id, null, null, 200);
      String state = p.get("state").asText();
      if (state.equals("DONE")) {
        return;
      }
      if (!state.equals("RUNNING") && !state.equals("UPLOADING")) {
        throw new IllegalStateException("register import " + state + ": " + p.get("refusal"));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the register import", e);
      }
    }
    throw new IllegalStateException("the register import did not finish in 10 minutes");
  }

  private JsonNode callBytes(String token, String path, byte[] body) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "text/csv")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (a.statusCode() != 202) {
        throw new IllegalStateException("POST " + path + ": " + a.statusCode() + " " + a.body());
      }
      return JSON.readTree(a.body());
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: POST " + path, e);
    }
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
