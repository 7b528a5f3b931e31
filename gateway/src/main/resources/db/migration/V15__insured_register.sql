-- The insured register (参保登记, issue 15): who is enrolled in which insurance region (参保地,
-- admdvs), under which scheme, for which dates, and how the year's contribution was paid. No fund
-- pays for someone who is not enrolled; civil affairs and the insurance agency match the poor
-- against it (应保尽保).
--
-- Bitemporal like person_identity: valid_from/valid_to is when the enrolment covers; recorded_at/
-- superseded_at is when we knew it. A change never updates a row in place: it supersedes the old
-- version and inserts the new one, so the enrolment a past settlement relied on can be found again.
CREATE TABLE insured_enrolment (
  id                   bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enrolment_id         uuid          NOT NULL,
  version              integer       NOT NULL,
  person_id_no         varchar(32)   NOT NULL,
  admdvs               char(6)       NOT NULL,
  scheme               varchar(10)   NOT NULL CHECK (scheme IN ('RESIDENT', 'EMPLOYEE')),
  valid_from           date          NOT NULL,
  valid_to             date,
  contribution_year    integer       NOT NULL CHECK (contribution_year BETWEEN 1990 AND 2200),
  contribution_status  varchar(12)   NOT NULL
    CHECK (contribution_status IN ('PAID', 'SUBSIDISED', 'UNPAID', 'SUSPENDED', 'ENDED')),
  -- The social-security card (社保卡号) and its serial (卡识别码) where known: card readers at 1101
  -- give these instead of an ID number.
  card_no              varchar(32),
  card_sn              varchar(32),
  person_name          text,
  -- GB/T 2261.1: '1' male, '2' female; derived from the ID number where the file leaves it out.
  sex                  char(1)       CHECK (sex IN ('1', '2')),
  birth_date           date,
  -- The employer (emp_name of 1101) for the employee scheme; null for residents.
  employer_name        text,
  recorded_at          timestamptz   NOT NULL,
  recorded_by          varchar(64)   NOT NULL,
  superseded_at        timestamptz,
  UNIQUE (enrolment_id, version),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX insured_enrolment_current ON insured_enrolment (person_id_no)
  WHERE superseded_at IS NULL;
CREATE INDEX insured_enrolment_region ON insured_enrolment (admdvs, person_id_no)
  WHERE superseded_at IS NULL;
CREATE INDEX insured_enrolment_card ON insured_enrolment (card_no)
  WHERE superseded_at IS NULL AND card_no IS NOT NULL;

-- A fourth kind of user: insurance-agency staff (医保经办机构). They log in like managers; for them
-- office_code holds their insurance region (admdvs), and they see that region's register and
-- matching, never another's people.
ALTER TABLE manager ADD COLUMN role varchar(16) NOT NULL DEFAULT 'CIVIL_AFFAIRS'
  CHECK (role IN ('CIVIL_AFFAIRS', 'AGENCY'));

-- At most one current version of an enrolment: a change supersedes the old version and inserts the
-- next in one transaction, so two writers changing the same enrolment cannot both leave theirs.
CREATE UNIQUE INDEX insured_enrolment_one_current ON insured_enrolment (enrolment_id)
  WHERE superseded_at IS NULL;
