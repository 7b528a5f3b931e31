package org.yizhan.gateway.infra.db;

import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.List;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;

/**
 * Many rows of one table in one INSERT: each column travels as one {@code text[]} parameter, and
 * the statement unnests the arrays into rows and casts each column to its type.
 *
 * <p>Why text: the reactive client cannot carry a null element in a {@code numeric[]} over the
 * wire, and a typed array per column would need a typed builder per table. PostgreSQL parses text
 * into every column type exactly (amounts are sent as plain decimals, times as ISO 8601 with their
 * offset), so the rows arrive as the single-row statements would write them. The cost is one text
 * parse per value on the server, far less than a statement's execution per row.
 *
 * <p>The rows are written in the order given (a function scan of {@code unnest} yields its elements
 * in order).
 */
public final class MultiRow {
  /** The most rows one statement carries: a batch's worth with room to spare. */
  public static final int MAX_ROWS = 10_000;

  private MultiRow() {}

  /**
   * {@code INSERT INTO t (c1…cn) SELECT CAST(u.c1 AS type1), … FROM unnest($1::text[], …) u}: the
   * parameters are {@link #columns}' arrays.
   */
  public static String insert(Field<?>... columns) {
    return insert(columns, new String[columns.length]);
  }

  /**
   * {@link #insert(Field[])}, casting column {@code i} to {@code sqlTypes[i]} where it is not null
   * (e.g. {@code numeric[]} for an array column whose generated type lost its precision); an array
   * value travels as the text of a PostgreSQL array literal.
   */
  public static String insert(Field<?>[] columns, String[] sqlTypes) {
    if (sqlTypes.length != columns.length) {
      throw new IllegalArgumentException(
          sqlTypes.length + " types for " + columns.length + " columns");
    }
    Table<?> table = ((TableField<?, ?>) columns[0]).getTable();
    Field<?>[] arrays = new Field<?>[columns.length];
    Field<?>[] cast = new Field<?>[columns.length];
    StringBuilder alias = new StringBuilder("u (");
    for (int i = 0; i < columns.length; i++) {
      arrays[i] = Sql.array(i + 1, "text");
      alias.append(i == 0 ? "" : ", ").append('c').append(i + 1);
      Field<String> text = DSL.field(DSL.name("u", "c" + (i + 1)), String.class);
      cast[i] =
          sqlTypes[i] == null
              ? text.cast(columns[i].getDataType())
              : DSL.field("{0}::" + sqlTypes[i], Object.class, text);
    }
    alias.append(')');
    return Sql.render(
        Sql.dsl()
            .insertInto(table)
            .columns(columns)
            .select(DSL.select(cast).from(Sql.unnest(alias.toString(), arrays))));
  }

  /**
   * The rows' values as one text array per column, in the parameters' order of {@link #insert}.
   * Every row must have {@code width} values; a null stays null.
   */
  public static Tuple columns(List<Tuple> rows, int width) {
    if (rows.isEmpty() || rows.size() > MAX_ROWS) {
      throw new IllegalArgumentException("rows: 1.." + MAX_ROWS + ", got " + rows.size());
    }
    Tuple out = Tuple.tuple();
    for (int c = 0; c < width; c++) {
      String[] column = new String[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        Tuple row = rows.get(r);
        if (row.size() != width) {
          throw new IllegalArgumentException("row " + r + " has " + row.size() + " values");
        }
        column[r] = text(row.getValue(c));
      }
      out.addArrayOfString(column);
    }
    return out;
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal) {
      return ((BigDecimal) v).toPlainString();
    }
    if (v instanceof Object[]) {
      return arrayLiteral((Object[]) v);
    }
    return v.toString();
  }

  /** {@code {"a","b",NULL}}: every element quoted, backslash and quote escaped. */
  private static String arrayLiteral(Object[] values) {
    StringBuilder out = new StringBuilder(values.length * 8 + 2).append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      String element = text(values[i]);
      if (element == null) {
        out.append("NULL");
        continue;
      }
      out.append('"');
      for (int k = 0; k < element.length(); k++) {
        char c = element.charAt(k);
        if (c == '"' || c == '\\') {
          out.append('\\');
        }
        out.append(c);
      }
      out.append('"');
    }
    return out.append('}').toString();
  }
}
