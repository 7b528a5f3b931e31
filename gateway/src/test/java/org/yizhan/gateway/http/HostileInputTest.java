package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.RawHttp;
import org.yizhan.gateway.support.RawHttp.Answer;
import org.yizhan.gateway.support.RawHttp.Header;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * Hostile input at every endpoint: malformed and random JSON, huge and negative and fractional
 * numbers, unicode of every awkward kind in every field (NUL, lone surrogates, right-to-left
 * overrides, emoji, invalid UTF-8), bodies nested ten thousand deep, wrong content types, and
 * abused headers, paths, queries and methods, all sent byte for byte over a raw socket.
 *
 * <p>Every answer must be a 4xx with a JSON {@code code} (the national routes: their envelope with
 * a non-zero infcode), or a 2xx when the input happens to be valid; never a 5xx, never silence. A
 * refused request must leave the database exactly as it was: a checksum of every table is taken
 * after each request and may change only with a 2xx.
 *
 * <p>First every attack meets every endpoint once, then random attacks on random endpoints until
 * {@code -Dhostile.inputs} (default {@value #DEFAULT_INPUTS}) have been tried. The seed is printed
 * and {@code -Dhostile.seed} replays a run.
 */
class HostileInputTest {
  static final int DEFAULT_INPUTS = 1500;
  static final int INPUTS = Integer.getInteger("hostile.inputs", DEFAULT_INPUTS);
  static final long SEED = Long.getLong("hostile.seed", System.nanoTime());

  /** Nesting of the deep bodies, levels. */
  static final int DEEP = 10_000;

  static final String NHSA_PATH = "/fsi/api/rsfComIfsService/callService";
  static final String PERSON = "445202196801010012";

  enum Auth {
    HOSPITAL,
    MANAGER,
    BOGUS_MANAGER,
    NONE
  }

  /** A route with a body that would pass (placeholders in the path: {sid}, {aid}, …). */
  record Endpoint(String method, String path, Auth auth, Supplier<String> body, String type) {}

  /** One request as sent. */
  record Request(String method, String target, List<Header> headers, byte[] body) {
    String describe() {
      String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
      return method
          + " "
          + abbreviate(target)
          + " "
          + abbreviate(headers.toString())
          + " body="
          + abbreviate(b);
    }
  }

  static TestGateway gw;
  static String token;
  static String settlementId;
  static long accountId;
  static String identityId;
  static final AtomicInteger SEQ = new AtomicInteger();
  static final List<Endpoint> ENDPOINTS = new ArrayList<>();

  @BeforeAll
  static void start() {
    // A login lockout is audited on the failed attempt that begins it, a refusal that changes the
    // database by design (LoginLockoutTest); here wrong passwords must change nothing, so the
    // lockout is kept out of reach.
    gw = TestGateway.start(Map.of("YIZHAN_SECURITY_LOGIN_FAILURES_BEFORE_LOCKOUT", "1000"));
    TestData.confirmed(gw, PERSON, "SUBSISTENCE");
    ManagerClient m = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    token = m.token();
    accountId = m.account(TestGateway.H1, "5000.00", null);
    identityId = m.register("445202197201010021", "DESTITUTE", "2017-01-01", null);
    TestGateway.Response settled =
        gw.post("/api/v1/settlements", TestGateway.H1_KEY, claim().json());
    assertThat(settled.status()).as(settled.body()).isEqualTo(201);
    settlementId = ClaimJson.parse(settled.body()).get("settlementId").asText();
    endpoints();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static ClaimJson claim() {
    return ClaimJson.workedExample1("HX-" + SEQ.incrementAndGet()).person(PERSON);
  }

  static void endpoints() {
    String json = "application/json";
    add("POST", "/api/v1/settlements/preview", Auth.HOSPITAL, () -> claim().json(), json);
    add("POST", "/api/v1/settlements", Auth.HOSPITAL, () -> claim().json(), json);
    add("GET", "/api/v1/settlements?from=2018-03-01&to=2018-03-31&page=1&size=10", Auth.HOSPITAL);
    add("GET", "/api/v1/settlements?claimNo=HX-1", Auth.HOSPITAL);
    add("GET", "/api/v1/settlements/{sid}", Auth.HOSPITAL);
    add(
        "POST",
        "/api/v1/settlements/{sid}/reversal",
        Auth.HOSPITAL,
        () -> "{\"reason\":\"hostile input test\"}",
        json);
    add("GET", "/api/v1/persons/{idNo}/accumulators/{year}", Auth.HOSPITAL);
    add("GET", "/api/v1/reconciliation/{date}", Auth.HOSPITAL);
    add(
        "POST",
        "/api/v1/reconciliation/{date}",
        Auth.HOSPITAL,
        () ->
            "{\"totals\":{\"count\":1,\"total\":50000.00,\"fundPay\":40000.00,"
                + "\"personalPay\":10000.00},\"settlements\":[{\"settlementId\":\""
                + settlementId
                + "\",\"claimNo\":\"HX-1\",\"status\":\"SETTLED\",\"total\":50000.00,"
                + "\"fundPay\":40000.00,\"personalPay\":10000.00}]}",
        json);
    add(
        "POST",
        "/manager/api/login",
        Auth.NONE,
        () -> "{\"username\":\"ca445202\",\"password\":\"not-the-password\"}",
        json);
    add("POST", "/manager/api/logout", Auth.BOGUS_MANAGER);
    add("GET", "/manager/api/me", Auth.MANAGER);
    add("GET", "/manager/api/hospitals", Auth.MANAGER);
    add("GET", "/manager/api/identities?q=4452&category=DESTITUTE&page=1&size=5", Auth.MANAGER);
    add("GET", "/manager/api/identities/export", Auth.MANAGER);
    add(
        "POST",
        "/manager/api/identities",
        Auth.MANAGER,
        () ->
            "{\"personIdNo\":\""
                + TestData.idNo("445202", LocalDate.of(1980, 1, 1), SEQ.incrementAndGet())
                + "\",\"personName\":\"王五\",\"category\":\"SUBSISTENCE\","
                + "\"validFrom\":\"2018-01-01\",\"validTo\":\"2018-12-31\",\"confirmed\":true}",
        json);
    add(
        "POST",
        "/manager/api/identities/import",
        Auth.MANAGER,
        () ->
            "personIdNo,personName,category,validFrom,validTo,confirmed\n"
                + TestData.idNo("445202", LocalDate.of(1981, 1, 1), SEQ.incrementAndGet())
                + ",赵六,DESTITUTE,2018-01-01,,true\n",
        "text/csv");
    add("GET", "/manager/api/identities/{iid}/history", Auth.MANAGER);
    add(
        "PUT",
        "/manager/api/identities/{iid}",
        Auth.MANAGER,
        () -> "{\"personName\":\"钱七\",\"validFrom\":\"2017-01-01\",\"confirmed\":true}",
        json);
    add("POST", "/manager/api/identities/{iid}/confirm", Auth.MANAGER);
    add(
        "POST",
        "/manager/api/identities/{iid}/end",
        Auth.MANAGER,
        () -> "{\"validTo\":\"2030-12-31\"}",
        json);
    add("GET", "/manager/api/accounts", Auth.MANAGER);
    add(
        "POST",
        "/manager/api/accounts",
        Auth.MANAGER,
        () -> "{\"hospitalCode\":\"" + TestGateway.H1 + "\"}",
        json);
    add(
        "PUT",
        "/manager/api/accounts/{aid}/settings",
        Auth.MANAGER,
        () -> "{\"mode\":\"HOSPITAL_ADVANCE\",\"lowBalanceThreshold\":100.00}",
        json);
    add(
        "POST",
        "/manager/api/accounts/{aid}/top-ups",
        Auth.MANAGER,
        () -> "{\"reference\":\"HT-" + SEQ.incrementAndGet() + "\",\"amount\":10.00}",
        json);
    add("GET", "/manager/api/accounts/{aid}/entries?kind=TOP_UP&page=1&size=5", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/verify", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/daily?from=2018-01-01&to=2018-01-31", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/forecast", Auth.MANAGER);
    add("GET", "/manager/api/drawdowns?days=30", Auth.MANAGER);
    add("POST", "/manager/api/accounts/{aid}/periods/{period}/close", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/statements", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/statements/{period}", Auth.MANAGER);
    add("GET", "/manager/api/accounts/{aid}/statements/{period}/csv", Auth.MANAGER);
    add("POST", NHSA_PATH, Auth.HOSPITAL, () -> nhsa("1101"), json);
    add("POST", "/nhsa/call", Auth.HOSPITAL, () -> nhsa("1101"), json);
    add("POST", NHSA_PATH, Auth.HOSPITAL, () -> nhsa("2301"), json);
    add("GET", "/health/live", Auth.NONE);
    add("GET", "/health/ready", Auth.NONE);
    add("GET", "/openapi.yaml", Auth.NONE);
    add("GET", "/manager/", Auth.NONE);
  }

  static void add(String method, String path, Auth auth) {
    ENDPOINTS.add(new Endpoint(method, path, auth, null, null));
  }

  static void add(String method, String path, Auth auth, Supplier<String> body, String type) {
    ENDPOINTS.add(new Endpoint(method, path, auth, body, type));
  }

  static String nhsa(String infno) {
    int n = SEQ.incrementAndGet();
    String text;
    try (var in = HostileInputTest.class.getResourceAsStream("/nhsa/" + infno + ".json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.replace("${msgid}", TestGateway.H1 + String.format("20180301%06d%04d", 77, n))
        .replace("${fixmedins_code}", TestGateway.H1)
        .replace("${certno}", "445202199001011248")
        .replace("${psn_no}", "44000000000000000001")
        .replace("${mdtrt_id}", "MD" + n)
        .replaceAll("\\$\\{[a-z_]+\\}", "X" + n);
  }

  // ---- the run

  @Test
  void hostileInputs_neverA5xx_alwaysACode_andRefusalsChangeNothing() throws Exception {
    System.out.printf("[hostile] seed %d (replay with -Dhostile.seed=%d)%n", SEED, SEED);
    Random random = new Random(SEED);
    Map<String, String> failures = new TreeMap<>();
    Map<String, Integer> byStatus = new TreeMap<>();
    int tried = 0;
    int accepted = 0;
    try (Connection db = DriverManager.getConnection(gw.database().jdbcUrl(), "postgres", "")) {
      String checksumSql = checksumSql(db);
      String before = checksum(db, checksumSql);
      List<Attack> attacks = List.of(Attack.values());
      List<Request> plan = new ArrayList<>();
      for (Endpoint e : ENDPOINTS) {
        for (Attack a : attacks) {
          plan.add(a.make(e, random));
        }
      }
      while (plan.size() < INPUTS) {
        plan.add(
            attacks
                .get(random.nextInt(attacks.size()))
                .make(ENDPOINTS.get(random.nextInt(ENDPOINTS.size())), random));
      }
      for (Request r : plan) {
        tried++;
        Answer a;
        try {
          a = RawHttp.send(gw.gateway().port(), r.method(), r.target(), r.headers(), r.body());
        } catch (IOException e) {
          failures.putIfAbsent("no answer (" + e.getMessage() + ")", r.describe());
          continue;
        }
        byStatus.merge(a.status() / 100 + "xx", 1, Integer::sum);
        String problem = judge(r, a);
        String after = checksum(db, checksumSql);
        if (!after.equals(before)) {
          if (a.status() / 100 != 2) {
            problem = "the database changed on a refused request (" + a.status() + ")";
          } else {
            accepted++;
          }
          before = after;
        }
        if (problem != null) {
          failures.putIfAbsent(
              problem + " " + a.status() + " at " + r.method() + " " + route(r.target()),
              abbreviate(a.text()) + " <- " + r.describe());
        }
      }
    }
    System.out.printf(
        "[hostile] %d hostile inputs tried at %d endpoints (%d attacks each, then random);"
            + " answers %s; %d valid inputs accepted; %d failures%n",
        tried, ENDPOINTS.size(), Attack.values().length, byStatus, accepted, failures.size());
    failures.forEach((k, v) -> System.out.printf("[hostile] FAILED %s%n    %s%n", k, v));
    assertThat(failures.keySet()).as("seed %d", SEED).isEmpty();
    assertThat(gw.unhandledExceptions()).isEmpty();
  }

  /** The cases the fuzzer first found answered 500 or without a code, pinned down. */
  @Test
  void brokenEscapesFormsAndOversizedRequests_areRefusedWithACode() throws IOException {
    Endpoint search = ENDPOINTS.get(2);
    assertRefused(
        send("GET", "/api/v1/settlements?claimNo=HX-1&x=%", List.of(), null), 400, "MALFORMED_URI");
    assertRefused(
        send("GET", "/manager/api/accounts/%ZZ/verify", List.of(), null), 400, "MALFORMED_URI");
    assertRefused(
        send("GET", "/api/v1/settlements/%ED%A0%80", List.of(), null), 400, "MALFORMED_URI");
    assertRefused(
        send(
            "GET",
            resolve(search.path()),
            List.of(new Header("Content-Type", "multipart/form-data; boundary=x")),
            bytes("--x--")),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    assertRefused(
        send(
            "POST",
            "/manager/api/login",
            List.of(new Header("Content-Type", "application/x-www-form-urlencoded")),
            bytes("username=a&password=b")),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    assertRefused(
        send("GET", "/health/live", List.of(new Header("X-Huge", "x".repeat(20_000))), null),
        431,
        "HEADERS_TOO_LARGE");
    assertRefused(
        send("GET", "/health/live?" + "x".repeat(10_000), List.of(), null), 414, "URI_TOO_LONG");
    assertRefused(
        send("GET", "/health/live", List.of(new Header("Content-Length", "-1")), null),
        400,
        "MALFORMED_REQUEST");
    assertThat(gw.unhandledExceptions()).isEmpty();
  }

  static Answer send(String method, String target, List<Header> headers, byte[] body)
      throws IOException {
    List<Header> all = new ArrayList<>(headers);
    all.add(new Header("Authorization", "Bearer " + TestGateway.H1_KEY));
    return RawHttp.send(gw.gateway().port(), method, target, all, body);
  }

  static void assertRefused(Answer a, int status, String code) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(ClaimJson.parse(a.text()).path("code").asText()).isEqualTo(code);
  }

  /** The target without its query, shortened, to group failures by route. */
  static String route(String target) {
    String path = target.replaceFirst("[?].*$", "");
    return path.length() > 60 ? path.substring(0, 60) + "..." : path;
  }

  /** What is wrong with the answer, or null. */
  static String judge(Request r, Answer a) {
    if (a.status() < 0) {
      return "closed without an answer";
    }
    if (a.status() >= 500) {
      return "server error";
    }
    if (a.status() / 100 == 2 || a.status() / 100 == 3 || r.method().equals("HEAD")) {
      return null;
    }
    JsonNode body;
    try {
      body = ClaimJson.MAPPER.readTree(a.body());
    } catch (IOException | RuntimeException e) {
      return "refused without a JSON body";
    }
    if (body == null || !body.isObject()) {
      return "refused without a JSON object";
    }
    if (body.hasNonNull("infcode")) {
      if (body.get("infcode").asInt() == 0 && a.status() != 200) {
        return "a national refusal with infcode 0";
      }
      if (body.path("err_msg").asText().startsWith("internal error")) {
        return "a national internal error";
      }
      return null;
    }
    if (body.path("code").asText().isBlank()) {
      return "refused without a code";
    }
    return null;
  }

  // ---- the attacks

  static final String[] HOSTILE_NUMBERS = {
    "1e400",
    "-1e400",
    "1e-400",
    "99999999999999999999",
    "-99999999999999999999",
    "123456789012345678901234567890123456789012345",
    "-1",
    "0",
    "-0",
    "0.5",
    "-0.0001",
    "0.001",
    "1.005",
    "3.14159265358979323846",
    "1E+2",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "01",
    "1.",
    ".5",
    "+1"
  };

  static final String[] HOSTILE_STRINGS = {
    "",
    " ",
    "\\u0000",
    "a\\u0000b",
    "\\ud800",
    "\\udfff\\ud800",
    "\\u202eRTL\\u202c",
    "مرحبا بالعالم",
    "😀👨‍👩‍👧‍👦",
    "\\ufeff",
    "\\uffff",
    "\\u0085\\u2028\\u2029",
    "\\t\\r\\n",
    "<script>alert(1)</script>",
    "'; DROP TABLE settlement; --",
    "%00%2e%2e%2f",
    "../../etc/passwd",
    "${jndi:ldap://x/a}",
    "Ｈ４４５２０２００００１",
    "445202199001011248\\u0000",
    "2018-02-30",
    "2018-13-01",
    "99999-01-01",
    "-2018-03-01",
    "TRUE",
    "null"
  };

  /** A value that breaks a field: number, string, or the wrong type. */
  static String hostileValue(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
      case 1:
        return "\"" + HOSTILE_STRINGS[r.nextInt(HOSTILE_STRINGS.length)] + "\"";
      case 2:
        String[] types = {"null", "true", "[]", "{}", "[1,2]", "{\"a\":1}", "\"\"", "[null]"};
        return types[r.nextInt(types.length)];
      default:
        return "\"" + "长".repeat(1 + r.nextInt(100_000)) + "\"";
    }
  }

  enum Attack {
    AS_IS {
      @Override
      Request make(Endpoint e, Random r) {
        return request(e, r, e.body() == null ? null : bytes(e.body().get()), e.type());
      }
    },
    FIELD_VALUE {
      @Override
      Request make(Endpoint e, Random r) {
        return withJson(e, r, json -> replaceOne(json, r, hostileValue(r)));
      }
    },
    EVERY_STRING_UNICODE {
      @Override
      Request make(Endpoint e, Random r) {
        String s = "\"" + HOSTILE_STRINGS[r.nextInt(HOSTILE_STRINGS.length)] + "\"";
        return withJson(e, r, json -> replaceAll(json, TextNode.class, s));
      }
    },
    EVERY_NUMBER_HOSTILE {
      @Override
      Request make(Endpoint e, Random r) {
        String n = HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
        return withJson(e, r, json -> replaceAll(json, JsonNode.class, n));
      }
    },
    REMOVE_FIELD {
      @Override
      Request make(Endpoint e, Random r) {
        return withJson(e, r, json -> replaceOne(json, r, null));
      }
    },
    UNKNOWN_OR_DUPLICATE_FIELD {
      @Override
      Request make(Endpoint e, Random r) {
        return withJson(
            e,
            r,
            json -> {
              String text = json.toString();
              Iterator<String> names = json.fieldNames();
              String name = names.hasNext() && r.nextBoolean() ? names.next() : "extra\\u0000";
              return "{\"" + name + "\":" + hostileValue(r) + "," + text.substring(1);
            });
      }
    },
    MALFORMED_JSON {
      @Override
      Request make(Endpoint e, Random r) {
        String valid = e.body() == null ? "{\"a\":1}" : e.body().get();
        String[] broken = {
          valid.substring(0, r.nextInt(Math.max(1, valid.length()))),
          valid + "}",
          valid + valid,
          "\ufeff" + valid,
          valid.replace("\"", "'"),
          "{/* comment */" + valid.substring(1),
          "{\"a\":1,}",
          "[1,2,]",
          "{\"a\" 1}",
          "null",
          "123",
          "\"text\"",
          "[]",
          "true",
          "",
          "{",
          "}",
          "{\"a\":\"unterminated",
          "{\"a\":\"\\x41\"}",
          "{\"a\":\"\\u12\"}",
        };
        return request(e, r, bytes(broken[r.nextInt(broken.length)]), "application/json");
      }
    },
    BAD_BYTES {
      @Override
      Request make(Endpoint e, Random r) {
        byte[] b;
        switch (r.nextInt(4)) {
          case 0:
            b = new byte[1 + r.nextInt(2000)];
            r.nextBytes(b);
            break;
          case 1:
            // invalid UTF-8 inside a string: a lone continuation byte, an overlong NUL, 0xFF
            b =
                concat(
                    bytes("{\"claimNo\":\"A"),
                    new byte[] {(byte) 0x80, (byte) 0xC0, (byte) 0x80, (byte) 0xFF},
                    bytes("\"}"));
            break;
          case 2:
            // a UTF-16 surrogate encoded in UTF-8 (CESU), and a raw NUL and control bytes
            b =
                concat(
                    bytes("{\"claimNo\":\""),
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 0, 1, 27},
                    bytes("\"}"));
            break;
          default:
            b = (e.body() == null ? "{\"a\":1}" : e.body().get()).getBytes(StandardCharsets.UTF_16);
        }
        return request(e, r, b, "application/json");
      }
    },
    DEEP_NESTING {
      @Override
      Request make(Endpoint e, Random r) {
        String body;
        switch (r.nextInt(3)) {
          case 0:
            body = "[".repeat(DEEP) + "]".repeat(DEEP);
            break;
          case 1:
            body = "{\"a\":".repeat(DEEP) + "1" + "}".repeat(DEEP);
            break;
          default:
            String valid = e.body() == null ? "{\"a\":1}" : e.body().get();
            body = "{\"lines\":" + "[".repeat(DEEP) + "]".repeat(DEEP) + "," + valid.substring(1);
        }
        return request(e, r, bytes(body), "application/json");
      }
    },
    WIDE_BODY {
      @Override
      Request make(Endpoint e, Random r) {
        String body;
        if (r.nextBoolean()) {
          ClaimJson c = claim();
          int lines = 2001 + r.nextInt(3000);
          for (int i = 0; i < lines; i++) {
            c.item("T-A", "1.00");
          }
          body = c.json();
        } else {
          body = "{\"a\":\"" + "x".repeat(2_100_000) + "\"}";
        }
        return request(e, r, bytes(body), "application/json");
      }
    },
    LINE_NUMBERS {
      @Override
      Request make(Endpoint e, Random r) {
        ObjectNode c = claim().node();
        ArrayNode lines = (ArrayNode) c.get("lines");
        ObjectNode line = (ObjectNode) lines.get(r.nextInt(lines.size()));
        String[] fields = {"quantity", "unitPrice", "amount"};
        String field = fields[r.nextInt(fields.length)];
        String marker = "\"§§\"";
        line.put(field, "§§");
        String n = HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
        Endpoint target = r.nextBoolean() ? e : ENDPOINTS.get(r.nextInt(2));
        return request(target, r, bytes(c.toString().replace(marker, n)), "application/json");
      }
    },
    CONTENT_TYPE {
      @Override
      Request make(Endpoint e, Random r) {
        String[] types = {
          null,
          "text/plain",
          "application/xml",
          "multipart/form-data; boundary=x",
          "application/x-www-form-urlencoded",
          "application/jsonx",
          "application/json; charset=latin1",
          "application/json; charset=utf-16",
          "json",
          "*/*",
          "application/json" + ";x=y".repeat(300),
          "text/csv",
        };
        String body = e.body() == null ? "{\"a\":1}" : e.body().get();
        return request(e, r, bytes(body), types[r.nextInt(types.length)]);
      }
    },
    HEADER_ABUSE {
      @Override
      Request make(Endpoint e, Random r) {
        Request base = AS_IS.make(e, r);
        List<Header> h = new ArrayList<>(base.headers());
        switch (r.nextInt(8)) {
          case 0:
            h.add(new Header("X-Huge", "x".repeat(20_000)));
            break;
          case 1:
            for (int i = 0; i < 300; i++) {
              h.add(new Header("X-Many-" + i, "v".repeat(60)));
            }
            break;
          case 2:
            h.add(0, new Header("Authorization", "Bearer yz_not_a_key_" + r.nextInt()));
            break;
          case 3:
            h.add(new Header("Authorization", "Bearer " + TestGateway.H2_KEY));
            h.add(new Header("Authorization", "Basic dXNlcjpwYXNz"));
            break;
          case 4:
            h.removeIf(x -> x.name().equals("Authorization"));
            String[] bad = {
              "Bearer",
              "Bearer ",
              "Bearer " + "k".repeat(300),
              "bearer\t" + TestGateway.H1_KEY,
              "Bearer 键",
              "Digest x",
              "Bearer " + TestGateway.H1_KEY + " extra",
              ""
            };
            h.add(new Header("Authorization", bad[r.nextInt(bad.length)]));
            break;
          case 5:
            String[] keys = {
              "", " ", "a b", "键", "k".repeat(129), "\u007f", "ok-key\u0085", "x\ty"
            };
            h.add(new Header("Idempotency-Key", keys[r.nextInt(keys.length)]));
            if (r.nextBoolean()) {
              h.add(new Header("Idempotency-Key", "second-" + r.nextInt()));
            }
            break;
          case 6:
            h.add(new Header("X-Request-Id", "\u202e" + "r".repeat(200)));
            h.add(new Header("X-Api-Key", "键".repeat(100)));
            h.add(new Header("Cookie", "yz_session=" + "c".repeat(4000)));
            break;
          default:
            h.add(new Header("X-Yz-Timestamp", "99999999999999999999"));
            h.add(new Header("X-Yz-Nonce", "\u0000".repeat(3)));
            h.add(new Header("X-Yz-Signature-Method", "HMAC-MD5"));
            h.add(new Header("X-Yz-Signature", "zz"));
            h.add(new Header("Content-Length", "-1"));
        }
        return new Request(base.method(), base.target(), h, base.body());
      }
    },
    PATH_AND_QUERY {
      @Override
      Request make(Endpoint e, Random r) {
        String[] values = {
          "99999999999999999999",
          "-1",
          "0",
          "1e3",
          "%00",
          "%ZZ",
          "%",
          "..%2F..%2Fetc",
          "%E2%80%AE",
          "%F0%9F%98%80",
          "%ED%A0%80",
          "%C0%80",
          "x".repeat(1000),
          "null",
          "2018-02-30",
          "9999-99",
          "00000000-0000-0000-0000-000000000000",
          "__proto__",
          "%20",
          "a;b=c",
        };
        String v = values[r.nextInt(values.length)];
        String path = e.path().replaceAll("\\{[a-zA-Z]+\\}", v);
        if (r.nextBoolean() || path.equals(e.path())) {
          String q = "page=" + v + "&size=" + v + "&from=" + v + "&to=" + v + "&claimNo=" + v;
          q += "&q=" + v + "&category=" + v + "&kind=" + v + "&page=2&&=&%=%";
          path = path.replaceFirst("\\?.*$", "") + "?" + q;
        }
        Request base = AS_IS.make(e, r);
        return new Request(base.method(), path, signed(e, base, path), base.body());
      }
    },
    RANDOM_JSON {
      @Override
      Request make(Endpoint e, Random r) {
        return request(e, r, bytes(randomJson(r, 0, true)), "application/json");
      }
    },
    METHOD_AND_TARGET {
      @Override
      Request make(Endpoint e, Random r) {
        String[] methods = {"PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO", "get", "PUT"};
        Request base = AS_IS.make(e, r);
        String target = resolve(e.path());
        switch (r.nextInt(4)) {
          case 0:
            target = target + "/" + "x".repeat(10_000);
            break;
          case 1:
            target = "http://evil.example" + target;
            break;
          case 2:
            target = target.replace("/api/", "//api//").replace("/manager/", "/manager/./");
            break;
          default:
            break;
        }
        return new Request(methods[r.nextInt(methods.length)], target, base.headers(), base.body());
      }
    };

    abstract Request make(Endpoint e, Random r);
  }

  /** Field names the gateway reads, so random objects sometimes hit a real field. */
  static final String[] NAMES = {
    "claimNo",
    "personIdNo",
    "personName",
    "officeCode",
    "admissionDate",
    "dischargeDate",
    "lines",
    "lineNo",
    "itemCode",
    "itemName",
    "quantity",
    "unitPrice",
    "amount",
    "reason",
    "username",
    "password",
    "reference",
    "mode",
    "lowBalanceThreshold",
    "hospitalCode",
    "category",
    "validFrom",
    "validTo",
    "confirmed",
    "totals",
    "settlements",
    "infno",
    "msgid",
    "input",
    "fixmedins_code",
    "data",
    "",
    "\\u0000",
    "__proto__"
  };

  /** A random JSON value; the root is an object most of the time. */
  static String randomJson(Random r, int depth, boolean root) {
    int kind = root && r.nextInt(5) > 0 ? 0 : depth > 4 ? 3 + r.nextInt(2) : r.nextInt(5);
    switch (kind) {
      case 0:
      case 1:
        StringBuilder o = new StringBuilder("{");
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
          o.append(i == 0 ? "" : ",")
              .append('"')
              .append(NAMES[r.nextInt(NAMES.length)])
              .append("\":")
              .append(randomJson(r, depth + 1, false));
        }
        return o.append('}').toString();
      case 2:
        StringBuilder a = new StringBuilder("[");
        int m = r.nextInt(5);
        for (int i = 0; i < m; i++) {
          a.append(i == 0 ? "" : ",").append(randomJson(r, depth + 1, false));
        }
        return a.append(']').toString();
      case 3:
        return HOSTILE_NUMBERS[r.nextInt(HOSTILE_NUMBERS.length)];
      default:
        return "\"" + HOSTILE_STRINGS[r.nextInt(HOSTILE_STRINGS.length)] + "\"";
    }
  }

  // ---- building requests

  static Request withJson(Endpoint e, Random r, Function<ObjectNode, String> f) {
    String seed = e.body() == null || e.type().equals("text/csv") ? "{\"a\":1}" : e.body().get();
    ObjectNode json = (ObjectNode) ClaimJson.parse(seed);
    return request(e, r, bytes(f.apply(json)), "application/json");
  }

  /** The JSON text with one random node (anywhere in the tree) replaced by a raw value. */
  static String replaceOne(ObjectNode json, Random r, String raw) {
    List<String[]> slots = new ArrayList<>();
    collect(json, "", slots);
    String[] slot = slots.get(r.nextInt(slots.size()));
    return mark(json, slot[0], raw);
  }

  private static void collect(JsonNode node, String path, List<String[]> slots) {
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              n -> {
                slots.add(new String[] {path + "/" + n});
                collect(node.get(n), path + "/" + n, slots);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        slots.add(new String[] {path + "/" + i});
        collect(node.get(i), path + "/" + i, slots);
      }
    }
  }

  /** Replaces the node at a JSON pointer by a raw value (or removes it when raw is null). */
  private static String mark(ObjectNode json, String pointer, String raw) {
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = json.at(pointer.substring(0, cut));
    String last = pointer.substring(cut + 1);
    String marker = "§§" + SEQ.incrementAndGet() + "§§";
    if (parent.isObject()) {
      if (raw == null) {
        ((ObjectNode) parent).remove(last);
        return json.toString();
      }
      ((ObjectNode) parent).put(last, marker);
    } else {
      int i = Integer.parseInt(last);
      if (raw == null) {
        ((ArrayNode) parent).remove(i);
        return json.toString();
      }
      ((ArrayNode) parent).set(i, TextNode.valueOf(marker));
    }
    return json.toString().replace("\"" + marker + "\"", raw);
  }

  /** Every leaf of {@code type} (TextNode: strings; JsonNode: numbers) replaced by {@code raw}. */
  static String replaceAll(ObjectNode json, Class<?> type, String raw) {
    String marker = "§§all§§";
    replaceLeaves(json, type, marker);
    return json.toString().replace("\"" + marker + "\"", raw);
  }

  private static void replaceLeaves(JsonNode node, Class<?> type, String marker) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        JsonNode v = o.get(n);
        if (matches(v, type)) {
          o.put(n, marker);
        } else {
          replaceLeaves(v, type, marker);
        }
      }
    } else if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        if (matches(a.get(i), type)) {
          a.set(i, TextNode.valueOf(marker));
        } else {
          replaceLeaves(a.get(i), type, marker);
        }
      }
    }
  }

  private static boolean matches(JsonNode v, Class<?> type) {
    return type == TextNode.class ? v.isTextual() : v.isNumber();
  }

  /** The request of an endpoint with this body and content type, authenticated as it needs. */
  static Request request(Endpoint e, Random r, byte[] body, String type) {
    String target = resolve(e.path());
    List<Header> h = new ArrayList<>();
    if (type != null && body != null) {
      h.add(new Header("Content-Type", type));
    }
    switch (e.auth()) {
      case HOSPITAL:
        h.add(new Header("Authorization", "Bearer " + TestGateway.H1_KEY));
        break;
      case MANAGER:
        h.add(new Header("Authorization", "Bearer " + token));
        break;
      case BOGUS_MANAGER:
        h.add(new Header("Authorization", "Bearer not-a-session-" + r.nextInt(1000)));
        break;
      default:
        break;
    }
    if (e.path().equals("/api/v1/settlements") && e.method().equals("POST") && r.nextBoolean()) {
      h.add(new Header("Idempotency-Key", "hk-" + SEQ.incrementAndGet()));
    }
    Request base = new Request(e.method(), target, h, body);
    return new Request(e.method(), target, signed(e, base, target), body);
  }

  /** The headers with a valid signature for {@code target} added, for a hospital's request. */
  static List<Header> signed(Endpoint e, Request base, String target) {
    List<Header> h = new ArrayList<>(base.headers());
    h.removeIf(x -> x.name().startsWith("X-Yz-") || x.name().startsWith("x-tif-"));
    if (e.auth() == Auth.HOSPITAL && Signer.isNational(target)) {
      Signer.national(TestGateway.H1_KEY).forEach((k, v) -> h.add(new Header(k, v)));
    } else if (e.auth() == Auth.HOSPITAL) {
      Signer.headers(TestGateway.H1_KEY, base.method(), target, base.body())
          .forEach((k, v) -> h.add(new Header(k, v)));
    }
    return h;
  }

  static String resolve(String path) {
    return path.replace("{sid}", settlementId)
        .replace("{aid}", Long.toString(accountId))
        .replace("{iid}", identityId)
        .replace("{idNo}", PERSON)
        .replace("{year}", "2018")
        .replace("{date}", "2018-03-20")
        .replace("{period}", "2018-01");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, i, p.length);
      i += p.length;
    }
    return all;
  }

  static String abbreviate(String s) {
    String flat = s.replace("\n", "\\n").replace("\r", "\\r");
    return flat.length() > 300 ? flat.substring(0, 300) + "…(" + flat.length() + " chars)" : flat;
  }

  // ---- the database's fingerprint

  /**
   * One query: an md5 of every row of every table, in a stable order; but Flyway's own, and the
   * nonces of signed requests, which are recorded once a signature checks, whatever the answer, so
   * that the request cannot be played again.
   */
  static String checksumSql(Connection db) throws SQLException {
    List<String> parts = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    + " AND table_type = 'BASE TABLE' AND table_name NOT IN ('flyway_schema_history', 'request_nonce')"
                    + " ORDER BY table_name")) {
      while (r.next()) {
        String t = r.getString(1);
        parts.add(
            "SELECT '"
                + t
                + ":' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY"
                + " t::text)), '') x FROM "
                + t
                + " t");
      }
    }
    return "SELECT string_agg(x, ',' ORDER BY x) FROM ("
        + String.join(" UNION ALL ", parts)
        + ") q";
  }

  static String checksum(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
