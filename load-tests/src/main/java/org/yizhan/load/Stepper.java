package org.yizhan.load;

import io.gatling.app.Gatling$;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The stepped load of bench.sh: a warm-up, then {@code SettlementMix} at each given arrival rate,
 * all in this one JVM, so the load generator itself is warm after the warm-up (a fresh Gatling JVM
 * per step measured its own first, interpreted seconds: the first second of every step had response
 * times of 250–500 ms where the rest had under 70). Prints one line per step:
 *
 * <pre>STEP rate pass|FAIL req/s p50 p99 failed settle/s settleP50 settleP99 gatewayCpuMsPerRequest
 *      postgresCpuMsPerRequest loadGeneratorCpuMsPerRequest machineBusyPercent
 * </pre>
 *
 * <p>The CPU columns split the machine's work per completed request between the gateway (its pid),
 * PostgreSQL (its postmaster {@code -DpostgresPid} and its children: backends, WAL writer,
 * checkpointer; without it every process named {@code postgres}) and this load generator, from
 * {@code /proc}; the last is the share of all cores busy during the step (from {@code /proc/stat}).
 * Together they say what bounds a step on a machine that runs all three. They are read over the
 * load itself, from the simulation's {@code before} to its {@code after} hook ({@link LoadWindow}),
 * so neither the setting up of a simulation nor Gatling's checking of its assertions and writing of
 * its HTML report afterwards (50–300 ms of the load generator's CPU a step, measured, while the
 * gateway and PostgreSQL idle) is counted per request; a line {@code OUTSIDE rate setUpMs afterMs}
 * gives the load generator's CPU outside the window.
 *
 * <p>It stops after a step with failed requests or one where the gateway fell behind the arrivals
 * (completed requests/s under 90% of the rate), and, with {@code -DstopWhenQueueing=true}, after a
 * step whose median exceeds the p99 bound (requests queue: higher rates only queue more; the hot
 * simulations use it). Parameters as {@link LoadConfig} (baseUrl, population, p99Ms) plus {@code
 * -Dsimulation} (the simulation stepped, a class of {@code org.yizhan.load.sim}, default {@code
 * SettlementMix}; its {@code -DsettlePercent} passes through) and the arguments: {@code <results
 * folder> <gateway pid or 0> <warm-up rate> <warm-up seconds, 0 for none> <step seconds>
 * <rate>...}. The warm-up runs the same simulation.
 */
public final class Stepper {
  /** Completed requests/s below this share of the arrival rate: the gateway fell behind. */
  static final double KEEPING_UP = 0.9;

  private Stepper() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 6) {
      System.err.println(
          "usage: Stepper <results> <gateway pid|0> <warm-up rate> <warm-up s> <step s> <rate>...");
      System.exit(2);
    }
    Path results = Path.of(args[0]).toAbsolutePath();
    long pid = Long.parseLong(args[1]);
    String p99 = System.getProperty("p99Ms", "100");
    String simulation = SIMULATIONS + System.getProperty("simulation", "SettlementMix");
    boolean stopWhenQueueing = Boolean.getBoolean("stopWhenQueueing");
    if (Integer.parseInt(args[3]) > 0) {
      run(results, simulation, args[2], args[3], "1000000");
    }
    List<String> rates = new ArrayList<>(List.of(args).subList(5, args.length));
    LoadWindow.watch(pid);
    for (String rate : rates) {
      LoadWindow.reset();
      LoadWindow.Readings around = LoadWindow.Readings.now(pid);
      int status = run(results, simulation, rate, args[4], p99);
      LoadWindow.Readings done = LoadWindow.Readings.now(pid);
      // The load's own window (the simulation's before and after hooks), without the JVM's work
      // before it and the assertions and report after it; the whole run if a hook did not mark.
      LoadWindow.Readings start = LoadWindow.started().orElse(around);
      LoadWindow.Readings end = LoadWindow.ended().orElse(done);
      long gatewayBefore = start.gatewayMillis();
      long postgresBefore = start.postgresMillis();
      long selfBefore = start.selfMillis();
      long[] machineBefore = start.machineTicks();
      long gatewayAfter = end.gatewayMillis();
      long postgresAfter = end.postgresMillis();
      long selfAfter = end.selfMillis();
      long[] machineAfter = end.machineTicks();
      // The load generator's CPU outside the load: setting the simulation up, then checking its
      // assertions and writing its HTML report (while the gateway and PostgreSQL are idle).
      System.out.printf(
          "OUTSIDE %s %d %d%n",
          rate, start.selfMillis() - around.selfMillis(), done.selfMillis() - end.selfMillis());
      Path report = newest(results, simulation);
      Report.Row all = Report.row(report, "ALL");
      Report.Row settle = Report.row(report, "settle");
      double n = Math.max(1, all.total());
      long busy = machineAfter[0] - machineBefore[0];
      long total = machineAfter[1] - machineBefore[1];
      System.out.printf(
          "STEP %s %s %s %d %d %d %s %d %d %.2f %.2f %.2f %.0f%n",
          rate,
          status == 0 ? "pass" : "FAIL",
          all.perSecond(),
          all.p50Ms(),
          all.p99Ms(),
          all.ko(),
          settle.perSecond(),
          settle.p50Ms(),
          settle.p99Ms(),
          (gatewayAfter - gatewayBefore) / n,
          (postgresAfter - postgresBefore) / n,
          (selfAfter - selfBefore) / n,
          total == 0 ? 0.0 : 100.0 * busy / total);
      System.out.flush();
      boolean keepingUp =
          Double.parseDouble(all.perSecond()) >= KEEPING_UP * Double.parseDouble(rate);
      boolean queueing = all.p50Ms() > Long.parseLong(p99);
      if (all.ko() > 0 || !keepingUp || (stopWhenQueueing && queueing)) {
        break;
      }
    }
    System.exit(0);
  }

  /** The package of the simulations. */
  static final String SIMULATIONS = "org.yizhan.load.sim.";

  /** One run of {@code simulation}; Gatling's status (0: every assertion held). */
  static int run(Path results, String simulation, String rate, String seconds, String p99Ms) {
    System.setProperty("rate", rate);
    System.setProperty("duration", seconds);
    System.setProperty("p99Ms", p99Ms);
    return Gatling$.MODULE$.fromArgs(
        new String[] {
          "--simulation",
          simulation,
          "--results-folder",
          results.toString(),
          "--run-description",
          "bench " + rate + "/s"
        });
  }

  /** The process's CPU time (user + system) in ms, from /proc; 0 when unknown. */
  static long cpuMillis(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (pid <= 0 || !Files.exists(stat)) {
      return 0;
    }
    String s = Files.readString(stat);
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ", fields start at state (3rd): utime is the 14th, stime the 15th
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /**
   * CPU time (ms) of the PostgreSQL server: with {@code -DpostgresPid} (its postmaster), the
   * postmaster's own time, the time of its children that have exited (which the kernel adds to the
   * postmaster's, so a backend that ends during a step keeps its time counted) and that of its
   * children now running; without it, of every process named {@code postgres} now running, which on
   * a machine running other PostgreSQL servers counts them too.
   */
  static long postgresCpuMillis() throws IOException {
    long postmaster = Long.getLong("postgresPid", 0L);
    return postmaster > 0 ? serverCpuMillis(postmaster) : everyPostgresCpuMillis();
  }

  /** A postmaster's CPU time with its children's, exited and running, ms. */
  static long serverCpuMillis(long postmaster) throws IOException {
    long[] own = stat(postmaster);
    if (own == null) {
      return 0;
    }
    long ticks = own[1] + own[2] + own[3] + own[4];
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] child = stat(Long.parseLong(name));
        if (child != null && child[0] == postmaster) {
          ticks += child[1] + child[2];
        }
      }
    }
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /** ppid, utime, stime, cutime, cstime (ticks) of a process, or null when it is gone. */
  static long[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state, ppid (4th field), …, utime 14th, stime, cutime, cstime
      return new long[] {
        Long.parseLong(f[1]),
        Long.parseLong(f[11]),
        Long.parseLong(f[12]),
        Long.parseLong(f[13]),
        Long.parseLong(f[14])
      };
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /**
   * CPU time (ms) of every process named {@code postgres} now running: the server's backends and
   * its background processes. A backend that exits during a step takes its time with it.
   */
  static long everyPostgresCpuMillis() throws IOException {
    long sum = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if ("postgres".equals(Files.readString(p.resolve("comm")).strip())) {
            sum += cpuMillis(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended between the listing and the read
        }
      }
    }
    return sum;
  }

  /**
   * The machine's busy and total CPU ticks so far, all cores, from the first line of /proc/stat.
   */
  static long[] machineTicks() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  /** USER_HZ on Linux: 100 on every architecture the JDK runs on. */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  /** The newest report of {@code simulation} (Gatling names it {@code <simple name>-<time>}). */
  static Path newest(Path results, String simulation) throws IOException {
    String prefix =
        simulation.substring(simulation.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) + "-";
    try (Stream<Path> dirs = Files.list(results)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith(prefix))
          .max(Comparator.comparing(d -> d.getFileName().toString()))
          .orElseThrow(() -> new IOException("no " + simulation + " report in " + results));
    }
  }
}
