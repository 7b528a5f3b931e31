-- A claim's lines as one row of arrays, one element per line in the bill's order, instead of one
-- row per line (docs/performance.md, "The claim's lines").
--
-- Lines are written once, with their claim, and only ever read whole (a settlement's detail). As
-- rows, a bill of 54 lines (the load's mean) cost PostgreSQL 54 heap tuples, 54 primary-key index
-- entries, 54 foreign-key checks and 108 CHECK evaluations: 0.43 ms of a settlement's 0.8 ms of
-- statement time, by far its largest part (pg_stat_statements under SettlementMix). As one row it
-- is one tuple, one index entry and one foreign-key check; TOAST compresses the arrays.
--
-- What the rows' constraints guaranteed, claim_lines_valid now guarantees for every element:
-- all arrays of one length (at least 1), no missing value but a price cap, quantity > 0, unit
-- price >= 0, category A, B or C, and the amount split exactly into its four parts.
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
  pre_self_pay    numeric(14,2)[]  NOT NULL,
  in_scope        numeric(14,2)[]  NOT NULL
);

/* [jooq ignore start] */
CREATE FUNCTION claim_lines_valid(
    line_no varchar[], item_code varchar[], item_name text[], quantity numeric[],
    unit_price numeric[], amount numeric[], category char(1)[], self_pay_ratio numeric[],
    price_cap numeric[], full_own_pay numeric[], over_limit numeric[], pre_self_pay numeric[],
    in_scope numeric[])
  RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  -- unnest pads shorter arrays with nulls, which fail the checks like a missing value does
  SELECT cardinality(line_no) >= 1 AND array_ndims(line_no) = 1 AND bool_and(coalesce(
           n IS NOT NULL AND c IS NOT NULL AND nm IS NOT NULL AND q > 0 AND p >= 0
           AND a IS NOT NULL AND cat IN ('A', 'B', 'C') AND r IS NOT NULL
           AND own + ovr + pre + ins = a
           AND (cap IS NULL OR cap >= 0), false))
         AND count(*) = cardinality(line_no)
    FROM unnest(line_no, item_code, item_name, quantity, unit_price, amount, category,
                self_pay_ratio, price_cap, full_own_pay, over_limit, pre_self_pay, in_scope)
           AS l(n, c, nm, q, p, a, cat, r, cap, own, ovr, pre, ins)
$$;

ALTER TABLE claim_lines ADD CONSTRAINT claim_lines_valid CHECK (claim_lines_valid(
    line_no, item_code, item_name, quantity, unit_price, amount, category, self_pay_ratio,
    price_cap, full_own_pay, over_limit, pre_self_pay, in_scope));

INSERT INTO claim_lines
SELECT claim_id,
       array_agg(line_no ORDER BY line_index), array_agg(item_code ORDER BY line_index),
       array_agg(item_name ORDER BY line_index), array_agg(quantity ORDER BY line_index),
       array_agg(unit_price ORDER BY line_index), array_agg(amount ORDER BY line_index),
       array_agg(category ORDER BY line_index), array_agg(self_pay_ratio ORDER BY line_index),
       array_agg(price_cap ORDER BY line_index), array_agg(full_own_pay ORDER BY line_index),
       array_agg(over_limit ORDER BY line_index), array_agg(pre_self_pay ORDER BY line_index),
       array_agg(in_scope ORDER BY line_index)
  FROM claim_line
 GROUP BY claim_id;
/* [jooq ignore stop] */

DROP TABLE claim_line;
