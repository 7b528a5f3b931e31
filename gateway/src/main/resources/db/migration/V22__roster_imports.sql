-- Roster imports as jobs (issue 17 item 5): a county's roster is hundreds of thousands of rows, so
-- its file is uploaded in parts, checked off the request into a plan, previewed by the clerk and
-- applied only on confirmation. Everything lives here, not in a gateway's memory, so that two
-- gateway instances behind one address can take the parts, the polls and the confirmation in
-- any order.
--
-- A job's life: UPLOADING (parts arrive) → CHECKING (read, checked and planned) → PREVIEW (the plan
-- is shown; nothing written) or REFUSED (lines refused; nothing can be written) → APPLYING →
-- APPLIED; or CANCELLED by the clerk at any point before APPLYING, or STALE when the roster changed
-- between the preview and the confirmation, or FAILED. updated_at is the heartbeat of the gateway
-- working on it: a CHECKING or APPLYING job whose heartbeat stopped was interrupted.
CREATE TABLE roster_import (
  id              uuid         NOT NULL PRIMARY KEY,
  office_code     char(6)      NOT NULL,
  created_by      varchar(64)  NOT NULL,
  created_at      timestamptz  NOT NULL,
  updated_at      timestamptz  NOT NULL,
  state           varchar(12)  NOT NULL
    CHECK (state IN ('UPLOADING', 'CHECKING', 'PREVIEW', 'REFUSED', 'APPLYING', 'APPLIED',
                     'CANCELLED', 'STALE', 'FAILED')),
  content_type    varchar(128),
  declared_bytes  bigint       NOT NULL CHECK (declared_bytes > 0),
  received_bytes  bigint       NOT NULL DEFAULT 0 CHECK (received_bytes >= 0),
  file_sha256     char(64),
  -- progress of the phase under way: done of total (bytes read while checking, rows written while
  -- applying); total 0 = not known yet
  done            bigint       NOT NULL DEFAULT 0,
  total           bigint       NOT NULL DEFAULT 0,
  rows_read       integer      NOT NULL DEFAULT 0,
  registered      integer      NOT NULL DEFAULT 0,
  changed         integer      NOT NULL DEFAULT 0,
  ended           integer      NOT NULL DEFAULT 0,
  unchanged       integer      NOT NULL DEFAULT 0,
  refused_lines   integer      NOT NULL DEFAULT 0,
  -- the first refused lines: [{line, kind, code, field, message}]
  refused         text         NOT NULL DEFAULT '[]',
  -- what the plan was made against: the current identity rows of the file's persons, counted and
  -- hashed (md5 of their ids in order); the confirmation applies the plan only if they are the same
  basis_rows      bigint,
  basis_md5       char(32),
  checked_at      timestamptz,
  finished_at     timestamptz,
  -- why a STALE or FAILED job stopped: {code, field, message}
  failure         text
);
CREATE INDEX roster_import_created ON roster_import (created_at);

-- The uploaded file in parts (each at most 1 MiB), kept until the check has read them.
CREATE TABLE roster_import_part (
  import_id  uuid     NOT NULL REFERENCES roster_import (id) ON DELETE CASCADE,
  seq        integer  NOT NULL CHECK (seq >= 0),
  bytes      bytea    NOT NULL,
  PRIMARY KEY (import_id, seq)
);

-- The checked rows of a file and their plan: NEW (a new identity), CHANGE or END (the next version
-- of the recorded one, supersedes; END when it gives the identity an end date it had not, or an
-- earlier one), SAME (unchanged, nothing written). Kept until the job is applied or cancelled.
CREATE TABLE roster_import_row (
  import_id        uuid         NOT NULL REFERENCES roster_import (id) ON DELETE CASCADE,
  line             integer      NOT NULL,
  person_id_no     varchar(32)  NOT NULL,
  person_name      text,
  category         varchar(20)  NOT NULL,
  valid_from       date         NOT NULL,
  valid_to         date,
  confirmed        boolean      NOT NULL,
  lifted_out_date  date,
  action           varchar(6)   NOT NULL DEFAULT 'NEW'
    CHECK (action IN ('NEW', 'CHANGE', 'END', 'SAME')),
  supersedes       bigint,
  identity_id      uuid,
  version          integer,
  PRIMARY KEY (import_id, line)
);
