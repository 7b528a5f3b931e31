package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.db.Ids;
import org.yizhan.gateway.inpatient.NhsaError;
import org.yizhan.gateway.inpatient.SetlIds;
import org.yizhan.gateway.inpatient.UploadedFiles;

/**
 * 9101 文件上传 (file upload) and 9102 文件下载 (download), the reading of an uploaded file by the
 * transaction that names it (3202 对明细账 by {@code file_qury_no}), and the files the gateway makes
 * for download (3202's result).
 *
 * <p>How clients send the file (studied in their source): the spec types {@code fsUploadIn.in} as a
 * byte array. .NET and Java clients that serialise a {@code byte[]} send it as a base64 string
 * (openhis zips the detail text and sends {@code Convert.ToBase64String}); a Guangdong client sends
 * a JSON array of signed byte values ({@code List<int>} of {@code sbyte}, -128…127). Both are
 * accepted, and 0…255 too. The bytes are kept as sent, with the hospital that sent them, for {@link
 * #KEEP} (the answer's {@code dld_endtime}); the message log keeps the answer, so a resent 9101
 * gets the same file_qury_no.
 *
 * <p>What is inside is read only when a file is used ({@link #text}): a zip (as the spec's detail
 * files are) whose file entries are read in order, or the text itself. Limits: {@link
 * #MAX_FILE_BYTES} as sent (the body limit caps it earlier for a byte array, about four characters
 * a byte), {@link #MAX_TEXT_BYTES} unzipped, {@link #MAX_ENTRIES} entries.
 */
final class FileTransactions {
  /** The download's infno: answered with the file's bytes, outside the dispatcher. */
  static final String DOWNLOAD = "9102";

  /** The largest file accepted, bytes as sent (zipped). */
  static final int MAX_FILE_BYTES = 1 << 20;

  /** The most text a file may unzip to, bytes. */
  static final int MAX_TEXT_BYTES = 16 << 20;

  /** The most entries a zip may hold. */
  static final int MAX_ENTRIES = 16;

  /** How long an uploaded file can be named (dld_endtime = upload + this). */
  static final Duration KEEP = Duration.ofDays(7);

  static final Pattern FILE_QURY_NO = Pattern.compile("[0-9A-Za-z_-]{1,40}");
  static final Pattern FILENAME = Pattern.compile("[^\\p{Cntrl}/\\\\]{1,200}");

  private final Pool pool;
  private final DbGuard guard;
  private final Clock clock;
  private final ZoneId zone;

  FileTransactions(Pool pool, DbGuard guard, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
    this.zone = zone;
  }

  /** A file about to be stored: its number, name, bytes and how long it is kept. */
  record Stored(String fileQuryNo, String filename, byte[] bytes, Instant until) {}

  /** A new file of {@code bytes} named {@code filename}, numbered and timed from now. */
  Stored prepare(String filename, byte[] bytes) {
    Instant now = clock.instant();
    return new Stored("F" + SetlIds.encode(Ids.next(now)), filename, bytes, now.plus(KEEP));
  }

  /** Stores {@code f} as the hospital's, in the caller's transaction (the message log's). */
  Future<Void> store(SqlConnection conn, String hospital, String msgid, Stored f) {
    Instant now = f.until().minus(KEEP);
    return UploadedFiles.store(
        conn,
        f.fileQuryNo(),
        hospital,
        f.filename(),
        f.bytes(),
        Digests.sha256Hex(f.bytes()),
        msgid,
        now,
        f.until());
  }

  /** The {@code fileinfo} (or 9101 output) fields of a stored file. */
  void writeInfo(JsonGenerator g, Stored f) throws IOException {
    g.writeStringField("file_qury_no", f.fileQuryNo());
    g.writeStringField("filename", f.filename());
    g.writeStringField("dld_endtime", Formats.time(f.until(), zone));
  }

  /** 9101: input.fsUploadIn {in, filename, fixmedins_code} → output {file_qury_no, …}. */
  Future<Outcome> upload(Call call) {
    JsonNode node = call.input().get("fsUploadIn");
    Input in = call.data(node == null && call.input().has("data") ? "data" : "fsUploadIn");
    byte[] bytes = bytes(in);
    String given = in.text("filename", FILENAME, "a file name of 1–200 characters", false);
    Stored f = prepare(given == null ? "upload.zip" : given, bytes);
    String hospital = call.hospitalCode();
    return Future.succeededFuture(
        Outcome.of(
                g -> {
                  g.writeStartObject();
                  writeInfo(g, f);
                  g.writeStringField("fixmedins_code", hospital);
                  g.writeEndObject();
                })
            .writing(conn -> store(conn, hospital, call.msgid(), f)));
  }

  /**
   * 9102 文件下载: input.fsDownloadIn {file_qury_no, filename, fixmedins_code} → the file's bytes as
   * the body (not an envelope), as the platform answers it and clients save it. A file the hospital
   * uploaded with 9101, or the result file of its 3202.
   */
  Future<Buffer> download(Call call) {
    Input in = call.data(call.input().has("fsDownloadIn") ? "fsDownloadIn" : "data");
    String no = in.text("file_qury_no", FILE_QURY_NO, "a file_qury_no", true);
    return content(call.hospitalCode(), no, in.path("file_qury_no")).map(Buffer::buffer);
  }

  /** {@code fsUploadIn.in}: a base64 string, or an array of byte values (-128…255). */
  static byte[] bytes(Input in) {
    JsonNode v = in.raw("in");
    String field = in.path("in");
    if (v == null) {
      throw NhsaError.missing(field);
    }
    if (v.isTextual()) {
      String text = v.textValue().replaceAll("\\s", "");
      if (text.length() > (MAX_FILE_BYTES / 3 + 1) * 4) {
        throw tooLarge(field);
      }
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        try {
          return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException again) {
          throw NhsaError.invalid(field, "is not base64 (nor an array of byte values)");
        }
      }
    }
    if (v.isArray()) {
      if (v.size() > MAX_FILE_BYTES) {
        throw tooLarge(field);
      }
      byte[] out = new byte[v.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode b = v.get(i);
        if (!b.isIntegralNumber() || b.asInt() < -128 || b.asInt() > 255) {
          throw NhsaError.invalid(field + "[" + i + "]", "must be a byte value, -128 to 255");
        }
        out[i] = (byte) b.asInt();
      }
      return out;
    }
    throw NhsaError.invalid(field, "must be the file's bytes: a base64 string or a byte array");
  }

  private static NhsaError tooLarge(String field) {
    return NhsaError.invalid(field, "is larger than " + MAX_FILE_BYTES + " bytes");
  }

  /**
   * The text of file {@code fileQuryNo} of the hospital, for a transaction naming it in {@code
   * field}: refused when no such file is the hospital's (another's is as unknown as none) or when
   * its time is over.
   */
  Future<String> text(String hospital, String fileQuryNo, String field) {
    return content(hospital, fileQuryNo, field).map(bytes -> unpack(bytes, field));
  }

  private Future<byte[]> content(String hospital, String fileQuryNo, String field) {
    if (!FILE_QURY_NO.matcher(fileQuryNo).matches()) {
      throw NhsaError.invalid(field, "is not a file_qury_no from 9101");
    }
    return Guarded.call(guard, () -> UploadedFiles.find(pool, fileQuryNo, hospital))
        .map(
            kept -> {
              if (kept == null) {
                throw NhsaError.invalid(
                    field, "names no file this institution uploaded with 9101 (or another's)");
              }
              if (!clock.instant().isBefore(kept.until())) {
                throw NhsaError.invalid(
                    field,
                    "names a file kept until "
                        + Formats.time(kept.until(), zone)
                        + "; upload it again with 9101");
              }
              return kept.content();
            });
  }

  /** A zip of one entry {@code name} holding {@code text} in UTF-8. */
  static byte[] zip(String name, String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(text.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException("zipping in memory", e);
    }
    return out.toByteArray();
  }

  /** A zip's file entries (in order, as one text), or the bytes themselves as text. */
  static String unpack(byte[] bytes, String field) {
    if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K' || bytes[2] != 3 || bytes[3] != 4) {
      return utf8(bytes);
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      int entries = 0;
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.isDirectory()) {
          continue;
        }
        if (++entries > MAX_ENTRIES) {
          throw NhsaError.invalid(field, "names a zip of more than " + MAX_ENTRIES + " files");
        }
        if (text.size() > 0) {
          text.write('\n');
        }
        copy(zip, text, field);
      }
    } catch (IOException e) {
      throw NhsaError.invalid(field, "names a file that is not a readable zip");
    }
    return utf8(text.toByteArray());
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, String field)
      throws IOException {
    byte[] buf = new byte[8192];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      if (out.size() + n > MAX_TEXT_BYTES) {
        throw NhsaError.invalid(field, "names a zip that unzips to more than " + MAX_TEXT_BYTES);
      }
      out.write(buf, 0, n);
    }
  }

  /** UTF-8 without its byte-order mark, if any. */
  private static String utf8(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
