-- What a settlement costs PostgreSQL, cut where nothing pays for it (issue 18; docs/performance.md,
-- "What a settlement costs PostgreSQL"). Measured per settlement under a settle-only load: every
-- foreign key on an insert runs a query (SELECT 1 ... FOR KEY SHARE) and locks the referenced row,
-- and every index takes an entry. What this migration removes, and what keeps each guarantee
-- instead:
--
-- 1. Foreign keys whose referenced row the same transaction has just written or cannot lack:
--    claim -> hospital, settlement -> hospital, settlement -> claim, claim_lines -> claim,
--    settlement_fund -> settlement: 7.1 foreign-key queries per settlement, 2 of them locking one
--    of the three hospitals' rows that every concurrent settlement locks too (FOR KEY SHARE of a row
--    held by another transaction makes a MultiXact). The rows are written together, parents first,
--    in one transaction by one code path (SettlementStore for one settlement, SettlementBatch for a
--    batch), with ids made for them in that transaction, and the hospital is the authenticated
--    caller's own row; so a child cannot be written without its parent. What the keys also
--    guaranteed, that a parent is not deleted (or its key changed) under its children, the
--    triggers below keep, for every row and at no cost to an insert: claims, their lines,
--    settlements, their fund rows and hospitals are never deleted, and their keys never change.
--    The test suite's invariants (support/Invariants) check that every settlement has its claim,
--    lines and fund rows and every claim its settlement. The ledger's keys (ledger_transfer ->
--    prepayment_account, -> settlement) and the reversal's stay: money, and rare per settlement.
-- 2. settlement's UNIQUE (claim_id): an index entry per settlement that no query reads (every join
--    goes from settlement to claim by the claim's primary key); a claim row is made for its one
--    settlement, with a fresh id, in the same transaction. The invariants check it.
-- 3. audit_log_entity (entity_type, entity_id): an index entry per audit entry that no code reads
--    (the verifier reads each chain by its primary key, in order). An investigator looking for an
--    entity's entries scans the log, or creates the index for the occasion.
-- 4. A claim's line arrays are stored MAIN: compressed (lz4 where the server has it, V10) and kept
--    in the row, instead of EXTENDED, which moved the largest arrays of most claims (a 54-line
--    claim is about 4 kB compressed, the out-of-line threshold 2 kB) into the TOAST table, with a
--    TOAST index entry each. A claim too large for a page after compression still goes out of line.
-- (audit_append_all, V24, stays as it is: one statement per chain run instead of three per entry
-- measured no cheaper, 0.38-0.40 ms of CPU per call of two entries either way; docs/performance.md.)

-- jOOQ's schema simulation cannot drop PostgreSQL's implicitly named constraints (as V8), and no
-- generated class depends on these keys or this index: all of it is PostgreSQL's alone.
/* [jooq ignore start] */
ALTER TABLE claim DROP CONSTRAINT claim_hospital_code_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_hospital_code_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_claim_id_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_claim_id_key;
ALTER TABLE claim_lines DROP CONSTRAINT claim_lines_claim_id_fkey;
ALTER TABLE settlement_fund DROP CONSTRAINT settlement_fund_settlement_id_fkey;
DROP INDEX audit_log_entity;

ALTER TABLE claim_lines
  ALTER COLUMN line_no SET STORAGE MAIN, ALTER COLUMN item_code SET STORAGE MAIN,
  ALTER COLUMN item_name SET STORAGE MAIN, ALTER COLUMN quantity SET STORAGE MAIN,
  ALTER COLUMN unit_price SET STORAGE MAIN, ALTER COLUMN amount SET STORAGE MAIN,
  ALTER COLUMN category SET STORAGE MAIN, ALTER COLUMN self_pay_ratio SET STORAGE MAIN,
  ALTER COLUMN price_cap SET STORAGE MAIN, ALTER COLUMN full_own_pay SET STORAGE MAIN,
  ALTER COLUMN over_limit SET STORAGE MAIN, ALTER COLUMN pre_self_pay SET STORAGE MAIN,
  ALTER COLUMN unknown_item SET STORAGE MAIN;

-- The rows the dropped keys pointed at stay: never deleted, their keys never changed.
CREATE FUNCTION refuse_row_removal() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION '% of % refused: its rows are referenced without foreign keys (V31)',
    TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER hospital_kept BEFORE DELETE ON hospital
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER hospital_code_kept BEFORE UPDATE OF code ON hospital
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER claim_kept BEFORE DELETE ON claim
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER claim_id_kept BEFORE UPDATE OF id ON claim
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER claim_lines_kept BEFORE DELETE ON claim_lines
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER claim_lines_claim_kept BEFORE UPDATE OF claim_id ON claim_lines
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER settlement_kept BEFORE DELETE ON settlement
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER settlement_ids_kept BEFORE UPDATE OF id, claim_id, hospital_code ON settlement
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER settlement_fund_kept BEFORE DELETE ON settlement_fund
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
CREATE TRIGGER settlement_fund_settlement_kept BEFORE UPDATE OF settlement_id ON settlement_fund
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_removal();
/* [jooq ignore stop] */
