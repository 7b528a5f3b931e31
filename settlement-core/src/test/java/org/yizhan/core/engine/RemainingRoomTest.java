package org.yizhan.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.yizhan.core.fixtures.ReferencePolicy.yuan;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yizhan.core.engine.RemainingRoom.AssistanceRoom;
import org.yizhan.core.fixtures.ReferencePolicy;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.Policy;

/**
 * The room a hospital reads for a person (reference policy: basic cap 150000, critical-illness cap
 * 300000 removed by 特困/低保/建档立卡, assistance limits 特困 none, 低保 50000, 建档立卡 30000, 因病致贫 20000).
 */
class RemainingRoomTest {
  static final LocalDate FROM = LocalDate.of(2018, 1, 1);
  static final LocalDate AS_OF = LocalDate.of(2018, 6, 30);
  static final Policy POLICY = ReferencePolicy.policy();

  static Accumulators paid(long basicYuan, long ciYuan, long maYuan) {
    return new Accumulators(2018, yuan(basicYuan), 0, 0, 0, 1, 0, yuan(ciYuan), 0, yuan(maYuan));
  }

  @ParameterizedTest(name = "{0}: basic {1}, ci {2}, assistance {3} paid")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          # identities                | basic paid | ci paid | ma paid | basic room | ci room | assistance room
          -                           | 0          | 0       | 0       | 15000000   | 30000000 | -
          -                           | 150000     | 300000  | 0       | 0          | 0        | -
          -                           | 200000     | 400000  | 0       | 0          | 0        | -
          -                           | 149999     | 299999  | 0       | 100        | 100      | -
          ILLNESS_POOR                | 0          | 0       | 19999   | 15000000   | 30000000 | ILLNESS_POOR=100
          ILLNESS_POOR                | 0          | 0       | 20000   | 15000000   | 30000000 | ILLNESS_POOR=0
          ILLNESS_POOR                | 0          | 0       | 25000   | 15000000   | 30000000 | ILLNESS_POOR=0
          SUBSISTENCE                 | 0          | 0       | 10000   | 15000000   | -        | SUBSISTENCE=4000000
          DESTITUTE                   | 0          | 0       | 10000   | 15000000   | -        | DESTITUTE=-
          ILLNESS_POOR DESTITUTE      | 0          | 0       | 0       | 15000000   | -        | ILLNESS_POOR=2000000 DESTITUTE=-
          REGISTERED_POOR SUBSISTENCE | 0          | 0       | 0       | 15000000   | -        | REGISTERED_POOR=3000000 SUBSISTENCE=5000000
          """)
  void of_isEachCapLessWhatItPaid_inTheOrderTheIdentitiesCame(
      String categories,
      long basicPaid,
      long ciPaid,
      long maPaid,
      long basicRoom,
      Long ciRoom,
      String assistanceRoom) {
    List<Identity> identities = new ArrayList<>();
    if (categories != null) {
      for (String c : categories.split(" ")) {
        identities.add(new Identity(IdentityCategory.valueOf(c), FROM, null, true, null));
      }
    }
    List<AssistanceRoom> expected = new ArrayList<>();
    if (assistanceRoom != null) {
      for (String pair : assistanceRoom.split(" ")) {
        String[] kv = pair.split("=");
        expected.add(
            new AssistanceRoom(
                IdentityCategory.valueOf(kv[0]), kv[1].equals("-") ? null : Long.valueOf(kv[1])));
      }
    }

    RemainingRoom room =
        RemainingRoom.of(POLICY, identities, AS_OF, paid(basicPaid, ciPaid, maPaid));

    assertThat(room).isEqualTo(new RemainingRoom(basicRoom, ciRoom, expected));
  }

  @Test
  void of_skipsIdentitiesThatDoNotCount() {
    List<Identity> identities =
        List.of(
            new Identity(IdentityCategory.SUBSISTENCE, FROM, null, false, null),
            new Identity(IdentityCategory.DESTITUTE, FROM, AS_OF.minusDays(1), true, null),
            new Identity(IdentityCategory.REGISTERED_POOR, FROM, null, true, AS_OF));

    RemainingRoom room = RemainingRoom.of(POLICY, identities, AS_OF, paid(0, 0, 0));

    assertThat(room.criticalIllnessFen())
        .as("建档立卡 lifted out still counts for critical illness: the cap is removed")
        .isNull();
    assertThat(room.assistance()).as("but it grants no assistance").isEmpty();
  }

  @Test
  void of_withoutACriticalIllnessCap_hasNoRoomFigure() {
    ReferencePolicy.Builder b = ReferencePolicy.builder();
    b.ciAnnualCap = null;

    assertThat(RemainingRoom.of(b.build(), List.of(), AS_OF, paid(0, 0, 0)).criticalIllnessFen())
        .isNull();
  }

  @Test
  void theConstructor_refusesNegativeRoom() {
    assertThatThrownBy(() -> new RemainingRoom(-1, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AssistanceRoom(IdentityCategory.DESTITUTE, -1L))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
