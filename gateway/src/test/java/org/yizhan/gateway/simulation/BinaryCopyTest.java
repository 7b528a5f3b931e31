package org.yizhan.gateway.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The binary COPY decoder on streams written here by hand after PostgreSQL's documented format (a
 * numeric is base-10000 digits with a weight): amounts become exact counts of their smallest unit,
 * never rounded.
 */
class BinaryCopyTest {

  /** A stream of one row of the given fields (already length-prefixed), then the trailer. */
  static BinaryCopy stream(byte[]... fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("PGCOPY\n".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(0);
    out.writeShort(fields.length);
    for (byte[] f : fields) {
      out.write(f);
    }
    out.writeShort(-1);
    return new BinaryCopy(trickle(bytes.toByteArray()));
  }

  /**
   * The bytes one at a time, as a socket may give them: every field then straddles a read, so each
   * read of the decoder must make its bytes available first.
   */
  static InputStream trickle(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  /** A numeric field: weight, sign (0 or 0x4000) and base-10000 digits. */
  static byte[] numeric(int weight, int sign, int... digits) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(8 + 2 * digits.length);
    out.writeShort(digits.length);
    out.writeShort(weight);
    out.writeShort(sign);
    out.writeShort(4);
    for (int d : digits) {
      out.writeShort(d);
    }
    return bytes.toByteArray();
  }

  static byte[] int32Field(int v) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(4);
    out.writeInt(v);
    return bytes.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // value, weight, sign, digits (space-separated), scale, expected
    "1234.5678, 0, 0, 1234 5678, 4, 12345678",
    "0.05, -1, 0, 500, 2, 5",
    "-100, 0, 16384, 100, 2, -10000",
    "10000, 1, 0, 1, 2, 1000000",
    "123456789012.34, 2, 0, 1234 5678 9012 3400, 2, 12345678901234",
    "0, 0, 0, '', 2, 0",
  })
  void numeric_isAnExactCountOfItsSmallestUnit(
      String value, int weight, int sign, String digits, int scale, long expected)
      throws IOException {
    int[] d =
        digits.isBlank()
            ? new int[0]
            : java.util.Arrays.stream(digits.split(" ")).mapToInt(Integer::parseInt).toArray();
    BinaryCopy in = stream(numeric(weight, sign, d));

    assertThat(in.row()).isEqualTo(1);
    assertThat(in.numeric(scale)).as(value).isEqualTo(expected);
    assertThat(in.row()).isEqualTo(-1);
  }

  @Test
  void numeric_withMoreDecimalsThanAsked_isAnError() throws IOException {
    BinaryCopy in = stream(numeric(-2, 0, 5000)); // 0.00005

    in.row();
    assertThatThrownBy(() -> in.numeric(4)).isInstanceOf(IOException.class);
  }

  @Test
  void boolUuidAndText_readAcrossReads() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(1);
    out.writeByte(1);
    out.writeInt(16);
    out.writeLong(0x0123456789abcdefL);
    out.writeLong(0x0fedcba987654321L);
    out.writeInt(6);
    out.write("445202".getBytes(StandardCharsets.UTF_8));
    out.writeInt(-1);
    BinaryCopy in = stream(bytes.toByteArray());

    assertThat(in.row()).isEqualTo(1);
    assertThat(in.bool()).isTrue();
    assertThat(in.uuid()).isEqualTo("01234567-89ab-cdef-0fed-cba987654321");
    assertThat(in.text()).isEqualTo("445202");
    assertThat(in.text()).isNull();
    assertThat(in.row()).isEqualTo(-1);
  }

  @Test
  void date_countsDaysFrom2000() throws IOException {
    BinaryCopy in = stream(int32Field(6_653));

    in.row();
    assertThat(in.date()).isEqualTo(LocalDate.of(2018, 3, 20));
  }
}
