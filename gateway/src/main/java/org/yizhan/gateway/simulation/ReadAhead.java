package org.yizhan.gateway.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reading and replaying at once: the read ({@link ClaimSource#stream}, decoding included) runs on a
 * thread of its own and hands rows over in batches of {@link #BATCH_ROWS} through a queue of at
 * most {@link #BATCHES}, while the caller's thread replays them. On two cores the decoding and the
 * engine overlap instead of taking turns; memory holds at most {@code BATCHES × BATCH_ROWS} rows.
 *
 * <p>Either side stopping stops both: the replay failing (or asking to stop) tells the reader,
 * which stops at its next row; the read failing ends the replay with the read's error.
 */
public final class ReadAhead {
  /** Rows handed over at once. */
  static final int BATCH_ROWS = 256;

  /** Batches waiting at most: about 2,000 claims of 20 lines, a few megabytes. */
  static final int BATCHES = 8;

  /** How long the reader waits for room before asking again whether to stop, milliseconds. */
  static final long OFFER_MILLIS = 100;

  /** How long the replay waits for the reader to stop after a failure, seconds. */
  static final long JOIN_SECONDS = 30;

  /** A read that gives its rows to a sink and stops when asked. */
  public interface Read {
    void run(Consumer<Replayed> sink, BooleanSupplier stop) throws Exception;
  }

  private static final List<Replayed> END = List.of();

  private ReadAhead() {}

  /** Runs {@code read} on a new thread named {@code name}, each row to {@code replay} here. */
  public static void run(String name, Read read, Consumer<Replayed> replay, BooleanSupplier stop)
      throws Exception {
    BlockingQueue<List<Replayed>> queue = new ArrayBlockingQueue<>(BATCHES);
    AtomicReference<Exception> readFailure = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              Batches batches = new Batches(queue, cancelled);
              try {
                read.run(batches, cancelled::get);
                hand(queue, batches.batch, cancelled);
              } catch (Exception e) {
                readFailure.set(e);
              } finally {
                hand(queue, END, cancelled);
              }
            },
            name);
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        List<Replayed> rows = queue.take();
        if (rows == END) {
          break;
        }
        for (Replayed r : rows) {
          replay.accept(r);
        }
        if (stop.getAsBoolean()) {
          break;
        }
      }
    } finally {
      cancelled.set(true);
      queue.clear();
      reader.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
    }
    if (readFailure.get() != null) {
      throw readFailure.get();
    }
  }

  /** Gathers the reader's rows into batches and hands each full one over. */
  private static final class Batches implements Consumer<Replayed> {
    final BlockingQueue<List<Replayed>> queue;
    final AtomicBoolean cancelled;
    List<Replayed> batch = new ArrayList<>(BATCH_ROWS);

    Batches(BlockingQueue<List<Replayed>> queue, AtomicBoolean cancelled) {
      this.queue = queue;
      this.cancelled = cancelled;
    }

    @Override
    public void accept(Replayed row) {
      batch.add(row);
      if (batch.size() == BATCH_ROWS) {
        hand(queue, batch, cancelled);
        batch = new ArrayList<>(BATCH_ROWS);
      }
    }
  }

  /** Puts {@code rows} on the queue, waiting for room unless cancelled. */
  private static void hand(
      BlockingQueue<List<Replayed>> queue, List<Replayed> rows, AtomicBoolean cancelled) {
    try {
      while (!queue.offer(rows, OFFER_MILLIS, TimeUnit.MILLISECONDS)) {
        if (cancelled.get()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
