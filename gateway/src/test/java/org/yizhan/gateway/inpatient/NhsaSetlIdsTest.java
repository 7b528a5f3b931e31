package org.yizhan.gateway.inpatient;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yizhan.gateway.infra.db.Ids;

/** setl_id and mdtrt_id spell our UUIDs in 26 characters, exactly both ways. */
class NhsaSetlIdsTest {
  @Test
  void encode_thenDecode_givesTheSameId() {
    for (int i = 0; i < 1000; i++) {
      UUID id = i % 2 == 0 ? Ids.next(Instant.now()) : UUID.randomUUID();
      String s = SetlIds.encode(id);
      assertThat(s).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
      assertThat(SetlIds.decode(s)).isEqualTo(id);
      assertThat(SetlIds.decode(s.toLowerCase())).isEqualTo(id);
      assertThat(SetlIds.decode(id.toString())).isEqualTo(id);
    }
    UUID max = new UUID(-1L, -1L);
    assertThat(SetlIds.decode(SetlIds.encode(max))).isEqualTo(max);
    assertThat(SetlIds.encode(new UUID(0, 0))).isEqualTo("0".repeat(26));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "01J9Z3K8Q5W7X2M4N6P8R0T2V",
        "81J9Z3K8Q5W7X2M4N6P8R0T2V4",
        "01J9Z3K8Q5W7X2M4N6P8R0T2VU"
      })
  void decode_ofSomethingElse_isNull(String s) {
    assertThat(SetlIds.decode(s)).isNull();
  }
}
