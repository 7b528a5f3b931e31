-- Catalogue versions as data (issue 19 item 1, docs/policies.md "The catalogue").
--
-- A catalogue version is the whole insurance catalogue (医保目录: every item's category, self-pay
-- ratio, price cap and validity) from one day on: drafted by one member of the scope's agency
-- staff (an upload of the CSV of config/catalogue, which stays the format of import and export),
-- approved by a second, and then in force from valid_from until the day before the next approved
-- version starts (or its own valid_to). Same life as a policy version (V26): DRAFT, then APPROVED,
-- REJECTED or WITHDRAWN, frozen once it leaves DRAFT.
--
-- The entries are kept twice on purpose: the CSV text as uploaded (document, with its SHA-256: the
-- export is the very file the checker approved) and one row per entry (catalogue_entry). The rows
-- are what is read: the live book loads an approved version's rows once (they never change) without
-- parsing text again, a diff between two versions is one join, and one item's history across
-- versions is an index probe; the database checks each value once more.
--
-- The shipped files are written on first start as one APPROVED version (author "config:<file>",
-- reviewer "system:seed").
CREATE TABLE catalogue_version (
  id               bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the region whose catalogue it is (440000: the province's), whose agency staff keep it
  scope            char(6)       NOT NULL CHECK (scope ~ '^[0-9]{6}$'),
  valid_from       date          NOT NULL,
  -- null: until a later version succeeds it
  valid_to         date,
  state            varchar(10)   NOT NULL
    CHECK (state IN ('DRAFT', 'APPROVED', 'REJECTED', 'WITHDRAWN')),
  entry_count      integer       NOT NULL CHECK (entry_count BETWEEN 1 AND 200000),
  document         text          NOT NULL CHECK (octet_length(document) <= 16777216),
  document_sha256  char(64)      NOT NULL,
  document_no      varchar(100)  NOT NULL CHECK (length(document_no) > 0),
  reason           varchar(1000) NOT NULL CHECK (length(reason) > 0),
  author           varchar(80)   NOT NULL,
  drafted_at       timestamptz   NOT NULL,
  reviewer         varchar(80),
  reviewed_at      timestamptz,
  review_note      varchar(1000),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  -- maker–checker, kept by the database as well: nobody reviews their own draft
  CHECK (reviewer IS NULL OR reviewer <> author),
  CHECK ((state IN ('APPROVED', 'REJECTED')) = (reviewer IS NOT NULL AND reviewed_at IS NOT NULL))
);
-- one approved version per scope and start day (the approval also locks the scope's line)
CREATE UNIQUE INDEX catalogue_version_approved_start
  ON catalogue_version (scope, valid_from) WHERE state = 'APPROVED';

-- One entry (one period of one item code) of a version: the columns of the CSV.
CREATE TABLE catalogue_entry (
  version          bigint        NOT NULL REFERENCES catalogue_version (id),
  code             varchar(64)   NOT NULL,
  valid_from       date          NOT NULL,
  valid_to         date,
  name             varchar(200)  NOT NULL,
  category         char(1)       NOT NULL CHECK (category IN ('A', 'B', 'C')),
  -- the patient's share of a B item, in 1/10000 (the core's Ratio)
  self_pay_ratio   integer       NOT NULL CHECK (self_pay_ratio BETWEEN 0 AND 10000),
  -- the highest unit price the funds recognise, in 1/1,000,000 yuan (the core's priceCapE6)
  price_cap_e6     bigint        CHECK (price_cap_e6 >= 0),
  -- the entry's line in the version's document (1 is the header)
  line_no          integer       NOT NULL,
  PRIMARY KEY (version, code, valid_from),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CHECK (category = 'B' OR self_pay_ratio = 0)
);
CREATE INDEX catalogue_entry_by_code ON catalogue_entry (code, version);

-- A version that has left DRAFT is frozen, and so are its entries: approved versions are history
-- a settlement may name (settlement.catalogue_version). Only a draft's fields change, and only into
-- one of the final states; entries are added or removed while their version is a draft.
/* [jooq ignore start] */
CREATE FUNCTION catalogue_version_frozen() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'catalogue versions are never deleted (version %)', OLD.id;
  END IF;
  IF OLD.state <> 'DRAFT' THEN
    RAISE EXCEPTION 'catalogue version % is % and cannot change', OLD.id, OLD.state;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER catalogue_version_frozen BEFORE UPDATE OR DELETE ON catalogue_version
  FOR EACH ROW EXECUTE FUNCTION catalogue_version_frozen();

CREATE FUNCTION catalogue_entry_frozen() RETURNS trigger
  LANGUAGE plpgsql
AS $$
DECLARE
  v_state varchar(10);
BEGIN
  SELECT state INTO v_state FROM catalogue_version
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.version ELSE NEW.version END;
  IF v_state <> 'DRAFT' THEN
    RAISE EXCEPTION 'the entries of catalogue version % (%) cannot change',
      CASE WHEN TG_OP = 'DELETE' THEN OLD.version ELSE NEW.version END, v_state;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.version <> NEW.version THEN
    RAISE EXCEPTION 'an entry does not move between catalogue versions';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER catalogue_entry_frozen BEFORE INSERT OR UPDATE OR DELETE ON catalogue_entry
  FOR EACH ROW EXECUTE FUNCTION catalogue_entry_frozen();
/* [jooq ignore stop] */

-- The catalogue version a settlement was priced under (null for settlements made before catalogue
-- versions were kept). No foreign key, as for policy_version: the row is never deleted.
ALTER TABLE settlement ADD COLUMN catalogue_version bigint;
