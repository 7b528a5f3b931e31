package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import org.yizhan.gateway.infra.refusal.Refusal;

/**
 * The rules of a maker–checker life, whatever is drafted (a policy version, a catalogue version):
 * only a draft changes; its author revises or withdraws it; anyone else of the staff, never its
 * author, approves or rejects it. Each rule is a future that fails with the refusal the caller
 * answers, so that a transaction composes them in the order it takes its locks. The database keeps
 * the last rule as well ({@code CHECK (reviewer <> author)}).
 */
final class MakerChecker {
  static final String SELF_APPROVAL = "SELF_APPROVAL";
  static final String NOT_A_DRAFT = "NOT_A_DRAFT";
  static final String NOT_THE_AUTHOR = "NOT_THE_AUTHOR";

  private MakerChecker() {}

  /** Succeeds when {@code actor} is the draft's author (to revise or withdraw it). */
  static Future<Void> byAuthor(String author, String actor, String refusal) {
    return author.equals(actor)
        ? Future.succeededFuture()
        : Future.failedFuture(Refusal.forbidden(NOT_THE_AUTHOR, "id", refusal));
  }

  /** Succeeds when {@code actor} is not the draft's author (to approve or reject it). */
  static Future<Void> notByAuthor(String author, String actor, String refusal) {
    return author.equals(actor)
        ? Future.failedFuture(Refusal.forbidden(SELF_APPROVAL, "id", refusal))
        : Future.succeededFuture();
  }

  /** Succeeds when the thing {@code id} is a draft; otherwise 409 naming its {@code state}. */
  static Future<Void> draft(boolean isDraft, long id, String state) {
    return isDraft
        ? Future.succeededFuture()
        : Future.failedFuture(
            Refusal.conflict(
                NOT_A_DRAFT,
                "id",
                "version "
                    + id
                    + " is "
                    + state
                    + ": only a draft changes; an approved version is succeeded by a new one"));
  }
}
