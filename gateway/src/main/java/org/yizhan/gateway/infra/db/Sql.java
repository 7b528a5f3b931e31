package org.yizhan.gateway.infra.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.ParamType;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.yizhan.core.model.Fen;

/**
 * Renders jOOQ queries, built from the classes generated off the migrations, into the SQL text the
 * reactive PostgreSQL client prepares: positional parameters {@code $1, $2, …} named by {@link
 * #p(int, Field)}. Statements are rendered once, when their holder is built, and the client caches
 * them prepared per connection; a request only binds values.
 */
public final class Sql {
  static {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
  }

  private static final DSLContext CTX =
      DSL.using(
          SQLDialect.POSTGRES,
          new Settings()
              .withParamType(ParamType.NAMED_OR_INLINED)
              .withRenderNamedParamPrefix("$")
              .withRenderSchema(false)
              .withRenderQuotedNames(RenderQuotedNames.NEVER));

  private Sql() {}

  public static DSLContext dsl() {
    return CTX;
  }

  /** Parameter {@code $n}, typed like {@code like}. */
  public static <T> Param<T> p(int n, Field<T> like) {
    return DSL.param(String.valueOf(n), like.getDataType());
  }

  /** {@code SELECT pg_notify('<channel>', $1)}: announces $1 on {@code channel} at COMMIT. */
  public static String notify(String channel) {
    return render(
        dsl()
            .select(
                DSL.function(
                    "pg_notify", String.class, DSL.inline(channel), DSL.param("1", String.class))));
  }

  public static String render(Query query) {
    return CTX.renderNamedOrInlinedParams(query);
  }

  /** Parameter {@code $n} cast to an array of {@code sqlType}, e.g. {@code $7::varchar[]}. */
  public static Field<Object> array(int n, String sqlType) {
    return DSL.field("{0}::" + sqlType + "[]", DSL.param(String.valueOf(n), Object.class));
  }

  /**
   * {@code unnest(a, b, …) AS alias}: parallel arrays as a table, so that many rows travel in one
   * statement with one round trip.
   */
  public static Table<Record> unnest(String alias, Field<?>... arrays) {
    StringBuilder template = new StringBuilder("unnest(");
    for (int i = 0; i < arrays.length; i++) {
      template.append(i == 0 ? "" : ", ").append('{').append(i).append('}');
    }
    return DSL.table(template.append(") AS ").append(alias).toString(), (Object[]) arrays);
  }

  /** Fen → NUMERIC(14,2) parameter. */
  public static BigDecimal yuan(long fen) {
    return Fen.toYuan(fen);
  }

  /** NUMERIC(14,2) column → fen (exact: the column has two decimals). */
  public static long fen(Row row, String column) {
    Numeric n = row.getNumeric(column);
    if (n == null) {
      throw new IllegalStateException("column " + column + " is null");
    }
    return Fen.fromYuan(n.bigDecimalValue());
  }

  /** Nullable NUMERIC(14,2) column → fen or {@code null}. */
  public static Long fenOrNull(Row row, String column) {
    Numeric n = row.getNumeric(column);
    return n == null ? null : Fen.fromYuan(n.bigDecimalValue());
  }
}
