package org.yizhan.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the gateway and PostgreSQL that a test steers, to play the faults a network
 * and a database host cause: every connection cut and new ones refused ({@link #cut()}), traffic
 * held without closing anything, as a hung host or a dropped route does ({@link #stall()}), a delay
 * on every chunk ({@link #latencyMillis(long)}), and every connection closed once a given number of
 * further bytes has passed, whichever way, which lands in the middle of a transaction ({@link
 * #dropAfterBytes(long)}). {@link #heal()} ends every fault.
 *
 * <p>Blocking sockets and two daemon threads per connection (one per direction): a test opens a few
 * dozen connections at most, and the simple design keeps the proxy's own behaviour obvious.
 */
public final class FaultProxy implements AutoCloseable {
  /** Bytes read per chunk; latency applies to each chunk. */
  private static final int CHUNK_BYTES = 16 * 1024;

  /** How often a stalled pump checks whether to go on, milliseconds. */
  private static final long STALL_POLL_MILLIS = 10;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;
  private volatile boolean stalled;
  private volatile long latencyMillis;
  private volatile boolean closed;

  /** Bytes that may still pass before every connection is closed; negative = no limit. */
  private final AtomicLong bytesBeforeDrop = new AtomicLong(-1);

  private final AtomicLong drops = new AtomicLong();

  /** Armed: the next COMMIT sent to PostgreSQL gets through, its answer does not. */
  private volatile boolean loseCommitAnswer;

  /**
   * Set once an armed COMMIT has passed: the chunk from PostgreSQL that carries the COMMIT's answer
   * (its CommandComplete tag) is not forwarded, and everything is closed. Answers to statements
   * pipelined before the COMMIT still pass, so PostgreSQL has read and executed the COMMIT before
   * the connection goes; closing at its first answer would race it and often roll back instead.
   */
  private volatile boolean dropNextAnswer;

  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** A proxy on a free local port forwarding to {@code localhost:targetPort}. */
  public static FaultProxy start(int targetPort) {
    try {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FaultProxy p = new FaultProxy(s, new InetSocketAddress("localhost", targetPort));
      Thread acceptor = new Thread(p::accept, "fault-proxy-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every open connection and refuses new ones until {@link #heal()}. */
  public void cut() {
    refusing = true;
    closeAll();
  }

  /** Holds all traffic (nothing is closed, nothing passes) until {@link #heal()}. */
  public void stall() {
    stalled = true;
  }

  /** Delays every chunk, each way, by {@code millis}. */
  public void latencyMillis(long millis) {
    latencyMillis = millis;
  }

  /** Closes every connection once {@code bytes} more bytes have passed, either way. */
  public void dropAfterBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
    bytesBeforeDrop.set(bytes);
  }

  /**
   * Lets the next COMMIT reach PostgreSQL, which commits, then closes every connection before its
   * answer gets back: the gateway cannot know whether the transaction committed.
   */
  public void loseTheAnswerToTheNextCommit() {
    loseCommitAnswer = true;
  }

  /** Whether an armed {@link #dropAfterBytes(long)} has fired; how many times in all. */
  public long drops() {
    return drops.get();
  }

  /** Ends every fault: connections accepted, traffic flowing, no delay, no drop armed. */
  public void heal() {
    refusing = false;
    stalled = false;
    latencyMillis = 0;
    bytesBeforeDrop.set(-1);
    loseCommitAnswer = false;
    dropNextAnswer = false;
  }

  /** Connections open now. */
  public int connections() {
    return sockets.size() / 2;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        quietlyClose(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        quietlyClose(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean up) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK_BYTES];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  while (stalled && !from.isClosed()) {
                    Thread.sleep(STALL_POLL_MILLIS);
                  }
                  long delay = latencyMillis;
                  if (delay > 0) {
                    Thread.sleep(delay);
                  }
                  if (!up && dropNextAnswer && contains(buf, n, COMMIT)) {
                    dropNextAnswer = false;
                    drops.incrementAndGet();
                    closeAll();
                    return;
                  }
                  int pass = allowance(n);
                  if (pass > 0) {
                    out.write(buf, 0, pass);
                    out.flush();
                  }
                  if (up && loseCommitAnswer && contains(buf, n, COMMIT)) {
                    loseCommitAnswer = false;
                    dropNextAnswer = true;
                  }
                  if (pass < n) {
                    drops.incrementAndGet();
                    closeAll();
                    return;
                  }
                }
              } catch (IOException e) {
                // the other side or the test closed the connection
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                quietlyClose(from);
                quietlyClose(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "fault-proxy-" + (up ? "up" : "down"));
    t.setDaemon(true);
    t.start();
  }

  private static boolean contains(byte[] buf, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** How many of {@code n} bytes may pass before an armed drop; takes them from the budget. */
  private int allowance(int n) {
    while (true) {
      long left = bytesBeforeDrop.get();
      if (left < 0) {
        return n;
      }
      long pass = Math.min(left, n);
      if (bytesBeforeDrop.compareAndSet(left, left - pass)) {
        if (pass < n) {
          bytesBeforeDrop.set(-1);
        }
        return (int) pass;
      }
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      quietlyClose(s);
    }
    sockets.clear();
  }

  private static void quietlyClose(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    heal();
    closeAll();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
