package org.yizhan.gateway.infra.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.yizhan.core.model.Fen;

/**
 * The one writer of JSON answers, for every front door: money, decimals and times are written here
 * and nowhere else. Amounts are JSON numbers with exactly two decimals ({@code 6109.25}, {@code
 * 0.00}), written from exact integers, never through a double; clients should read them as
 * decimals. Times are ISO-8601 with the gateway's offset. Streaming (Jackson's generator) keeps a
 * 2,000-line settlement cheap to render.
 */
public final class JsonWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonWriter() {}

  /** A piece of JSON written to a generator. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  /** One item of a listing written to a generator. */
  @FunctionalInterface
  public interface ItemWriter<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }

  /** A page of a listing, as every listing answers it: {page, size, total, items}. */
  public static <T> Buffer page(int page, int size, long total, List<T> items, ItemWriter<T> item) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeNumberField("page", page);
          g.writeNumberField("size", size);
          g.writeNumberField("total", total);
          g.writeArrayFieldStart("items");
          for (T t : items) {
            item.write(g, t);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * The JSON {@code writer} writes, in a buffer. The generator keeps its own buffer and hands it
   * over in chunks, appended straight to the answer's buffer (no copy of the whole answer).
   */
  public static Buffer render(Writer writer) {
    Buffer out = Buffer.buffer(INITIAL_BYTES);
    try (JsonGenerator g = FACTORY.createGenerator(new Appender(out))) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The first size of an answer's buffer, bytes (a lean settlement is about 1.5 kB). */
  static final int INITIAL_BYTES = 2048;

  /** An output stream that appends to a buffer. */
  private static final class Appender extends OutputStream {
    private final Buffer out;

    Appender(Buffer out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      out.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      out.appendBytes(b, off, len);
    }
  }

  /** An amount in fen written as a JSON number with exactly two decimals. */
  public static void money(JsonGenerator g, String field, long fen) throws IOException {
    g.writeFieldName(field);
    g.writeNumber(Fen.format(fen));
  }

  /** A scaled integer written as a plain JSON number without trailing zeros. */
  public static void decimal(JsonGenerator g, String field, long unscaled, int scale)
      throws IOException {
    g.writeFieldName(field);
    BigDecimal d = BigDecimal.valueOf(unscaled, scale).stripTrailingZeros();
    g.writeNumber((d.scale() < 0 ? d.setScale(0) : d).toPlainString());
  }

  public static String time(Instant t, ZoneId zone) {
    return t == null ? null : t.atZone(zone).toOffsetDateTime().toString();
  }
}
