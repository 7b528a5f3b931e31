-- A claim's arrays are compressed when a row passes 2 kB (TOAST). lz4 costs a fraction of the
-- default pglz's CPU: pglz_compress was 2% of the whole machine under SettlementMix at 800/s
-- (perf), lz4 does not show (docs/performance.md). Servers built without lz4 keep pglz.
/* [jooq ignore start] */
DO $$
BEGIN
  ALTER TABLE claim_lines
    ALTER COLUMN line_no SET COMPRESSION lz4, ALTER COLUMN item_code SET COMPRESSION lz4,
    ALTER COLUMN item_name SET COMPRESSION lz4, ALTER COLUMN quantity SET COMPRESSION lz4,
    ALTER COLUMN unit_price SET COMPRESSION lz4, ALTER COLUMN amount SET COMPRESSION lz4,
    ALTER COLUMN category SET COMPRESSION lz4, ALTER COLUMN self_pay_ratio SET COMPRESSION lz4,
    ALTER COLUMN price_cap SET COMPRESSION lz4, ALTER COLUMN full_own_pay SET COMPRESSION lz4,
    ALTER COLUMN over_limit SET COMPRESSION lz4, ALTER COLUMN pre_self_pay SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 not supported by this server: claim_lines keeps pglz';
END
$$;
/* [jooq ignore stop] */
