-- Register imports as jobs stored in PostgreSQL (issue 15): any instance answers a job's progress
-- and result, and a job whose instance stopped is shown FAILED, never left running.
--
-- The file itself is on the instance the parts were sent to (a temporary file, up to 16 GiB), and
-- the import runs there; this row is what that instance writes as it goes (every few seconds and
-- at each change of state) and what every instance reads. A row still UPLOADING or RUNNING whose
-- heartbeat is older than ImportJobs.STALE_SECONDS belonged to an instance that stopped: the first
-- reader marks it FAILED. The import is all or nothing, so a failed job wrote nothing.
CREATE TABLE insured_import (
  import_id        uuid          PRIMARY KEY,
  region           char(6)       NOT NULL,
  state            varchar(10)   NOT NULL
    CHECK (state IN ('UPLOADING', 'RUNNING', 'DONE', 'REFUSED', 'FAILED')),
  bytes            bigint        NOT NULL DEFAULT 0,
  rows_read        bigint        NOT NULL DEFAULT 0,
  rows_validated   bigint        NOT NULL DEFAULT 0,
  rows_written     bigint        NOT NULL DEFAULT 0,
  rows_unchanged   bigint        NOT NULL DEFAULT 0,
  file_sha256      char(64),
  -- the refusal (or failure) that ended the job; its lines are insured_import_refusal
  refusal_code     varchar(40),
  refusal_field    text,
  refusal_message  text,
  started_by       varchar(64)   NOT NULL,
  created_at       timestamptz   NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  heartbeat_at     timestamptz   NOT NULL
);
CREATE INDEX insured_import_region ON insured_import (region, created_at);

-- Every bad line of a refused file (up to ImportJobs.MAX_REFUSALS), in line order: the agency
-- mends them all at once rather than one per upload.
CREATE TABLE insured_import_refusal (
  import_id  uuid          NOT NULL REFERENCES insured_import (import_id) ON DELETE CASCADE,
  seq        integer       NOT NULL,
  line       bigint,
  code       varchar(40)   NOT NULL,
  field      text,
  message    text          NOT NULL,
  PRIMARY KEY (import_id, seq)
);
