package org.yizhan.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The claims written straight into bytes are the JSON a hospital sends, line by line exact. */
class ClaimsTest {
  static final Path CATALOGUE = Path.of("..", "config", "catalogue", "guangdong-demo.csv");

  /** Numbers read as written: 3985.60 stays 3985.60 (scale 2), neither a double nor 3985.6. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  final Claims claims = new Claims(CATALOGUE, "T-1");
  final Population population = new Population(500);

  @Test
  void claimBytes_isValidJson_withExactAmounts_andTheCataloguesNames() throws IOException {
    Map<String, String> names =
        Claims.read(CATALOGUE).stream()
            .collect(Collectors.toMap(Claims.Item::code, Claims.Item::name, (a, b) -> a));
    Set<String> claimNos = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      Population.Person person = population.person(i);
      int lines = 1 + i % Claims.LINES_MAX;
      JsonNode c = JSON.readTree(claims.claimBytes(person, lines));
      assertThat(claimNos.add(c.get("claimNo").asText())).isTrue();
      assertThat(c.get("claimNo").asText()).startsWith("T-1-");
      assertThat(c.get("personIdNo").asText()).isEqualTo(person.idNo());
      assertThat(c.get("personName").asText()).isEqualTo(person.name());
      assertThat(c.get("officeCode").asText()).isEqualTo(person.office());
      LocalDate admitted = LocalDate.parse(c.get("admissionDate").asText());
      LocalDate discharged = LocalDate.parse(c.get("dischargeDate").asText());
      assertThat(admitted.getYear()).isEqualTo(2018);
      assertThat(discharged).isAfter(admitted);
      assertThat(c.get("lines")).hasSize(lines);
      int no = 1;
      for (JsonNode line : c.get("lines")) {
        assertThat(line.get("lineNo").asText()).isEqualTo(Integer.toString(no++));
        assertThat(line.get("itemName").asText())
            .isEqualTo(names.get(line.get("itemCode").asText()));
        BigDecimal price = line.get("unitPrice").decimalValue();
        BigDecimal amount = line.get("amount").decimalValue();
        assertThat(price.scale()).isEqualTo(2);
        assertThat(amount.scale()).isEqualTo(2);
        assertThat(price.signum()).isPositive();
        assertThat(amount)
            .isEqualTo(price.multiply(BigDecimal.valueOf(line.get("quantity").asLong())));
      }
    }
  }

  @Test
  void body_writesNumbersAndDates_asText() {
    Claims.Body b = new Claims.Body().reset();
    b.number(0).ascii(" ").number(1234567890123L).ascii(" ").yuan(5).ascii(" ").yuan(12345);
    b.ascii(" ").date(LocalDate.of(2018, 3, 7)).ascii(" ").date(LocalDate.of(2018, 12, 31));
    assertThat(new String(b.toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo("0 1234567890123 0.05 123.45 2018-03-07 2018-12-31");
  }

  @Test
  void body_growsPastItsFirstSize_andRefusesNonAscii() {
    Claims.Body b = new Claims.Body().reset();
    for (int i = 0; i < Claims.Body.INITIAL_BYTES; i++) {
      b.ascii("ab");
    }
    assertThat(b.toByteArray()).hasSize(2 * Claims.Body.INITIAL_BYTES);
    assertThatThrownBy(() -> b.ascii("陈")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClaimOfTooManyLines_isRefused() {
    assertThatThrownBy(() -> claims.claimBytes(population.person(0), Claims.LINES_MAX + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("201");
  }
}
