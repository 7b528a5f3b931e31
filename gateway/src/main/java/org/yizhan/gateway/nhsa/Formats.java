package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.yizhan.core.model.Fen;

/**
 * The national formats: amounts are JSON numbers with exactly 2 decimals (16,2), ratios 4 (5,4),
 * quantities 4 (16,4) and prices 6 (16,6), all written from exact integers, never through a double;
 * business times {@code yyyy-MM-dd HH:mm:ss} and dates {@code yyyy-MM-dd}; the envelope's own
 * stamps (refmsg_time, respond_time) {@code yyyyMMddHHmmssSSS}.
 */
final class Formats {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
  static final DateTimeFormatter MSG_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private Formats() {}

  /** An amount in fen as a number with 2 decimals. */
  static void money(JsonGenerator g, String field, long fen) throws IOException {
    g.writeFieldName(field);
    g.writeNumber(Fen.format(fen));
  }

  /** A nullable amount in fen; {@code null} is written as JSON null. */
  static void money(JsonGenerator g, String field, Long fen) throws IOException {
    if (fen == null) {
      g.writeNullField(field);
    } else {
      money(g, field, fen.longValue());
    }
  }

  /** A scaled integer ({@code unscaled} / 10^scale) as a number with exactly {@code scale}. */
  static void scaled(JsonGenerator g, String field, long unscaled, int scale) throws IOException {
    g.writeFieldName(field);
    g.writeNumber(BigDecimal.valueOf(unscaled, scale).toPlainString());
  }

  static String time(LocalDateTime t) {
    return t == null ? null : TIME.format(t);
  }

  static String time(Instant t, ZoneId zone) {
    return t == null ? null : TIME.format(t.atZone(zone));
  }

  static String date(LocalDate d) {
    return d == null ? null : d.toString();
  }

  static String stamp(Instant t, ZoneId zone) {
    return STAMP.format(t.atZone(zone));
  }
}
