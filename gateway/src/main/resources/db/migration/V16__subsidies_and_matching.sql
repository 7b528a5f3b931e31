-- Subsidised contributions (资助参保) and 应保尽保 matching (issue 15, items 3 and 4).
--
-- contribution_standard: per policy year and insurance region (admdvs), the individual
-- contribution of the resident scheme (城乡居民个人缴费), in yuan with two decimals.
-- contribution_subsidy: per standard and identity category, the share of that contribution the
-- government pays (资助参保): either a ratio in 1/10000 (10000 = in full) or a fixed amount, never
-- both. The subsidy of one person is computed once, HALF_UP to the fen (docs/rules.md, "Subsidised
-- contributions"); a missing category means no subsidy for it.
--
-- Both are maintained by the insurance agency of the region through the managers' API; every
-- change is audited (COVERAGE_STANDARD), a later PUT replaces a year's standard of a region whole.
CREATE TABLE contribution_standard (
  policy_year              integer        NOT NULL CHECK (policy_year BETWEEN 1990 AND 2200),
  admdvs                   char(6)        NOT NULL,
  individual_contribution  numeric(14,2)  NOT NULL CHECK (individual_contribution > 0),
  recorded_at              timestamptz    NOT NULL,
  recorded_by              varchar(64)    NOT NULL,
  PRIMARY KEY (policy_year, admdvs)
);

CREATE TABLE contribution_subsidy (
  policy_year   integer        NOT NULL,
  admdvs        char(6)        NOT NULL,
  category      varchar(20)    NOT NULL
    CHECK (category IN ('DESTITUTE', 'SUBSISTENCE', 'REGISTERED_POOR', 'ILLNESS_POOR')),
  -- the government's share in 1/10000 of the individual contribution
  ratio         integer        CHECK (ratio BETWEEN 0 AND 10000),
  -- or a fixed amount in yuan (at most the contribution: the rest is the person's)
  fixed_amount  numeric(14,2)  CHECK (fixed_amount >= 0),
  PRIMARY KEY (policy_year, admdvs, category),
  FOREIGN KEY (policy_year, admdvs) REFERENCES contribution_standard (policy_year, admdvs)
    ON DELETE CASCADE,
  CHECK ((ratio IS NULL) <> (fixed_amount IS NULL))
);

-- Covering indexes (INCLUDE) are PostgreSQL's: the jOOQ code generator's DDL simulation cannot
-- read them, and generates nothing from an index anyway.
/* [jooq ignore start] */
-- The matching (CoverageStore.MATCH) reads, for the offices of a scope, every current confirmed
-- identity: this index holds what it needs, so the scan touches the index only (after VACUUM).
CREATE INDEX person_identity_office_confirmed ON person_identity (office_code, person_id_no)
  INCLUDE (category, valid_from, valid_to, person_name)
  WHERE superseded_at IS NULL AND confirmed;

-- ... and, per person, their current enrolments: admdvs, dates and status from the index alone.
CREATE INDEX insured_enrolment_matching ON insured_enrolment (person_id_no)
  INCLUDE (admdvs, valid_from, valid_to, contribution_status, contribution_year)
  WHERE superseded_at IS NULL;
/* [jooq ignore stop] */
