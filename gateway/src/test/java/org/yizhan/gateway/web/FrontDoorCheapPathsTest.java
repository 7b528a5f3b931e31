package org.yizhan.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The front door's per-request shortcuts answer as the long ways do: a plain ASCII target is sound
 * without decoding, anything with an escape or a non-ASCII character still goes through the full
 * check, and a new request id is a version 4 UUID.
 */
class FrontDoorCheapPathsTest {
  @Test
  void plainTargets_decode_andEscapesOrNonAscii_takeTheFullCheck() {
    assertThat(MalformedRequests.plainAscii("/api/v1/settlements?detail=lines")).isTrue();
    assertThat(MalformedRequests.decodes("/api/v1/settlements?detail=lines")).isTrue();
    assertThat(MalformedRequests.decodes("")).isTrue();

    assertThat(MalformedRequests.plainAscii("/api/v1/settlements/%41")).isFalse();
    assertThat(MalformedRequests.decodes("/api/v1/settlements/%41")).isTrue();
    assertThat(MalformedRequests.decodes("/api/v1/settlements?x=%")).isFalse();
    assertThat(MalformedRequests.decodes("/manager/api/accounts/%ZZ/verify")).isFalse();
    assertThat(MalformedRequests.decodes("/api/v1/settlements/%ED%A0%80")).isFalse();
    assertThat(MalformedRequests.decodes("/api/v1/persons/%C3%A9")).isTrue();

    assertThat(MalformedRequests.plainAscii("/api/v1/persons/é")).isFalse();
    assertThat(MalformedRequests.decodes("/api/v1/persons/é")).isTrue();
    assertThat(MalformedRequests.decodes("/api/v1/persons/\ud800")).isFalse();
  }

  @Test
  void requestIds_areRandomVersion4Uuids() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = HttpVerticle.requestId();
      UUID u = UUID.fromString(id);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(id).hasSize(36).matches("[0-9a-f-]+");
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
  }
}
