package org.yizhan.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, byte for byte as the test writes it: no client library in between
 * to refuse a bad header, fix a content length or encode a path. One request per connection ({@code
 * Connection: close}), so the answer is whatever arrives until the server closes.
 */
public final class RawHttp {
  /** How long to wait for an answer, milliseconds: longer than any request timeout we run with. */
  static final int READ_TIMEOUT_MILLIS = 30_000;

  private RawHttp() {}

  /** A header as sent: the value may hold any bytes (Latin-1 characters map to one byte each). */
  public record Header(String name, String value) {}

  /** An answer; {@code status} is -1 when the server closed without answering. */
  public record Answer(int status, List<Header> headers, byte[] body) {
    public String header(String name) {
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          return h.value();
        }
      }
      return null;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code method target HTTP/1.1}, the headers, Host and Connection: close, and the body.
   */
  public static Answer send(
      int port, String method, String target, List<Header> headers, byte[] body)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
    out.write("Host: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
    boolean hasLength = false;
    for (Header h : headers) {
      hasLength |= h.name().equalsIgnoreCase("Content-Length");
      out.write((h.name() + ": ").getBytes(StandardCharsets.UTF_8));
      out.write(h.value().getBytes(StandardCharsets.UTF_8));
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (!hasLength && body != null) {
      out.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.write(body);
    }
    return exchange(port, out.toByteArray());
  }

  /** Writes {@code request} exactly and reads the answer. */
  public static Answer exchange(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      OutputStream o = s.getOutputStream();
      try {
        // no half-close after writing: a server may take the client's FIN as goodbye
        o.write(request);
        o.flush();
      } catch (IOException e) {
        // the server may answer (413, 431) and close before reading everything we send
      }
      byte[] all = readAll(s.getInputStream());
      return parse(all);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        b.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no complete answer in " + READ_TIMEOUT_MILLIS + " ms", e);
    } catch (IOException e) {
      // a reset after the answer was sent: keep what arrived
      if (b.size() == 0) {
        throw e;
      }
    }
    return b.toByteArray();
  }

  static Answer parse(byte[] all) {
    int headEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (all.length == 0 || headEnd < 0) {
      return new Answer(-1, List.of(), all);
    }
    String[] head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = head[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    List<Header> headers = new ArrayList<>();
    boolean chunked = false;
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      Header h =
          new Header(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
      headers.add(h);
      chunked |=
          h.name().equalsIgnoreCase("Transfer-Encoding")
              && h.value().toLowerCase(Locale.ROOT).contains("chunked");
    }
    byte[] rest = Arrays.copyOfRange(all, headEnd + 4, all.length);
    return new Answer(status, headers, chunked ? dechunk(rest) : rest);
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int eol = indexOf(Arrays.copyOfRange(body, i, body.length), new byte[] {13, 10});
      if (eol < 0) {
        break;
      }
      String sizeText = new String(body, i, eol, StandardCharsets.US_ASCII).split(";")[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      i += eol + 2;
      if (size == 0) {
        break;
      }
      out.write(body, i, Math.min(size, body.length - i));
      i += size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
