-- Policy versions as data (issue 19, docs/policies.md).
--
-- One row per version of a policy line (a region and a scheme): the document as written (the
-- YAML of config/policies, which stays the format of import and export), the period it claims,
-- who drafted it and why (reason, 文号), and who approved or rejected it. A version is a DRAFT
-- until a second member of the region's agency staff approves it (APPROVED) or rejects it
-- (REJECTED), or its author withdraws it (WITHDRAWN). An approved version governs discharges
-- from valid_from until the day before the next approved version of its line starts (or its own
-- valid_to, whichever is first); versions are succeeded, never edited.
--
-- The shipped files are written here on first start as APPROVED versions (author
-- "config:<file>", reviewer "system:seed"); after that the table is the truth.
CREATE TABLE policy_version (
  id               bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region           char(6)       NOT NULL CHECK (region ~ '^[0-9]{6}$'),
  scheme           varchar(32)   NOT NULL CHECK (scheme ~ '^[A-Z][A-Z_]{1,31}$'),
  policy_year      smallint      NOT NULL CHECK (policy_year BETWEEN 2000 AND 2100),
  valid_from       date          NOT NULL,
  valid_to         date          NOT NULL,
  state            varchar(10)   NOT NULL
    CHECK (state IN ('DRAFT', 'APPROVED', 'REJECTED', 'WITHDRAWN')),
  document         text          NOT NULL CHECK (octet_length(document) <= 262144),
  document_sha256  char(64)      NOT NULL,
  document_no      varchar(100)  NOT NULL CHECK (length(document_no) > 0),
  reason           varchar(1000) NOT NULL CHECK (length(reason) > 0),
  author           varchar(80)   NOT NULL,
  drafted_at       timestamptz   NOT NULL,
  reviewer         varchar(80),
  reviewed_at      timestamptz,
  review_note      varchar(1000),
  CHECK (valid_to >= valid_from),
  -- maker–checker, kept by the database as well: nobody reviews their own draft
  CHECK (reviewer IS NULL OR reviewer <> author),
  CHECK ((state IN ('APPROVED', 'REJECTED')) = (reviewer IS NOT NULL AND reviewed_at IS NOT NULL))
);
-- one approved version per line and start day (the approval also locks the line: see PolicyStore)
CREATE UNIQUE INDEX policy_version_approved_start
  ON policy_version (region, scheme, valid_from) WHERE state = 'APPROVED';
CREATE INDEX policy_version_by_region ON policy_version (region, state, id);

-- A version that has left DRAFT is frozen: approved, rejected and withdrawn versions are history
-- (a settlement may name an approved one). Only a draft's own fields may change, and only into one
-- of the final states.
/* [jooq ignore start] */
CREATE FUNCTION policy_version_frozen() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'policy versions are never deleted (version %)', OLD.id;
  END IF;
  IF OLD.state <> 'DRAFT' THEN
    RAISE EXCEPTION 'policy version % is % and cannot change', OLD.id, OLD.state;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER policy_version_frozen BEFORE UPDATE OR DELETE ON policy_version
  FOR EACH ROW EXECUTE FUNCTION policy_version_frozen();
/* [jooq ignore stop] */

-- The policy version a settlement was computed under (null for settlements made before versions
-- were kept; their policy_id still names region/scheme/year). No foreign key: the version row is
-- never deleted (see the trigger), and the check would cost every settlement an index probe.
ALTER TABLE settlement ADD COLUMN policy_version bigint;
