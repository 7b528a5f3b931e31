-- Yizhan store of record, version 1: hospitals, claims, settlements, reversals, accumulators,
-- identities, the prepayment ledger, idempotency records and the audit log.
--
-- Money is NUMERIC(14,2) yuan (999,999,999,999.99 at most), never float. Ratios are
-- NUMERIC(5,4). Quantities NUMERIC(16,4) and unit prices NUMERIC(18,6), as the national platform
-- carries them. Times are timestamptz; "days" (settled_on, reversed_on) are local dates in the
-- gateway's zone (Asia/Shanghai by default), the day a hospital reconciles.

-- Designated hospitals, synchronised from config/hospitals.yaml at start-up.
CREATE TABLE hospital (
  code        varchar(32)  NOT NULL PRIMARY KEY,
  name        text         NOT NULL,
  hospital_level smallint   NOT NULL CHECK (hospital_level >= 1 AND hospital_level <= 3),
  region      char(6)      NOT NULL,
  updated_at  timestamptz  NOT NULL
);

-- Hospital API keys, stored as SHA-256 of the secret (keys are 256-bit random, so a fast hash
-- is enough); two may be valid at once for rotation.
CREATE TABLE hospital_key (
  key_id         varchar(64)  NOT NULL PRIMARY KEY,
  hospital_code  varchar(32)  NOT NULL REFERENCES hospital (code),
  key_sha256     char(64)     NOT NULL UNIQUE,
  valid_from     timestamptz  NOT NULL,
  valid_to       timestamptz
);

-- A discharge claim as the hospital sent it: one row per settlement attempt, never updated.
CREATE TABLE claim (
  id              uuid         NOT NULL PRIMARY KEY,
  hospital_code   varchar(32)  NOT NULL REFERENCES hospital (code),
  claim_no        varchar(64)  NOT NULL,
  content_sha256  char(64)     NOT NULL,
  person_id_no    varchar(32)  NOT NULL,
  person_name     text,
  scheme          varchar(32)  NOT NULL,
  office_code     char(6)      NOT NULL,
  hospital_level  smallint     NOT NULL,
  admission_date  date         NOT NULL,
  discharge_date  date         NOT NULL,
  line_count      integer      NOT NULL CHECK (line_count >= 1 AND line_count <= 2000),
  total           numeric(14,2) NOT NULL,
  received_at     timestamptz  NOT NULL,
  CHECK (discharge_date >= admission_date)
);

-- The claim's lines with their classification against the catalogue (rules §1).
CREATE TABLE claim_line (
  claim_id        uuid          NOT NULL REFERENCES claim (id),
  line_index      integer       NOT NULL,
  line_no         varchar(64)   NOT NULL,
  item_code       varchar(64)   NOT NULL,
  item_name       text          NOT NULL,
  quantity        numeric(16,4) NOT NULL CHECK (quantity > 0),
  unit_price      numeric(18,6) NOT NULL CHECK (unit_price >= 0),
  amount          numeric(14,2) NOT NULL,
  category        char(1)       NOT NULL CHECK (category IN ('A', 'B', 'C')),
  self_pay_ratio  numeric(5,4)  NOT NULL,
  price_cap       numeric(18,6),
  full_own_pay    numeric(14,2) NOT NULL,
  over_limit      numeric(14,2) NOT NULL,
  pre_self_pay    numeric(14,2) NOT NULL,
  in_scope        numeric(14,2) NOT NULL,
  PRIMARY KEY (claim_id, line_index),
  CHECK (full_own_pay + over_limit + pre_self_pay + in_scope = amount)
);

-- One combined settlement. A reversal marks it REVERSED; nothing else ever changes it. The
-- delta_* columns are exactly what the settlement added to the person's accumulators, so that a
-- reversal subtracts the same, whatever has happened since.
CREATE TABLE settlement (
  id                     uuid          NOT NULL PRIMARY KEY,
  claim_id               uuid          NOT NULL UNIQUE REFERENCES claim (id),
  hospital_code          varchar(32)   NOT NULL REFERENCES hospital (code),
  claim_no               varchar(64)   NOT NULL,
  person_id_no           varchar(32)   NOT NULL,
  office_code            char(6)       NOT NULL,
  status                 varchar(16)   NOT NULL CHECK (status IN ('SETTLED', 'REVERSED')),
  policy_id              varchar(48)   NOT NULL,
  year                   smallint      NOT NULL,
  hospital_level         smallint      NOT NULL,
  total                  numeric(14,2) NOT NULL,
  full_own_pay           numeric(14,2) NOT NULL,
  over_limit             numeric(14,2) NOT NULL,
  pre_self_pay           numeric(14,2) NOT NULL,
  in_scope               numeric(14,2) NOT NULL,
  act_deductible         numeric(14,2) NOT NULL,
  basic_pay              numeric(14,2) NOT NULL CHECK (basic_pay >= 0),
  ci_pay                 numeric(14,2) NOT NULL CHECK (ci_pay >= 0),
  ma_pay                 numeric(14,2) NOT NULL CHECK (ma_pay >= 0),
  fund_pay               numeric(14,2) NOT NULL,
  personal_pay           numeric(14,2) NOT NULL CHECK (personal_pay >= 0),
  ma_identity            varchar(20),
  ma_note                varchar(40),
  identities_used        text          NOT NULL,
  delta_basic_paid       numeric(14,2) NOT NULL,
  delta_deductible_paid  numeric(14,2) NOT NULL,
  delta_ci_base          numeric(14,2) NOT NULL,
  delta_ci_paid          numeric(14,2) NOT NULL,
  delta_ma_base          numeric(14,2) NOT NULL,
  delta_ma_paid          numeric(14,2) NOT NULL,
  prepayment_account_id  bigint,
  prepayment_drawn       numeric(14,2) NOT NULL CHECK (prepayment_drawn >= 0),
  hospital_advance       numeric(14,2) NOT NULL CHECK (hospital_advance >= 0),
  idempotency_key        varchar(128),
  settled_at             timestamptz   NOT NULL,
  settled_on             date          NOT NULL,
  reversed_at            timestamptz,
  CHECK (full_own_pay + over_limit + pre_self_pay + in_scope = total),
  CHECK (basic_pay + ci_pay + ma_pay = fund_pay),
  CHECK (fund_pay + personal_pay = total),
  CHECK (prepayment_drawn + hospital_advance = ma_pay),
  CHECK ((status = 'REVERSED') = (reversed_at IS NOT NULL))
);
-- A claim number has at most one live settlement per hospital; after a reversal it may be
-- settled again (the hospital corrects the bill and re-settles, as 2305 then 2304 does).
CREATE UNIQUE INDEX settlement_live_claim ON settlement (hospital_code, claim_no)
  WHERE status = 'SETTLED';
CREATE INDEX settlement_hospital_day ON settlement (hospital_code, settled_on);
CREATE INDEX settlement_hospital_claim ON settlement (hospital_code, claim_no);
CREATE INDEX settlement_person_year ON settlement (person_id_no, year);

-- Per-fund rows of a settlement (setldetail).
CREATE TABLE settlement_fund (
  settlement_id   uuid          NOT NULL REFERENCES settlement (id),
  fund            varchar(20)   NOT NULL CHECK (fund IN ('BASIC', 'CRITICAL_ILLNESS', 'ASSISTANCE')),
  fund_code       char(6)       NOT NULL,
  base            numeric(14,2) NOT NULL,
  paid            numeric(14,2) NOT NULL CHECK (paid >= 0),
  remaining_room  numeric(14,2),
  trace           text          NOT NULL,
  PRIMARY KEY (settlement_id, fund)
);

-- A reversal (结算撤销): the settlement's amounts negated, and what went back to the ledger.
CREATE TABLE reversal (
  id                    uuid          NOT NULL PRIMARY KEY,
  settlement_id         uuid          NOT NULL UNIQUE REFERENCES settlement (id),
  hospital_code         varchar(32)   NOT NULL REFERENCES hospital (code),
  total                 numeric(14,2) NOT NULL CHECK (total <= 0),
  basic_pay             numeric(14,2) NOT NULL CHECK (basic_pay <= 0),
  ci_pay                numeric(14,2) NOT NULL CHECK (ci_pay <= 0),
  ma_pay                numeric(14,2) NOT NULL CHECK (ma_pay <= 0),
  fund_pay              numeric(14,2) NOT NULL CHECK (fund_pay <= 0),
  personal_pay          numeric(14,2) NOT NULL CHECK (personal_pay <= 0),
  prepayment_credited   numeric(14,2) NOT NULL CHECK (prepayment_credited >= 0),
  advance_cancelled     numeric(14,2) NOT NULL CHECK (advance_cancelled >= 0),
  reason                text,
  idempotency_key       varchar(128),
  reversed_at           timestamptz   NOT NULL,
  reversed_on           date          NOT NULL,
  CHECK (basic_pay + ci_pay + ma_pay = fund_pay),
  CHECK (fund_pay + personal_pay = total)
);
CREATE INDEX reversal_hospital_day ON reversal (hospital_code, reversed_on);

-- Year-to-date figures per person and calendar year (rules §7). Settlements add their delta,
-- reversals subtract it; the row is locked (FOR UPDATE) while a settlement computes, so two
-- settlements of one person serialise and a cap is never overshot.
CREATE TABLE accumulator (
  person_id_no        varchar(32)   NOT NULL,
  year                smallint      NOT NULL,
  basic_paid          numeric(14,2) NOT NULL DEFAULT 0 CHECK (basic_paid >= 0),
  deductible_paid     numeric(14,2) NOT NULL DEFAULT 0 CHECK (deductible_paid >= 0),
  admissions_level1   integer       NOT NULL DEFAULT 0 CHECK (admissions_level1 >= 0),
  admissions_level2   integer       NOT NULL DEFAULT 0 CHECK (admissions_level2 >= 0),
  admissions_level3   integer       NOT NULL DEFAULT 0 CHECK (admissions_level3 >= 0),
  ci_base             numeric(14,2) NOT NULL DEFAULT 0 CHECK (ci_base >= 0),
  ci_paid             numeric(14,2) NOT NULL DEFAULT 0 CHECK (ci_paid >= 0),
  ma_base             numeric(14,2) NOT NULL DEFAULT 0 CHECK (ma_base >= 0),
  ma_paid             numeric(14,2) NOT NULL DEFAULT 0 CHECK (ma_paid >= 0),
  office_code         char(6)       NOT NULL,
  updated_at          timestamptz   NOT NULL,
  PRIMARY KEY (person_id_no, year)
);

-- Identities civil affairs confirms (身份确认), bitemporal: valid_from/valid_to is when the
-- identity holds; recorded_at/superseded_at is when we knew it. A change never updates a row in
-- place: it supersedes the old version and inserts the new one, so the identities any past
-- settlement used can always be found again.
CREATE TABLE person_identity (
  id               bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  identity_id      uuid         NOT NULL,
  version          integer      NOT NULL,
  person_id_no     varchar(32)  NOT NULL,
  person_name      text,
  office_code      char(6)      NOT NULL,
  category         varchar(20)  NOT NULL
    CHECK (category IN ('DESTITUTE', 'SUBSISTENCE', 'REGISTERED_POOR', 'ILLNESS_POOR')),
  valid_from       date         NOT NULL,
  valid_to         date,
  confirmed        boolean      NOT NULL,
  lifted_out_date  date,
  recorded_at      timestamptz  NOT NULL,
  recorded_by      varchar(64)  NOT NULL,
  superseded_at    timestamptz,
  UNIQUE (identity_id, version),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CHECK (lifted_out_date IS NULL OR category = 'REGISTERED_POOR')
);
CREATE INDEX person_identity_current ON person_identity (person_id_no) WHERE superseded_at IS NULL;
CREATE INDEX person_identity_office ON person_identity (office_code, person_id_no)
  WHERE superseded_at IS NULL;

-- One prepayment account per (civil-affairs office, hospital): the money civil affairs has
-- prepaid for assistance at that hospital. balance and advance_owed are kept in step with the
-- ledger in the same transaction; the ledger is the truth and a check recomputes them from it.
CREATE TABLE prepayment_account (
  id                     bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  office_code            char(6)       NOT NULL,
  hospital_code          varchar(32)   NOT NULL REFERENCES hospital (code),
  mode                   varchar(20)   NOT NULL DEFAULT 'HOSPITAL_ADVANCE'
    CHECK (mode IN ('HOSPITAL_ADVANCE', 'REFUSE')),
  low_balance_threshold  numeric(14,2) NOT NULL DEFAULT 0 CHECK (low_balance_threshold >= 0),
  balance                numeric(14,2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
  advance_owed           numeric(14,2) NOT NULL DEFAULT 0 CHECK (advance_owed >= 0),
  open_period            char(7)       NOT NULL,
  created_at             timestamptz   NOT NULL,
  UNIQUE (office_code, hospital_code)
);

-- The ledger: immutable double-entry transfers, each moving an amount from a debit account to a
-- credit account (accounts are named, e.g. FUND:445202, PREPAY:445202:H1, PAID:445202:H1,
-- ADVANCE:445202:H1). An account's balance is its credits less its debits; all balances sum to
-- zero. Every transfer belongs to one prepayment account and one period (YYYY-MM).
CREATE TABLE ledger_transfer (
  id               bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id       bigint        NOT NULL REFERENCES prepayment_account (id),
  kind             varchar(24)   NOT NULL
    CHECK (kind IN ('TOP_UP', 'DRAWDOWN', 'ADVANCE', 'REVERSAL_CREDIT', 'ADVANCE_REVERSAL')),
  debit_account    varchar(64)   NOT NULL,
  credit_account   varchar(64)   NOT NULL,
  amount           numeric(14,2) NOT NULL CHECK (amount > 0),
  settlement_id    uuid          REFERENCES settlement (id),
  top_up_ref       varchar(64),
  period           char(7)       NOT NULL,
  created_at       timestamptz   NOT NULL,
  created_by       varchar(64)   NOT NULL,
  CHECK (debit_account <> credit_account),
  CHECK ((kind = 'TOP_UP') = (top_up_ref IS NOT NULL)),
  CHECK ((kind = 'TOP_UP') = (settlement_id IS NULL))
);
CREATE UNIQUE INDEX ledger_transfer_top_up_ref ON ledger_transfer (account_id, top_up_ref)
  WHERE top_up_ref IS NOT NULL;
CREATE INDEX ledger_transfer_account_period ON ledger_transfer (account_id, period, id);
CREATE INDEX ledger_transfer_settlement ON ledger_transfer (settlement_id)
  WHERE settlement_id IS NOT NULL;

-- A closed period's statement (清算), frozen once written.
CREATE TABLE period_statement (
  account_id         bigint        NOT NULL REFERENCES prepayment_account (id),
  period             char(7)       NOT NULL,
  opening_balance    numeric(14,2) NOT NULL,
  top_ups            numeric(14,2) NOT NULL,
  drawdowns          numeric(14,2) NOT NULL,
  reversal_credits   numeric(14,2) NOT NULL,
  advances           numeric(14,2) NOT NULL,
  advance_reversals  numeric(14,2) NOT NULL,
  closing_balance    numeric(14,2) NOT NULL,
  advance_owed       numeric(14,2) NOT NULL,
  settlement_count   integer       NOT NULL,
  closed_at          timestamptz   NOT NULL,
  closed_by          varchar(64)   NOT NULL,
  PRIMARY KEY (account_id, period),
  CHECK (opening_balance + top_ups - drawdowns + reversal_credits = closing_balance)
);

-- Idempotency-Key records: the first request's fingerprint and what it produced.
CREATE TABLE idempotency_record (
  hospital_code    varchar(32)  NOT NULL,
  idem_key         varchar(128) NOT NULL,
  operation        varchar(32)  NOT NULL,
  request_sha256   char(64)     NOT NULL,
  status_code      smallint     NOT NULL,
  resource_id      uuid         NOT NULL,
  created_at       timestamptz  NOT NULL,
  PRIMARY KEY (hospital_code, idem_key)
);

-- The append-only audit log of every state change, hash-chained: hash = hex SHA-256(prev_hash ||
-- the entry's canonical text). audit_head holds the chain's end; appending locks it, so entries
-- chain in commit order across gateway instances.
CREATE TABLE audit_log (
  seq          bigint       NOT NULL PRIMARY KEY,
  at           timestamptz  NOT NULL,
  actor        varchar(96)  NOT NULL,
  action       varchar(48)  NOT NULL,
  entity_type  varchar(32)  NOT NULL,
  entity_id    varchar(96)  NOT NULL,
  details      text         NOT NULL,
  prev_hash    char(64)     NOT NULL,
  hash         char(64)     NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

CREATE TABLE audit_head (
  id    smallint  NOT NULL PRIMARY KEY CHECK (id = 1),
  seq   bigint    NOT NULL,
  hash  char(64)  NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));
