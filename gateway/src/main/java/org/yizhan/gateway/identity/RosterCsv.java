package org.yizhan.gateway.identity;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A roster in CSV, as text and then as records. County offices save it from Excel, so its encoding
 * is UTF-8 (with or without BOM) or GB18030 (which GBK, the encoding of Excel's "CSV" on Chinese
 * Windows, is part of); both are decoded strictly, and a file that is neither is refused naming the
 * first line that fails.
 */
final class RosterCsv {
  private RosterCsv() {}

  /**
   * The text of a CSV file: UTF-8 (a BOM dropped) when it is valid UTF-8, else GB18030 when it is
   * valid GB18030, else refused naming the first line GB18030 cannot decode. Neither decoder
   * replaces anything: a lenient decode would store U+FFFD in names.
   */
  static String decode(byte[] bytes) {
    String text = strict(StandardCharsets.UTF_8, bytes);
    if (text == null) {
      text = strict(Charset.forName("GB18030"), bytes);
    }
    if (text == null) {
      int line = failingLine(bytes);
      throw RosterFile.refused(
          "line " + line,
          "file",
          "is neither UTF-8 nor GB18030/GBK text; save the file as CSV (UTF-8) or CSV from Excel");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static String strict(Charset charset, byte[] bytes) {
    CharsetDecoder d =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return d.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The line (1-based) where the file stops being text: the first byte that neither UTF-8 nor
   * GB18030 can decode, taking the encoding that reads further (the one the file is most likely
   * in). A byte 0x0A is a line feed in both (never part of a multi-byte character), so counting
   * them is exact.
   */
  static int failingLine(byte[] bytes) {
    int at =
        Math.max(
            failingByte(StandardCharsets.UTF_8, bytes),
            failingByte(Charset.forName("GB18030"), bytes));
    int line = 1;
    for (int i = 0; i < at && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int failingByte(Charset charset, byte[] bytes) {
    CharsetDecoder d =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isOverflow()) {
        out.clear();
        continue;
      }
      return in.position();
    }
  }

  /** The records of a CSV text, the header first. */
  static Iterator<RosterFile.Line> csv(String text) {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    MappingIterator<List<String>> rows;
    try {
      rows =
          mapper
              .readerForListOf(String.class)
              .with(CsvSchema.emptySchema())
              .readValues(new StringReader(text));
    } catch (IOException e) {
      throw RosterFile.refused("file", "file", "not readable as CSV" + where(e));
    }
    return new Iterator<>() {
      int line;

      @Override
      public boolean hasNext() {
        try {
          return rows.hasNext();
        } catch (RuntimeException e) {
          throw RosterFile.refused("file", "file", "not readable as CSV" + where(e));
        }
      }

      @Override
      public RosterFile.Line next() {
        try {
          List<String> r = rows.next();
          line++;
          List<String> out = new ArrayList<>(r.size());
          for (String s : r) {
            out.add(s == null ? "" : s.trim());
          }
          return new RosterFile.Line(line, out);
        } catch (RuntimeException e) {
          throw RosterFile.refused("file", "file", "not readable as CSV" + where(e));
        }
      }
    };
  }

  private static String where(Exception e) {
    Throwable t = e instanceof JsonProcessingException ? e : e.getCause();
    if (t instanceof JsonProcessingException) {
      JsonLocation l = ((JsonProcessingException) t).getLocation();
      if (l != null && l.getLineNr() > 0) {
        return " at line " + l.getLineNr();
      }
    }
    return "";
  }
}
