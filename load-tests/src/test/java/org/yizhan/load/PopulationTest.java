package org.yizhan.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yizhan.core.model.IdNumber;

class PopulationTest {
  @Test
  void everyPerson_hasAValidCanonicalIdNumber_ofTheirOwn() {
    Population p = new Population(30_000);
    Set<String> seen = new HashSet<>();
    LocalDate today = LocalDate.of(2018, 12, 31);
    for (Population.Person person : p.all()) {
      assertThat(IdNumber.parse(person.idNo(), today).value()).isEqualTo(person.idNo());
      assertThat(person.idNo()).startsWith(person.office());
      assertThat(seen.add(person.idNo())).as(person.idNo()).isTrue();
    }
  }
}
