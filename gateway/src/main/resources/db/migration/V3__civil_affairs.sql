-- Version 3: the civil-affairs side. Managers of a civil-affairs office (民政部门) and their
-- sessions; identity versions are in V1 (person_identity), the prepayment ledger too.

-- Prepayment managers, synchronised from config/managers.yaml at start-up. Each belongs to one
-- office (6-digit code) and sees and changes only that office's people and accounts.
CREATE TABLE manager (
  username       varchar(64)   NOT NULL PRIMARY KEY,
  display_name   varchar(128)  NOT NULL,
  office_code    char(6)       NOT NULL,
  password_hash  varchar(256)  NOT NULL,
  updated_at     timestamptz   NOT NULL
);

-- Login sessions: the token is 256 random bits, given to the browser once (HttpOnly cookie) and
-- stored only as its SHA-256, so a copy of this table opens no session.
CREATE TABLE manager_session (
  token_sha256  char(64)     NOT NULL PRIMARY KEY,
  username      varchar(64)  NOT NULL REFERENCES manager (username),
  created_at    timestamptz  NOT NULL,
  expires_at    timestamptz  NOT NULL
);
CREATE INDEX manager_session_expiry ON manager_session (expires_at);

-- A top-up's reference is unique per account (the unique index of V1); remember who asked.
CREATE INDEX ledger_transfer_account_kind ON ledger_transfer (account_id, kind, created_at);
