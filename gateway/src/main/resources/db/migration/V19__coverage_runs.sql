-- 应保尽保 matching at scale (issue 15): a region's matching runs in the background and is stored.
--
-- A region of a million poor people takes longer to match than a request may last (10 s), so the
-- agency starts a run: one row of coverage_run with its progress, written by the instance that runs
-- it, read by any; its results are coverage_run_row, paged and exported from there. The rows and
-- the run's DONE are committed in one transaction: a run whose instance dies leaves no rows and is
-- marked FAILED by the first reader that finds its heartbeat stale (CoverageRuns.STALE_SECONDS).
CREATE TABLE coverage_run (
  run_id          uuid          PRIMARY KEY,
  scope_kind      varchar(8)    NOT NULL CHECK (scope_kind IN ('office', 'region')),
  scope_code      char(6)       NOT NULL,
  match_date      date          NOT NULL,
  state           varchar(8)    NOT NULL CHECK (state IN ('RUNNING', 'DONE', 'FAILED')),
  -- progress: identity rows of the scope classified so far, of how many (0 until counted)
  identities_done   bigint      NOT NULL DEFAULT 0,
  identities_total  bigint      NOT NULL DEFAULT 0,
  -- the counts per outcome, once DONE
  subsidised      bigint,
  not_subsidised  bigint,
  elsewhere       bigint,
  not_enrolled    bigint,
  failure         text,
  requested_by    varchar(64)   NOT NULL,
  requested_at    timestamptz   NOT NULL,
  heartbeat_at    timestamptz   NOT NULL,
  finished_at     timestamptz
);
-- one run at a time per scope and date: a second request joins the running one
CREATE UNIQUE INDEX coverage_run_one_running ON coverage_run (scope_kind, scope_code, match_date)
  WHERE state = 'RUNNING';
CREATE INDEX coverage_run_latest ON coverage_run (scope_kind, scope_code, requested_at);

CREATE TABLE coverage_run_row (
  run_id        uuid          NOT NULL REFERENCES coverage_run (run_id) ON DELETE CASCADE,
  person_id_no  varchar(32)   NOT NULL,
  office_code   char(6)       NOT NULL,
  person_name   text,
  categories    text          NOT NULL,
  outcome       varchar(16)   NOT NULL
    CHECK (outcome IN ('SUBSIDISED', 'NOT_SUBSIDISED', 'ELSEWHERE', 'NOT_ENROLLED')),
  regions       text,
  PRIMARY KEY (run_id, person_id_no)
);
-- a page of one outcome, in ID-number order
CREATE INDEX coverage_run_row_outcome ON coverage_run_row (run_id, outcome, person_id_no);

/* [jooq ignore start] */
-- The matching reads a scope's identities by ID-number range (the office is the ID number's first
-- six digits, so an office's or a region's people are one range), in ID-number order, and groups
-- them per person as it goes: no sort. This index replaces V16's (office_code, person_id_no).
DROP INDEX person_identity_office_confirmed;
CREATE INDEX person_identity_person_confirmed ON person_identity (person_id_no)
  INCLUDE (office_code, category, valid_from, valid_to, person_name, lifted_out_date)
  WHERE superseded_at IS NULL AND confirmed;

-- The planner cannot know that an identity is nearly always recorded by the office of its ID number
-- (left(person_id_no, 6) = office_code) and estimated it at 0.5%: statistics on the expression.
CREATE STATISTICS person_identity_managing ON (left(person_id_no, 6) = office_code)
  FROM person_identity;
/* [jooq ignore stop] */
