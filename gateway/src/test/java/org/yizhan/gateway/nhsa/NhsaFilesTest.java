package org.yizhan.gateway.nhsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.gateway.inpatient.StatementQueries.Item;

/**
 * The 3202 detail file as clients write it (tab-separated as the spec, with a trailing tab as the
 * Foshan client, space-separated as openhis's common client), 9101's two encodings of the bytes,
 * and 2301's med_chrgitm_type from a national code's family.
 */
class NhsaFilesTest {
  static final String SETL = "0A1B2C3D4E5F6G7H8J9K0M1N2P";
  static final String MDTRT = "0A1B2C3D4E5F6G7H8J9K0M1N2Q";
  static final String PSN = "YZ0123456789abcdef0123456789ab";

  @Test
  void fileRows_readTabsTrailingTabCrlfHeaderAndSpaces_alike() {
    String spec = SETL + "\t" + MDTRT + "\t" + PSN + "\t100.00\t80.00\t0.00\t0\r\n";
    String foshan =
        "setl_id\tmdtrt_id\n" + SETL + "\t" + MDTRT + "\t" + PSN + "\t100.00\t80.00\t0\t0\t\n";
    String openhis = SETL + " " + MDTRT + " " + PSN + " 100.00 80.00 \r\n\r\n";
    for (String text : new String[] {spec, foshan, openhis}) {
      Map<String, Item> rows = StatementTransactions.fileRows(text, "input.data.file_qury_no");
      assertThat(rows).containsOnlyKeys(SETL);
      Item i = rows.get(SETL);
      assertThat(i.medfeeFen()).isEqualTo(10_000L);
      assertThat(i.fundFen()).isEqualTo(8_000L);
      assertThat(i.refund()).isFalse();
    }
  }

  @Test
  void fileRows_aBadLine_isRefusedNamingTheLineAndColumn() {
    String text = SETL + "\t" + MDTRT + "\t" + PSN + "\t100.00\t80.00\n" + SETL + "\tx\n";
    assertThatThrownBy(() -> StatementTransactions.fileRows(text, "input.data.file_qury_no"))
        .hasMessageStartingWith("input.data.file_qury_no(line 2)");
    String money = SETL + "\t" + MDTRT + "\t" + PSN + "\tabc\t80.00\n";
    assertThatThrownBy(() -> StatementTransactions.fileRows(money, "f"))
        .hasMessageStartingWith("f(line 1).medfee_sumamt");
  }

  @Test
  void uploadBytes_base64AndSignedByteValues_giveTheSameFile() {
    byte[] file = {'P', 'K', 3, 4, (byte) 0xff, (byte) 0x80, 0, 127};
    ObjectNode base64 = NhsaClient.EXACT.createObjectNode();
    base64.put("in", Base64.getEncoder().encodeToString(file));
    ObjectNode values = NhsaClient.EXACT.createObjectNode();
    var in = values.putArray("in");
    for (byte b : file) {
      in.add((int) b);
    }
    assertThat(FileTransactions.bytes(Input.of(base64, "input.fsUploadIn"))).isEqualTo(file);
    assertThat(FileTransactions.bytes(Input.of(values, "input.fsUploadIn"))).isEqualTo(file);

    in.add(256);
    assertThatThrownBy(() -> FileTransactions.bytes(Input.of(values, "input.fsUploadIn")))
        .hasMessageStartingWith("input.fsUploadIn.in[8]");
  }

  @Test
  void unpack_plainText_isTheTextWithoutItsByteOrderMark() {
    byte[] text = "\uFEFFa\tb".getBytes(StandardCharsets.UTF_8);
    assertThat(FileTransactions.unpack(text, "f")).isEqualTo("a\tb");
    assertThat(FileTransactions.unpack(FileTransactions.zip("x.txt", "a\tb"), "f"))
        .isEqualTo("a\tb");
  }

  @ParameterizedTest
  @CsvSource({
    "XA01AAA051A001010100001, 09",
    "ZA01AAA0011010100001, 11",
    "T000100001, 10",
    "C01010100100000001, 08",
    "001102000010000, 14",
    "T-A, 14",
    "X, 14"
  })
  void chargeItemType_followsTheNationalCodesFamily(String code, String type) {
    assertThat(FeeTransactions.chargeItemType(code)).isEqualTo(type);
  }
}
