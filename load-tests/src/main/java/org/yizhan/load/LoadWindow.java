package org.yizhan.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The CPU readings that bound one simulation's load, for {@link Stepper}: every simulation marks
 * them in its {@code before} and {@code after} hooks, which Gatling runs just before the first user
 * starts and just after the last one ends, so the figures per request count the load and not the
 * set-up before it or the assertions and HTML report after it. Marks are taken only while a {@link
 * Stepper} watches (it gives the gateway's pid); elsewhere (the smoke test, a plain Gatling run)
 * the hooks do nothing.
 */
public final class LoadWindow {
  /** The readings at one moment: the three processes' CPU (ms) and the machine's ticks. */
  public record Readings(
      long gatewayMillis, long postgresMillis, long selfMillis, long[] machineTicks) {
    /** Now, for the gateway of pid {@code gatewayPid} (0: not counted). */
    static Readings now(long gatewayPid) throws IOException {
      return new Readings(
          Stepper.cpuMillis(gatewayPid),
          Stepper.postgresCpuMillis(),
          Stepper.cpuMillis(ProcessHandle.current().pid()),
          Stepper.machineTicks());
    }
  }

  /** The gateway's pid while a Stepper watches; -1 when none does. */
  private static volatile long watched = -1;

  private static volatile Readings started;
  private static volatile Readings ended;

  private LoadWindow() {}

  /** A Stepper watches, the gateway being {@code gatewayPid} (0: not counted). */
  static void watch(long gatewayPid) {
    watched = gatewayPid;
  }

  /** Forgets the marks of an earlier load (so a run that never started cannot report them). */
  static void reset() {
    started = null;
    ended = null;
  }

  /** The load starts (a simulation's {@code before}). */
  public static void opened() {
    ended = null;
    started = mark();
  }

  /** The load has ended (a simulation's {@code after}). */
  public static void closed() {
    ended = mark();
  }

  /** The start of the last load, taken out; empty when none was marked. */
  static Optional<Readings> started() {
    Readings r = started;
    started = null;
    return Optional.ofNullable(r);
  }

  /** The end of the last load, taken out; empty when none was marked. */
  static Optional<Readings> ended() {
    Readings r = ended;
    ended = null;
    return Optional.ofNullable(r);
  }

  private static Readings mark() {
    long pid = watched;
    if (pid < 0) {
      return null;
    }
    try {
      return Readings.now(pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
