package org.yizhan.core.engine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.core.policy.AssistanceTerms;
import org.yizhan.core.policy.Policy;

/**
 * What each fund may still pay a person this year, before any further settlement (rules §3–§5): the
 * annual cap less what it paid so far, never below zero; no figure where the fund has no cap for
 * the person. The same room the layers apply when they settle ({@link BasicLayer}, {@link
 * CriticalIllnessLayer}, {@link AssistanceLayer}), with the same identities counting ({@link
 * Benefits}), so the figures a hospital reads are those the next settlement will meet.
 *
 * @param basicFen the basic fund's room, in fen
 * @param criticalIllnessFen the critical-illness room, in fen, or {@code null} when uncapped (no
 *     cap in the policy, or an identity that counts removes it)
 * @param assistance the room of each identity that grants assistance on the day, in the order the
 *     identities were given
 */
public record RemainingRoom(
    long basicFen, Long criticalIllnessFen, List<AssistanceRoom> assistance) {

  public RemainingRoom {
    if (basicFen < 0 || (criticalIllnessFen != null && criticalIllnessFen < 0)) {
      throw new IllegalArgumentException(
          "room must not be negative: " + basicFen + ", " + criticalIllnessFen);
    }
    assistance = List.copyOf(assistance);
  }

  /**
   * The assistance room of one identity.
   *
   * @param identity the identity that grants assistance
   * @param roomFen its annual limit less the assistance paid this year, in fen, or {@code null}
   *     when it has no limit
   */
  public record AssistanceRoom(IdentityCategory identity, Long roomFen) {
    public AssistanceRoom {
      Objects.requireNonNull(identity, "identity");
      if (roomFen != null && roomFen < 0) {
        throw new IllegalArgumentException(identity + ": room must not be negative: " + roomFen);
      }
    }
  }

  /**
   * The room left on {@code asOf} under {@code policy}, for a person holding {@code identities}
   * with the year's figures {@code ytd}.
   */
  public static RemainingRoom of(
      Policy policy, List<Identity> identities, LocalDate asOf, Accumulators ytd) {
    Benefits benefits = Benefits.of(policy, identities, asOf);
    long basic = Fen.pos(policy.basic().annualCapFen() - ytd.basicPaidFen());
    Long ciCap = policy.criticalIllness().annualCapFen();
    Long ci = ciCap == null || benefits.ciCapRemoved() ? null : Fen.pos(ciCap - ytd.ciPaidFen());
    List<AssistanceRoom> assistance = new ArrayList<>(identities.size());
    for (Identity i : identities) {
      AssistanceTerms t = benefits.assistanceTerms().get(i.category());
      if (t != null && i.grantsAssistanceOn(asOf)) {
        Long limit = t.annualLimitFen();
        assistance.add(
            new AssistanceRoom(
                i.category(), limit == null ? null : Fen.pos(limit - ytd.maPaidFen())));
      }
    }
    return new RemainingRoom(basic, ci, assistance);
  }
}
