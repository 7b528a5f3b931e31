package org.yizhan.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.support.ClaimJson;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.web.HttpVerticle;

/**
 * Abuse of the transport by callers who need no key (issue 13, items 8 and 9), over raw sockets on
 * loopback: bodies sent to be held, connections opened to be held, requests trickled a byte at a
 * time. Other loopback addresses (127.0.0.2…) play other hosts. Each case is bounded in time.
 */
class HostileTransportTest {
  static final int HEADER_TIMEOUT_SECONDS = 1;
  static final int BODY_TIMEOUT_SECONDS = 2;
  static final int PER_ADDRESS = 10;
  static final int TOTAL = 40;

  /** Two 2 MB bodies fit, a third does not. */
  static final int BODY_BUFFER_BYTES = 4 * 1024 * 1024 + 1024;

  static final int DECLARED = 2_000_000;

  static TestGateway gw;

  /** The gateway's ERROR lines: a client that goes away is not the gateway's fault. */
  static final ListAppender<ILoggingEvent> errors = new ListAppender<>();

  static final Logger HTTP_LOG = (Logger) LoggerFactory.getLogger(HttpVerticle.class);

  @BeforeAll
  static void start() {
    errors.start();
    HTTP_LOG.addAppender(errors);
    gw =
        TestGateway.start(
            Map.of(
                "YIZHAN_HTTP_HEADER_TIMEOUT_SECONDS", Integer.toString(HEADER_TIMEOUT_SECONDS),
                "YIZHAN_HTTP_BODY_TIMEOUT_SECONDS", Integer.toString(BODY_TIMEOUT_SECONDS),
                "YIZHAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(PER_ADDRESS),
                "YIZHAN_HTTP_MAX_CONNECTIONS", Integer.toString(TOTAL),
                "YIZHAN_HTTP_BODY_BUFFER_TOTAL_BYTES", Integer.toString(BODY_BUFFER_BYTES)));
  }

  @AfterAll
  static void stop() {
    gw.close();
    HTTP_LOG.detachAppender(errors);
    assertThat(errors.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage)
        .as("clients that hang up, time out or are refused are logged quietly")
        .isEmpty();
  }

  static Socket connect(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", gw.gateway().port()), 5000);
    return s;
  }

  static String head(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  /** What arrives until the server closes or {@code millis} pass; null when nothing closed. */
  static String readUntilClosed(Socket s, long millis) throws IOException {
    s.setSoTimeout((int) millis);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        b.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      // reset by the server: closed
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Whether the server has closed {@code s} within {@code millis}. */
  static boolean closedWithin(Socket s, long millis) throws IOException {
    return readUntilClosed(s, millis) != null;
  }

  @Test
  void keylessRequest_isRefusedFromItsHeaders_beforeItsBodyIsSent_andItsConnectionClosed()
      throws IOException {
    for (String path :
        List.of(
            "/api/v1/settlements",
            "/fsi/api/rsfComIfsService/callService",
            "/manager/api/identities")) {
      try (Socket s = connect("127.0.0.1")) {
        long t0 = System.nanoTime();
        s.getOutputStream()
            .write(
                head("POST", path, "Content-Type: application/json", "Content-Length: " + DECLARED)
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = readUntilClosed(s, 5000);
        assertThat(answer).as(path + ": answered and closed without its body").isNotNull();
        // the national door answers refusals with HTTP 200 and its envelope (issue 16)
        assertThat(answer).startsWith(path.startsWith("/fsi") ? "HTTP/1.1 200" : "HTTP/1.1 401");
        assertThat(answer).contains(path.startsWith("/fsi") ? "\"infcode\"" : "UNAUTHENTICATED");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
      }
    }
  }

  @Test
  void keylessBodyFlood_holdsNoBodyMemory() throws Exception {
    List<Socket> flood = new ArrayList<>();
    byte[] half = new byte[DECLARED / 2];
    try {
      for (int i = 0; i < PER_ADDRESS - 1; i++) {
        Socket s = connect("127.0.0.3");
        flood.add(s);
        s.getOutputStream()
            .write(
                head(
                        "POST",
                        "/api/v1/settlements",
                        "Authorization: Bearer yz_made_up_" + i,
                        "Content-Type: application/json",
                        "Content-Length: " + DECLARED)
                    .getBytes(StandardCharsets.US_ASCII));
        try {
          s.getOutputStream().write(half);
        } catch (IOException e) {
          // refused and closed while we were still sending: what we want
        }
      }
      for (Socket s : flood) {
        String answer = readUntilClosed(s, 5000);
        assertThat(answer).isNotNull();
        if (!answer.isEmpty()) {
          assertThat(answer).startsWith("HTTP/1.1 401");
        }
      }
      assertThat(gw.gateway().transport().bodyBytes()).isZero();
    } finally {
      for (Socket s : flood) {
        s.close();
      }
    }
  }

  @Test
  void keyedBodies_beyondTheTotalBodyMemory_areRefused503Quickly_andTheMemoryComesBack()
      throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (String key : List.of(TestGateway.H1_KEY, TestGateway.H2_KEY)) {
        Socket s = connect("127.0.0.1");
        held.add(s);
        s.getOutputStream()
            .write(
                (head(
                            "POST",
                            "/api/v1/settlements",
                            "Authorization: Bearer " + key,
                            "Content-Type: application/json",
                            "Content-Length: " + DECLARED)
                        + "{\"claimNo\":")
                    .getBytes(StandardCharsets.US_ASCII));
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (gw.gateway().transport().bodyBytes() < 2L * DECLARED
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(gw.gateway().transport().bodyBytes()).isEqualTo(2L * DECLARED);
      try (Socket third = connect("127.0.0.1")) {
        long t0 = System.nanoTime();
        third
            .getOutputStream()
            .write(
                head(
                        "POST",
                        "/api/v1/settlements",
                        "Authorization: Bearer " + TestGateway.H3_KEY,
                        "Content-Type: application/json",
                        "Content-Length: " + DECLARED)
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = readUntilClosed(third, 5000);
        assertThat(answer).startsWith("HTTP/1.1 503").contains("\"BUSY\"").contains("Retry-After");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (gw.gateway().transport().bodyBytes() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(gw.gateway().transport().bodyBytes()).isZero();
    assertThat(gw.get("/api/v1/settlements?claimNo=after", TestGateway.H3_KEY).status())
        .isEqualTo(200);
  }

  @Test
  void slowloris_excessConnectionsOfAnAddressAreClosedAtOnce_theRestAtTheHeaderDeadline()
      throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * PER_ADDRESS; i++) {
        Socket s = connect("127.0.0.2");
        slow.add(s);
        s.getOutputStream()
            .write("GET /health/live HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      }
      Thread.sleep(300);
      int closedAtOnce = 0;
      for (Socket s : slow) {
        closedAtOnce += closedWithin(s, 10) ? 1 : 0;
      }
      assertThat(closedAtOnce).as("connections beyond the per-address cap").isEqualTo(PER_ADDRESS);
      // another host is still served while they trickle
      assertThat(gw.get("/health/live", null).status()).isEqualTo(200);
      // trickle one byte every 100 ms: the idle timer never fires, the header deadline does
      long t0 = System.nanoTime();
      long until = t0 + (HEADER_TIMEOUT_SECONDS + 3) * 1_000_000_000L;
      while (System.nanoTime() < until && slow.stream().anyMatch(s -> !s.isClosed())) {
        for (Socket s : slow) {
          if (!s.isClosed()) {
            try {
              s.getOutputStream().write('s');
              if (closedWithin(s, 1)) {
                s.close();
              }
            } catch (IOException e) {
              s.close();
            }
          }
        }
        Thread.sleep(100);
      }
      assertThat(slow).allMatch(Socket::isClosed);
      assertThat((System.nanoTime() - t0) / 1_000_000)
          .isLessThan((HEADER_TIMEOUT_SECONDS + 2) * 1000L);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void slowBody_isClosedAtTheBodyDeadline() throws Exception {
    String claim = ClaimJson.claim("SLOW-BODY").person("445202198001010013").json();
    try (Socket s = connect("127.0.0.4")) {
      s.getOutputStream()
          .write(
              head(
                      "POST",
                      "/api/v1/settlements/preview",
                      "Authorization: Bearer " + TestGateway.H1_KEY,
                      "Content-Type: application/json",
                      "Content-Length: " + (claim.length() + 1000))
                  .getBytes(StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          s.getOutputStream().write(' ');
        } catch (IOException e) {
          closed = true;
          break;
        }
        closed = closedWithin(s, 100);
      }
      assertThat(closed).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000)
          .isBetween(BODY_TIMEOUT_SECONDS * 1000L - 200, BODY_TIMEOUT_SECONDS * 1000L + 1500);
    }
  }

  @Test
  void connectionsBeyondTheTotal_areClosedAtOnce() throws Exception {
    List<Socket> all = new ArrayList<>();
    // e.g. the test client's kept-alive connection
    int open = gw.gateway().transport().connections();
    try {
      for (String from : List.of("127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9")) {
        for (int i = 0; i < PER_ADDRESS; i++) {
          all.add(connect(from));
        }
      }
      Thread.sleep(300);
      int closed = 0;
      for (Socket s : all) {
        closed += closedWithin(s, 10) ? 1 : 0;
      }
      assertThat(closed).isEqualTo(all.size() - (TOTAL - open));
    } finally {
      for (Socket s : all) {
        s.close();
      }
    }
  }
}
