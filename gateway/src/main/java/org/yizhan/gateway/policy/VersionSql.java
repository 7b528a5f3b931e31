package org.yizhan.gateway.policy;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.yizhan.gateway.infra.db.Sql;

/**
 * The statements every table of versions shares (catalogue_version; policy_version has the same
 * columns): find one, read its document, and decide a draft. A draft is decided only while it is a
 * {@code DRAFT} (the {@code WHERE}), so a second decision finds no row.
 *
 * @param <R> the table's record type
 */
record VersionSql<R extends Record>(
    Table<R> table,
    TableField<R, Long> id,
    TableField<R, String> state,
    TableField<R, String> reviewer,
    TableField<R, OffsetDateTime> reviewedAt,
    TableField<R, String> reviewNote,
    TableField<R, String> document) {

  /** One version by id ($1): the columns {@code meta}. */
  String find(Field<?>[] meta) {
    return Sql.render(Sql.dsl().select(meta).from(table).where(id.eq(Sql.p(1, id))));
  }

  /** One version by id ($1), locked for a change that must see it as it is. */
  String findForUpdate(Field<?>[] meta) {
    return Sql.render(Sql.dsl().select(meta).from(table).where(id.eq(Sql.p(1, id))).forUpdate());
  }

  /** The document of version $1. */
  String readDocument() {
    return Sql.render(Sql.dsl().select(document).from(table).where(id.eq(Sql.p(1, id))));
  }

  /** Draft $1 into state $2 by reviewer $3 at $4 with note $5, returning {@code meta}. */
  String decide(Field<?>[] meta) {
    return Sql.render(
        Sql.dsl()
            .update(table)
            .set(state, Sql.p(2, state))
            .set(reviewer, Sql.p(3, reviewer))
            .set(reviewedAt, Sql.p(4, reviewedAt))
            .set(reviewNote, Sql.p(5, reviewNote))
            .where(id.eq(Sql.p(1, id)))
            .and(state.eq(DSL.inline(PolicyVersion.State.DRAFT.name())))
            .returning(meta));
  }

  /** The first row of {@code rows} mapped, or empty (a version not found, or no longer a draft). */
  static <V> Optional<V> first(RowSet<Row> rows, Function<Row, V> map) {
    return rows.iterator().hasNext()
        ? Optional.of(map.apply(rows.iterator().next()))
        : Optional.empty();
  }
}
