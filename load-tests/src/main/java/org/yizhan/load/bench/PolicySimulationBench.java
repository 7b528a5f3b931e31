package org.yizhan.load.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.ClaimLine;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.gateway.config.CatalogueFiles;
import org.yizhan.gateway.config.PolicyFiles;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.simulation.ClaimSource;
import org.yizhan.gateway.simulation.Impact;
import org.yizhan.gateway.simulation.ReadAhead;
import org.yizhan.gateway.simulation.Replay;
import org.yizhan.gateway.simulation.ReplayClaim;

/**
 * How fast an impact simulation replays a year of a city (issue 19 item 4): {@code --claims}
 * settlements (default a million) of about 0.6 claims per person-year … 1.6 claims per person, one
 * person in five poor (低保, 特困, 建档立卡 in turn), {@code --lines} lines each (A, B and C items of the
 * shipped catalogue), replayed under the shipped 445200/2018 policy and a candidate (低保's basic
 * deductible halved).
 *
 * <ul>
 *   <li>{@code --mode engine}: the claims are generated in memory one person at a time and fed to
 *       {@link Replay}: the engine's part alone (twice per claim, the version in force and the
 *       candidate).
 *   <li>{@code --mode database}: the claims are written by SQL into a database of their own (an
 *       embedded PostgreSQL under {@code target/bench-simulation-pg} unless {@code --url} names a
 *       server), then read through {@link ClaimSource} (the gateway's statement, cursor and
 *       read-only snapshot) and replayed: what a simulation costs end to end. The plan of the
 *       statement goes to {@code target/simulation-plan.txt}.
 * </ul>
 *
 * <pre>
 * mvn -B -ntp -pl load-tests -am package -DskipTests
 * CP="load-tests/target/classes:$(cat load-tests/target/classpath.txt)"
 * java -cp "$CP" org.yizhan.load.bench.PolicySimulationBench --mode engine --claims 1000000
 * java -cp "$CP" org.yizhan.load.bench.PolicySimulationBench --mode database --claims 1000000
 * </pre>
 */
public final class PolicySimulationBench {
  /** Item codes of the shipped catalogue: A, B (5% to 15% self-paid) and C. */
  static final String[] ITEMS = {
    "XA02BCK480C004010155909",
    "XA02BCH171B002010167442",
    "XA02BCD195A007010199315",
    "XA02BCT397B007010146505",
  };

  private PolicySimulationBench() {}

  public static void main(String[] args) throws Exception {
    String mode = arg(args, "--mode", "engine");
    int claims = Integer.parseInt(arg(args, "--claims", "1000000"));
    int lines = Integer.parseInt(arg(args, "--lines", "20"));
    Path config = Path.of(arg(args, "--config", "config"));
    PolicyBook book = PolicyFiles.load(config.resolve("policies"));
    Catalogue catalogue = CatalogueFiles.load(config.resolve("catalogue"));
    SettlementEngine engine = new SettlementEngine(book, catalogue);
    String yaml =
        Files.readString(config.resolve("policies").resolve("445200-RESIDENT-2018.yaml"))
            .replace(
                "  SUBSISTENCE:        # 低保对象\n",
                "  SUBSISTENCE:        # 低保对象\n    basic: {deductibleFactor: 0.5}\n");
    Policy candidate = PolicyFiles.parseDocument("candidate.yaml", yaml);
    System.out.printf(
        "cores %d, load average %.2f%n",
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    if (mode.equals("engine")) {
      for (int run = 0; run < 3; run++) {
        inMemory(engine, candidate, claims, lines);
      }
    } else {
      database(args, engine, candidate, claims, lines);
    }
  }

  static void inMemory(SettlementEngine engine, Policy candidate, int claims, int lines) {
    long t0 = System.nanoTime();
    long[] cpu0 = cpu(-1);
    Replay replay = new Replay(engine, candidate, 50);
    for (int n = 0; n < claims; n++) {
      replay.accept(claim(n, lines));
    }
    Impact i = replay.finish();
    report("engine", t0, i);
    System.out.println("  " + cpuSince(cpu0, -1));
  }

  /** Claim {@code n}: person n × 5 / 8 (so claims of a person come together), the same as SQL's. */
  static ReplayClaim claim(int n, int lineCount) {
    int p = (int) (n * 5L / 8);
    String person = String.format("445202%012d", p);
    List<ClaimLine> lines = new ArrayList<>(lineCount);
    for (int i = 1; i <= lineCount; i++) {
      long fen = 100L * (((n * 7L + i * 13L) % 500) + 20);
      lines.add(
          new ClaimLine(
              String.valueOf(i), ITEMS[(n + i) % ITEMS.length], "", 10_000, fen * 10_000, fen));
    }
    LocalDate discharge = LocalDate.of(2018, 1, 1).plusDays(n % 360);
    Claim c =
        new Claim(
            "C" + n,
            person,
            "RESIDENT",
            "445202",
            "HB" + (n % 50),
            1 + n % 3,
            discharge.minusDays(5),
            discharge,
            lines);
    return new ReplayClaim("s" + n, c, identities(p), n);
  }

  static List<Identity> identities(int p) {
    switch (p % 10) {
      case 0:
        return List.of(Identity.confirmed(IdentityCategory.SUBSISTENCE, LocalDate.of(2017, 1, 1)));
      case 1:
        return List.of(Identity.confirmed(IdentityCategory.DESTITUTE, LocalDate.of(2017, 1, 1)));
      default:
        return List.of();
    }
  }

  static void report(String what, long t0, Impact i) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%s: %d claims (%d refused in force, %d by the candidate) of %d persons in %.1f s,"
            + " %.0f claims/s; funds %d → %d fen, %d better off%n",
        what,
        i.claims(),
        i.refusedInForce(),
        i.refusedCandidate(),
        i.persons(),
        seconds,
        (i.claims() + i.refusedInForce()) / seconds,
        i.inForce().fundFen(),
        i.candidate().fundFen(),
        i.better());
  }

  static void database(
      String[] args, SettlementEngine engine, Policy candidate, int claims, int lines)
      throws Exception {
    String url = arg(args, "--url", null);
    boolean keep = Boolean.parseBoolean(arg(args, "--keep", "false"));
    Database embedded = null;
    String user = arg(args, "--user", "postgres");
    if (url == null) {
      embedded = Database.startEmbedded(Path.of("target", "bench-simulation-pg"), 0);
      url = embedded.jdbcUrl();
    }
    try {
      Database.external(url, user, "").migrate();
      try (Connection c = DriverManager.getConnection(url, user, "")) {
        boolean empty;
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT count(*) = 0 FROM settlement")) {
          r.next();
          empty = r.getBoolean(1);
        }
        if (!keep || empty) {
          generate(c, claims, lines);
        }
        ClaimSource.Selection sel =
            ClaimSource.Selection.ofRegion(
                "445200", "RESIDENT", LocalDate.of(2018, 1, 1), LocalDate.of(2018, 12, 31));
        int pid = backendPid(c);
        for (int run = 0; run < 2; run++) {
          long t0 = System.nanoTime();
          long[] cpu0 = cpu(pid);
          long[] rows = {0};
          ClaimSource.begin(c);
          ClaimSource.stream(c, sel, r -> rows[0]++, () -> false);
          c.rollback();
          System.out.printf(
              "read alone (COPY binary, decoding, no engine): %d rows in %.1f s%s%n",
              rows[0], (System.nanoTime() - t0) / 1e9, cpuSince(cpu0, pid));
        }
        for (String how : new String[] {"one thread", "read-ahead"}) {
          for (int run = 0; run < 2; run++) {
            long t0 = System.nanoTime();
            long[] cpu0 = cpu(pid);
            Replay replay = new Replay(engine, candidate, 50);
            ClaimSource.begin(c);
            long total = ClaimSource.count(c, sel);
            if (how.equals("one thread")) {
              ClaimSource.stream(c, sel, replay::accept, () -> false);
            } else {
              ReadAhead.run(
                  "bench-read",
                  (sink, stop) -> ClaimSource.stream(c, sel, sink, stop),
                  replay::accept,
                  () -> false);
            }
            c.rollback();
            report("database, " + how + " (" + total + " counted)", t0, replay.finish());
            System.out.println("  " + cpuSince(cpu0, pid));
          }
        }
        plan(c, sel);
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  static void generate(Connection c, int claims, int lines) throws SQLException {
    long t0 = System.nanoTime();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute(
          "TRUNCATE settlement_fund, ledger_transfer, reversal, settlement, claim_lines, claim CASCADE");
      s.execute(
          "INSERT INTO hospital (code, name, hospital_level, region, updated_at)"
              + " SELECT 'HB' || h, 'bench ' || h, 1 + h % 3, '445202', now()"
              + " FROM generate_series(0, 49) h ON CONFLICT DO NOTHING");
      s.execute("DROP TABLE IF EXISTS bench_claim");
      s.execute(
          "CREATE UNLOGGED TABLE bench_claim AS SELECT n, gen_random_uuid() AS id,"
              + " '445202' || lpad(((n * 5) / 8)::text, 12, '0') AS person,"
              + " ((n * 5) / 8) % 10 AS kind, 'HB' || (n % 50) AS hospital, 1 + n % 3 AS level,"
              + " date '2018-01-01' + (n % 360) AS discharge FROM generate_series(0, "
              + (claims - 1)
              + ") n");
      s.execute(
          "INSERT INTO claim (id, hospital_code, claim_no, content_sha256, person_id_no,"
              + " person_name, scheme, office_code, hospital_level, admission_date,"
              + " discharge_date, line_count, total, received_at)"
              + " SELECT id, hospital, 'C' || n, repeat('0', 64), person, '测试', 'RESIDENT',"
              + " '445202', level, discharge - 5, discharge, "
              + lines
              + ", 0, now() FROM bench_claim");
      String amount = "(((n * 7 + i * 13) % 500) + 20)::numeric(14,2)";
      s.execute(
          "INSERT INTO claim_lines (claim_id, line_no, item_code, item_name, quantity, unit_price,"
              + " amount, category, self_pay_ratio, price_cap, full_own_pay, over_limit,"
              + " pre_self_pay) SELECT b.id, l.line_no, l.item_code, l.item_name, l.quantity,"
              + " l.unit_price, l.amount, l.category, l.ratio, l.cap, l.zero, l.zero, l.zero"
              + " FROM bench_claim b CROSS JOIN LATERAL (SELECT array_agg(i::text) AS line_no,"
              + " array_agg((ARRAY['"
              + String.join("','", ITEMS)
              + "'])[(b.n + i) % 4 + 1]) AS item_code, array_agg(''::text) AS item_name,"
              + " array_agg(1::numeric(16,4)) AS quantity, array_agg("
              + amount.replace("n *", "b.n *")
              + "::numeric(18,6)) AS unit_price, array_agg("
              + amount.replace("n *", "b.n *")
              + ") AS amount, array_agg('A'::char(1)) AS category,"
              + " array_agg(0::numeric(5,4)) AS ratio, array_agg(NULL::numeric(18,6)) AS cap,"
              + " array_agg(0::numeric(14,2)) AS zero FROM generate_series(1, "
              + lines
              + ") i) l");
      s.execute(
          "INSERT INTO settlement (id, claim_id, hospital_code, claim_no, person_id_no,"
              + " office_code, status, policy_id, year, hospital_level, total, full_own_pay,"
              + " over_limit, pre_self_pay, in_scope, act_deductible, basic_pay, ci_pay, ma_pay,"
              + " fund_pay, personal_pay, identities_used, delta_basic_paid,"
              + " delta_deductible_paid, delta_ci_base, delta_ci_paid, delta_ma_base,"
              + " delta_ma_paid, prepayment_drawn, hospital_advance, settled_at, settled_on)"
              + " SELECT gen_random_uuid(), id, hospital, 'C' || n, person, '445202', 'SETTLED',"
              + " '445200/RESIDENT/2018', 2018, level, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
              + " CASE kind WHEN 0 THEN '[{\"category\":\"SUBSISTENCE\",\"validFrom\":"
              + "\"2017-01-01\",\"validTo\":null,\"confirmed\":true,\"liftedOutDate\":null}]'"
              + " WHEN 1 THEN '[{\"category\":\"DESTITUTE\",\"validFrom\":\"2017-01-01\","
              + "\"validTo\":null,\"confirmed\":true,\"liftedOutDate\":null}]' ELSE '[]' END,"
              + " 0, 0, 0, 0, 0, 0, 0, 0, discharge + time '12:00' + n * interval '1 microsecond',"
              + " discharge FROM bench_claim");
      s.execute("DROP TABLE bench_claim");
      s.execute("VACUUM ANALYZE claim");
      s.execute("VACUUM ANALYZE claim_lines");
      s.execute("VACUUM ANALYZE settlement");
    }
    System.out.printf(
        "generated %d settlements of %d lines in %.1f s%n",
        claims, lines, (System.nanoTime() - t0) / 1e9);
  }

  static void plan(Connection c, ClaimSource.Selection sel) throws Exception {
    ClaimSource.begin(c);
    StringBuilder plan = new StringBuilder();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("EXPLAIN " + ClaimSource.select(sel))) {
      while (r.next()) {
        plan.append(r.getString(1)).append('\n');
      }
    }
    c.rollback();
    Path out = Path.of("target", "simulation-plan.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, plan.toString(), StandardCharsets.UTF_8);
    System.out.println("plan: " + out.toAbsolutePath());
  }

  static int backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  /**
   * CPU time so far, milliseconds: this JVM's, and the database backend's ({@code /proc}, when the
   * server runs on this machine; -1 otherwise). CPU time says what the work cost whatever else the
   * machine was doing; wall time on a shared machine does not.
   */
  static long[] cpu(int backendPid) {
    long jvm =
        ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1_000_000;
    long backend = -1;
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(backendPid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime), clock ticks of 10 ms; f[0] is field 3
      backend = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (Exception e) {
      // not a local server: the backend's CPU is not known
    }
    return new long[] {jvm, backend};
  }

  static String cpuSince(long[] before, int backendPid) {
    long[] now = cpu(backendPid);
    return String.format(
        "; CPU: JVM %.1f s, PostgreSQL backend %s, load average %.2f",
        (now[0] - before[0]) / 1e3,
        before[1] < 0 ? "unknown" : String.format("%.1f s", (now[1] - before[1]) / 1e3),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
