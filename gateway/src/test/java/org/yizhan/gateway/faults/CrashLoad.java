package org.yizhan.gateway.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.Signer;
import org.yizhan.gateway.support.TestGateway;

/**
 * Hospitals and a civil-affairs manager working against a gateway that may vanish at any moment:
 * client threads settle (each with its own claim number and Idempotency-Key), reverse what they
 * settled, and top up the prepayment account. A request that gets no answer, or a 5xx, is sent
 * again (same body, same key, same reference; a fresh signature) until a definitive answer comes,
 * as a hospital system must. Every acknowledged operation is remembered so the test can check that
 * the store holds exactly those, and nothing else.
 */
final class CrashLoad {
  /** How long one operation may keep retrying before the test calls it undecided, seconds. */
  static final int DECIDE_SECONDS = 180;

  /** Pause between retries, milliseconds. */
  static final long RETRY_PAUSE_MILLIS = 100;

  static final String OFFICE = "445202";

  /** People of the load: the first half hold a confirmed poor identity (assistance, ledger). */
  static final List<String> PERSONS =
      List.of(
          "445202198001010013",
          "445202198001010021",
          "445202198001010048",
          "445202198001010064",
          "445202198001010099",
          "44520219800101011X");

  /** An acknowledged settlement: what was sent and what came back. */
  record Settled(String claimNo, String key, byte[] body, String settlementId) {}

  private final String base;
  private final long seed;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  final Map<String, Settled> settled = new ConcurrentHashMap<>();
  final Map<String, Boolean> reversed = new ConcurrentHashMap<>();

  /** Acknowledged top-ups: reference → amount as sent. */
  final Map<String, String> topUps = new ConcurrentHashMap<>();

  final List<String> unexpected = new CopyOnWriteArrayList<>();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong lastAckNanos = new AtomicLong();
  private String token;
  private long account;

  CrashLoad(String base, long seed) {
    this.base = base;
    this.seed = seed;
  }

  /** Logs the manager in, opens the account, registers identities, tops up once. */
  void setUp() {
    JsonNode login =
        decided(
            "POST",
            "/manager/api/login",
            "{\"username\":\"ca445202\",\"password\":\"demo-445202-pass\"}",
            null,
            Map.of());
    token = login.get("token").asText();
    account =
        decided(
                "POST",
                "/manager/api/accounts",
                "{\"hospitalCode\":\"" + TestGateway.H1 + "\"}",
                token,
                Map.of())
            .get("id")
            .asLong();
    for (String person : PERSONS.subList(0, PERSONS.size() / 2)) {
      decided(
          "POST",
          "/manager/api/identities",
          "{\"personIdNo\":\""
              + person
              + "\",\"personName\":\"测试\",\"category\":\"SUBSISTENCE\","
              + "\"validFrom\":\"2017-01-01\",\"confirmed\":true}",
          token,
          Map.of());
    }
    topUp("TU-setup", "5000.00");
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread t = new Thread(() -> run(client), "crash-client-" + i);
      threads.add(t);
      t.start();
    }
  }

  /** Stops starting new operations and waits for those under way to be decided. */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(DECIDE_SECONDS * 1000L + 10_000);
      if (t.isAlive()) {
        unexpected.add(t.getName() + " still undecided");
      }
    }
  }

  private void run(int client) {
    Random random = new Random(seed * 31 + client);
    List<String> mine = new ArrayList<>();
    int n = 0;
    while (!stopping) {
      n++;
      int op = random.nextInt(10);
      if (op < 2 && !mine.isEmpty()) {
        reverse(mine.remove(random.nextInt(mine.size())));
      } else if (op < 4) {
        topUp("TU-" + client + "-" + n, random.nextBoolean() ? "800.00" : "1234.56");
      } else {
        String claimNo = "CR" + client + "-" + n;
        String person = PERSONS.get(random.nextInt(PERSONS.size()));
        String amount = (1000 + random.nextInt(9000)) + "." + (10 + random.nextInt(90));
        String body =
            ClaimJson.claim(claimNo)
                .person(person)
                .item("T-A", amount)
                .item("T-B20", "600.00")
                .item("T-C", "50.00")
                .json();
        String id = settle(claimNo, "ck-" + claimNo, body);
        if (id != null) {
          mine.add(id);
        }
      }
    }
  }

  private String settle(String claimNo, String key, String body) {
    JsonNode s =
        decided(
            "POST",
            "/api/v1/settlements",
            body,
            TestGateway.H1_KEY,
            Map.of("Idempotency-Key", key));
    if (s == null) {
      return null;
    }
    String id = s.get("settlementId").asText();
    settled.put(claimNo, new Settled(claimNo, key, body.getBytes(StandardCharsets.UTF_8), id));
    return id;
  }

  private void reverse(String settlementId) {
    JsonNode r =
        decided(
            "POST",
            "/api/v1/settlements/" + settlementId + "/reversal",
            "{\"reason\":\"crash test\"}",
            TestGateway.H1_KEY,
            Map.of());
    if (r != null) {
      reversed.put(settlementId, true);
    }
  }

  private void topUp(String reference, String amount) {
    JsonNode t =
        decided(
            "POST",
            "/manager/api/accounts/" + account + "/top-ups",
            "{\"reference\":\"" + reference + "\",\"amount\":" + amount + "}",
            token,
            Map.of());
    if (t != null) {
      topUps.put(reference, amount);
    }
  }

  /** Sends an acknowledged top-up again, once: it must replay, not top up twice. */
  HttpResponse<String> topUpAgain(String reference) {
    String body = "{\"reference\":\"" + reference + "\",\"amount\":" + topUps.get(reference) + "}";
    return send(
        "POST",
        "/manager/api/accounts/" + account + "/top-ups",
        body.getBytes(StandardCharsets.UTF_8),
        token,
        Map.of());
  }

  /** Sends an acknowledged reversal again, once: it must return the reversed settlement. */
  HttpResponse<String> reverseAgain(String settlementId) {
    return send(
        "POST",
        "/api/v1/settlements/" + settlementId + "/reversal",
        "{\"reason\":\"crash test\"}".getBytes(StandardCharsets.UTF_8),
        TestGateway.H1_KEY,
        Map.of());
  }

  /**
   * Sends until a definitive answer: 2xx gives its body, 4xx is noted as unexpected (this load
   * sends only valid requests) and gives null; no answer or 5xx is retried.
   */
  JsonNode decided(
      String method, String path, String body, String key, Map<String, String> headers) {
    long deadline = System.nanoTime() + Duration.ofSeconds(DECIDE_SECONDS).toNanos();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    while (System.nanoTime() < deadline) {
      requests.incrementAndGet();
      HttpResponse<String> r = send(method, path, bytes, key, headers);
      if (r != null && r.statusCode() < 500 && r.statusCode() != 429) {
        if (r.statusCode() >= 300) {
          unexpected.add(method + " " + path + " → " + r.statusCode() + " " + r.body());
          return null;
        }
        lastAckNanos.set(System.nanoTime());
        return ClaimJson.parse(r.body());
      }
      retries.incrementAndGet();
      try {
        Thread.sleep(RETRY_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    unexpected.add(method + " " + path + " undecided after " + DECIDE_SECONDS + " s");
    return null;
  }

  /** One attempt; null when no answer came (refused, reset, timed out). */
  HttpResponse<String> send(
      String method, String path, byte[] body, String key, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json");
    headers.forEach(b::header);
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (key != null && path.startsWith("/api/")) {
      Signer.headers(key, method, path, body).forEach(b::header);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
