package org.yizhan.gateway.identity;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * A roster in CSV, as text and then as records. County offices save it from Excel, so its encoding
 * is UTF-8 (with or without BOM) or GB18030 (which GBK, the encoding of Excel's "CSV" on Chinese
 * Windows, is part of); both are decoded strictly, and a file that is neither is refused naming the
 * first line that fails.
 */
final class RosterCsv {
  private RosterCsv() {}

  /** The encodings tried, in order: UTF-8 (a BOM is dropped by the header), then GB18030. */
  static final List<Charset> ENCODINGS =
      List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"));

  /**
   * A decoder that replaces nothing: a lenient decode would store U+FFFD in names, so a byte not of
   * the encoding stops the read and the next encoding is tried.
   */
  static CharsetDecoder strict(Charset charset) {
    return charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** The refusal of a file that is neither UTF-8 nor GB18030, naming the first line that fails. */
  static Refusal notText(byte[] bytes) {
    return RosterFile.refused(
        "line " + failingLine(bytes),
        "file",
        "is neither UTF-8 nor GB18030/GBK text; save the file as CSV (UTF-8) or CSV from Excel");
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
    CharsetDecoder d = strict(charset);
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

  /**
   * The records of a CSV text, the header first, read as a stream. A character the reader cannot
   * decode comes out as an {@link UncheckedIOException} whose cause is the {@link
   * CharacterCodingException} (the caller then tries the next encoding); anything else unreadable
   * refuses the file.
   */
  static Iterator<RosterFile.Line> csv(Reader text) {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    MappingIterator<List<String>> rows;
    try {
      rows = mapper.readerForListOf(String.class).with(CsvSchema.emptySchema()).readValues(text);
    } catch (IOException e) {
      throw unreadable(e);
    }
    return new Iterator<>() {
      int line;

      @Override
      public boolean hasNext() {
        try {
          return rows.hasNextValue();
        } catch (IOException | RuntimeException e) {
          throw unreadable(e);
        }
      }

      @Override
      public RosterFile.Line next() {
        List<String> r;
        try {
          r = rows.nextValue();
        } catch (IOException | RuntimeException e) {
          throw unreadable(e);
        }
        line++;
        List<String> out = new ArrayList<>(r.size());
        for (String s : r) {
          out.add(s == null ? "" : s.trim());
        }
        return new RosterFile.Line(line, out);
      }
    };
  }

  /** A decoding failure passed on as itself; any other failure refuses the file as not CSV. */
  private static RuntimeException unreadable(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CharacterCodingException) {
        return new UncheckedIOException((CharacterCodingException) t);
      }
    }
    if (e instanceof Refusal) {
      return (Refusal) e;
    }
    return RosterFile.refused("file", "file", "not readable as CSV" + where(e));
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
