package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * The maker–checker rules every versioned document of this room keeps (policy versions, catalogue
 * versions: docs/policies.md), in one place: who may act on a draft, the refusals that say so, the
 * days the timeline counts in, and what follows an approval's COMMIT.
 *
 * <p>The author of a draft revises or withdraws it; anyone else of the staff who may act reviews it
 * (approves or rejects); nobody reviews their own (the database's {@code reviewer <> author} says
 * so too). Only a draft changes: a decided version is history a settlement may name.
 */
final class MakerChecker {
  private static final Logger LOG = LoggerFactory.getLogger(MakerChecker.class);

  private MakerChecker() {}

  /** Refuses {@code actor} unless it is the draft's author (revise, withdraw). */
  static <V> Future<V> byAuthor(V draft, String author, String actor) {
    return author.equals(actor)
        ? Future.succeededFuture(draft)
        : Future.failedFuture(
            Refusal.forbidden(
                PolicyService.NOT_THE_AUTHOR,
                "id",
                "只有起草人 (" + author + ") 可以修改或撤回草稿 (only the author revises or withdraws a draft)"));
  }

  /** Refuses {@code actor} when it is the draft's author (approve, reject). */
  static <V> Future<V> byReviewer(V draft, String author, String actor) {
    return !author.equals(actor)
        ? Future.succeededFuture(draft)
        : Future.failedFuture(
            Refusal.forbidden(
                PolicyService.SELF_APPROVAL,
                "id",
                "起草人不能审核自己的草稿，须由另一名经办人审核"
                    + " (the author of a draft cannot review it: a second member of the staff must)"));
  }

  /** Refuses a change of a version that is no longer a draft. */
  static <V> Future<V> whileDraft(V version, String what, long id, PolicyVersion.State state) {
    return state == PolicyVersion.State.DRAFT
        ? Future.succeededFuture(version)
        : Future.failedFuture(
            Refusal.conflict(
                PolicyService.NOT_A_DRAFT,
                "id",
                what
                    + " "
                    + id
                    + " 已是 "
                    + state
                    + "，不能再改；请起草新版本接替 (only a draft changes; an approved version is"
                    + " succeeded by a new one)"));
  }

  /**
   * After an approval's COMMIT: this instance's book reloaded before the answer. The answer is the
   * approval even if the reload fails (it is logged; the NOTIFY makes every instance try again).
   */
  static <V> Future<V> reloadedAfter(PolicyBooks books, V saved, String what) {
    return books
        .reload()
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.error("book reload after approving {} failed", what, ar.cause());
              }
              return Future.succeededFuture(saved);
            });
  }

  /** Today in the gateway's zone: the day the timeline's "after today" counts from. */
  static LocalDate today(Clock clock, ZoneId zone) {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  /** Now, to the microsecond PostgreSQL keeps. */
  static OffsetDateTime now(Clock clock) {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
