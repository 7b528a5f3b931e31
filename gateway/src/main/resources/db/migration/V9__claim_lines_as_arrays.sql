-- A claim's lines as one row of arrays, one element per line in the bill's order, instead of one
-- row per line (docs/performance.md, "The claim's lines").
--
-- Lines are written once, with their claim, and only ever read whole (a settlement's detail). As
-- rows, a bill of 54 lines (the load's mean) cost PostgreSQL 54 heap tuples, 54 primary-key index
-- entries, 54 foreign-key checks and 108 CHECK evaluations per settlement: 0.43 ms of statement
-- time, the largest single part of a settlement's (pg_stat_statements under SettlementMix). As one
-- row it is one tuple, one index entry and one foreign-key check.
--
-- The rows' constraints become checks over whole arrays, with built-in operators only (a CHECK
-- calling an SQL function over unnest(...) cost more than the rows did): all arrays of one length
-- (at least 1, one dimension), no missing value but a price cap, quantity > 0, unit price, price
-- cap and the parts of the amount >= 0, category A, B or C. The exact split of each line's amount
-- (full own pay + over limit + pre self pay + in scope = amount) holds by construction: the in-scope
-- part is not stored but derived on reading as amount less the three others, which is the engine's
-- own definition of it; the test suite's invariants check it is never negative.
CREATE TABLE claim_lines (
  claim_id        uuid             NOT NULL PRIMARY KEY REFERENCES claim (id),
  line_no         varchar(64)[]    NOT NULL,
  item_code       varchar(64)[]    NOT NULL,
  item_name       text[]           NOT NULL,
  quantity        numeric(16,4)[]  NOT NULL,
  unit_price      numeric(18,6)[]  NOT NULL,
  amount          numeric(14,2)[]  NOT NULL,
  category        char(1)[]        NOT NULL,
  self_pay_ratio  numeric(5,4)[]   NOT NULL,
  price_cap       numeric(18,6)[]  NOT NULL,
  full_own_pay    numeric(14,2)[]  NOT NULL,
  over_limit      numeric(14,2)[]  NOT NULL,
  pre_self_pay    numeric(14,2)[]  NOT NULL
);

/* [jooq ignore start] */
ALTER TABLE claim_lines ADD CONSTRAINT claim_lines_shape CHECK (
  array_ndims(line_no) = 1 AND cardinality(line_no) >= 1
  AND cardinality(item_code) = cardinality(line_no)
  AND cardinality(item_name) = cardinality(line_no)
  AND cardinality(quantity) = cardinality(line_no)
  AND cardinality(unit_price) = cardinality(line_no)
  AND cardinality(amount) = cardinality(line_no)
  AND cardinality(category) = cardinality(line_no)
  AND cardinality(self_pay_ratio) = cardinality(line_no)
  AND cardinality(price_cap) = cardinality(line_no)
  AND cardinality(full_own_pay) = cardinality(line_no)
  AND cardinality(over_limit) = cardinality(line_no)
  AND cardinality(pre_self_pay) = cardinality(line_no));

ALTER TABLE claim_lines ADD CONSTRAINT claim_lines_complete CHECK (
  array_position(line_no, NULL) IS NULL AND array_position(item_code, NULL) IS NULL
  AND array_position(item_name, NULL) IS NULL AND array_position(quantity, NULL) IS NULL
  AND array_position(unit_price, NULL) IS NULL AND array_position(amount, NULL) IS NULL
  AND array_position(category, NULL) IS NULL AND array_position(self_pay_ratio, NULL) IS NULL
  AND array_position(full_own_pay, NULL) IS NULL AND array_position(over_limit, NULL) IS NULL
  AND array_position(pre_self_pay, NULL) IS NULL);

ALTER TABLE claim_lines ADD CONSTRAINT claim_lines_values CHECK (
  0 < ALL (quantity) AND 0 <= ALL (unit_price) AND 0 <= ALL (price_cap)
  AND category <@ '{A,B,C}'::char(1)[] AND 0 <= ALL (self_pay_ratio)
  AND 0 <= ALL (full_own_pay) AND 0 <= ALL (over_limit) AND 0 <= ALL (pre_self_pay));

INSERT INTO claim_lines
SELECT claim_id,
       array_agg(line_no ORDER BY line_index), array_agg(item_code ORDER BY line_index),
       array_agg(item_name ORDER BY line_index), array_agg(quantity ORDER BY line_index),
       array_agg(unit_price ORDER BY line_index), array_agg(amount ORDER BY line_index),
       array_agg(category ORDER BY line_index), array_agg(self_pay_ratio ORDER BY line_index),
       array_agg(price_cap ORDER BY line_index), array_agg(full_own_pay ORDER BY line_index),
       array_agg(over_limit ORDER BY line_index), array_agg(pre_self_pay ORDER BY line_index)
  FROM claim_line
 GROUP BY claim_id;
/* [jooq ignore stop] */

DROP TABLE claim_line;
