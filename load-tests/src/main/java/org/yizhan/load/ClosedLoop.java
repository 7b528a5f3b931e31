package org.yizhan.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The gateway's CPU per settlement on a shared machine: {@code clients} threads each settle one
 * claim after another ({@link Claims} of {@link Population}, signed by {@link Signer}, {@code POST
 * /api/v1/settlements}, 201 expected), {@code warm} settlements first, then {@code measure}
 * settlements counted. A closed loop never queues, so a loaded machine slows it without failing
 * requests, and the JIT has seen the same number of settlements whatever the rate. The gateway's
 * CPU is read from {@code /proc/<pid>/task/*}/stat before and after and printed per settlement by
 * thread name (event loops, compiler threads, the rest). See docs/performance.md, "The gateway's
 * CPU per settlement, old jar vs new".
 *
 * <pre>
 * java -cp … -Dpopulation=20000 org.yizhan.load.ClosedLoop base-url gateway-pid clients warm measure
 * </pre>
 */
public final class ClosedLoop {
  private ClosedLoop() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ClosedLoop <base url> <gateway pid> <clients> <warm> <measure>");
      System.exit(2);
    }
    String base = args[0];
    long pid = Long.parseLong(args[1]);
    int clients = Integer.parseInt(args[2]);
    LoadConfig config = LoadConfig.fromSystemProperties();
    Population population = config.population();
    Claims claims = new Claims(config.catalogue(), Claims.runPrefix("CL"));
    Signer[] signers =
        config.hospitalKeys().stream()
            .map(k -> new Signer(k, Clock.systemUTC()))
            .toArray(Signer[]::new);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    AtomicLong failed = new AtomicLong();
    run(http, base, signers, population, claims, clients, Integer.parseInt(args[3]), failed);
    long failedBefore = failed.get();
    Map<String, Long> before = ticks(pid);
    long start = System.nanoTime();
    int ok =
        run(http, base, signers, population, claims, clients, Integer.parseInt(args[4]), failed);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> after = ticks(pid);
    long all = 0;
    StringBuilder threads = new StringBuilder();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      all += d;
      if (d > 0) {
        threads.append(
            String.format("  %-18s %.3f ms/settlement%n", e.getKey(), d * 10.0 / Math.max(1, ok)));
      }
    }
    System.out.printf(
        "RESULT ok=%d ko=%d wall=%.1fs rate=%.1f/s gateway_ms_per_settlement=%.3f load=%s%n%s",
        ok,
        failed.get() - failedBefore,
        seconds,
        ok / seconds,
        all * 10.0 / Math.max(1, ok),
        Files.readString(Path.of("/proc/loadavg")).trim(),
        threads);
  }

  private static int run(
      HttpClient http,
      String base,
      Signer[] signers,
      Population population,
      Claims claims,
      int clients,
      int settlements,
      AtomicLong failed)
      throws InterruptedException {
    AtomicInteger left = new AtomicInteger(settlements);
    AtomicInteger ok = new AtomicInteger();
    URI uri = URI.create(base + "/api/v1/settlements");
    Thread[] threads = new Thread[clients];
    for (int i = 0; i < clients; i++) {
      threads[i] =
          new Thread(
              () -> {
                while (left.getAndDecrement() > 0) {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  Signer signer = signers[r.nextInt(signers.length)];
                  byte[] body = claims.claimBytes(population.person(r.nextInt(population.size())));
                  HttpRequest.Builder request =
                      HttpRequest.newBuilder(uri)
                          .timeout(Duration.ofSeconds(30))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                  signer.headers("POST", "/api/v1/settlements", body).forEach(request::header);
                  try {
                    int status =
                        http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 201) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
              });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return ok.get();
  }

  /** CPU ticks (user + system, 10 ms) of the process's threads, summed by name less digits. */
  static Map<String, Long> ticks(long pid) throws IOException {
    Map<String, Long> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended between the listing and the read
        }
        String name =
            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]", "");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        byName.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
      }
    }
    return byName;
  }
}
