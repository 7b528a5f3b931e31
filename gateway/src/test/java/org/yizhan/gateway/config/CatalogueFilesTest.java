package org.yizhan.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;

class CatalogueFilesTest {
  static final Path SHIPPED = Path.of("..", "config", "catalogue");

  @Test
  void shippedCatalogue_hasAtLeast300RealisticEntries() {
    Catalogue c = CatalogueFiles.load(SHIPPED);
    assertThat(c.size()).isGreaterThanOrEqualTo(300);
    Map<Category, Long> byCategory =
        c.entries().stream()
            .collect(Collectors.groupingBy(CatalogueEntry::category, Collectors.counting()));
    assertThat(byCategory.keySet()).containsExactlyInAnyOrder(Category.A, Category.B, Category.C);
    assertThat(c.entries()).anyMatch(e -> e.priceCapE6() != null);
    assertThat(c.entries())
        .filteredOn(e -> e.category() == Category.B)
        .allMatch(e -> e.selfPayRatio().perTenThousand() > 0);
    assertThat(
            c.entries().stream()
                .collect(Collectors.groupingBy(CatalogueEntry::code, Collectors.counting()))
                .values())
        .anyMatch(n -> n > 1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          X1,name,D,0,,2018-01-01,           | line 2: category: 类别须为 A、B 或 C，实为 'D'
          X1,name,B,0.123456,,2018-01-01,    | line 2: self_pay_ratio: 自付比例须为不超过 4 位小数
          X1,name,A,0,-5,2018-01-01,         | line 2: price_cap: 限价须为不超过 6 位小数的非负金额
          X1,name,A,0,,2018-02-30,           | line 2: valid_from: 须为日期
          X1,name,A,0.1,,2018-01-01,         | line 2: self_pay_ratio: 自付比例仅适用于乙类(B)项目
          X1,name,A,0,,2018-01-01            | line 2: columns: 应有 7 列，实有 6 列
          """)
  void badRow_isRefusedWithFileAndLine(String row, String message, @TempDir Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve("c.csv"), String.join(",", CatalogueFiles.HEADER) + "\n" + row.trim() + "\n");
    assertThatThrownBy(() -> CatalogueFiles.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.csv: " + message.trim());
  }

  @Test
  void wrongHeader_isRefused(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("c.csv"), "code,name\nX,y\n");
    assertThatThrownBy(() -> CatalogueFiles.load(dir))
        .hasMessageContaining("c.csv: line 1: header");
  }

  @Test
  void parse_listsEveryBadLine_withItsLineAndColumn() {
    CatalogueFiles.Parsed p =
        CatalogueFiles.parse(
            String.join(",", CatalogueFiles.HEADER)
                + "\nX1,good,A,0,,2018-01-01,\n"
                + "X2,bad,Z,0,,2018-01-01,\n"
                + "\n"
                + "X3,bad too,B,0.5,1.2345678,2018-01-01,2017-01-01\n");
    assertThat(p.problems())
        .extracting(pr -> pr.line() + ":" + pr.field())
        .containsExactly("3:category", "5:price_cap", "5:valid_to");
    assertThat(p.entries()).extracting(CatalogueEntry::code).containsExactly("X1");
    assertThat(p.lines()).containsExactly(2);
  }

  @Test
  void gbkText_withTheChineseHeader_readsAsUtf8Does() {
    String text = "编码,名称,类别,自付比例,限价,开始日期,结束日期\nX1,注射用奥美拉唑钠 40mg,B,0.05,36.5,2018-01-01,\n";
    byte[] gbk = text.getBytes(java.nio.charset.Charset.forName("GBK"));
    String decoded = CatalogueFiles.decode(gbk);
    assertThat(decoded).isEqualTo(text);
    CatalogueFiles.Parsed p = CatalogueFiles.parse(decoded);
    assertThat(p.problems()).isEmpty();
    CatalogueEntry e = p.entries().get(0);
    assertThat(e.name()).isEqualTo("注射用奥美拉唑钠 40mg");
    assertThat(e.selfPayRatio().perTenThousand()).isEqualTo(500);
    assertThat(e.priceCapE6()).isEqualTo(36_500_000L);
    assertThat(CatalogueFiles.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).isNull();
  }
}
