-- Impact simulations as stored runs (issue 19 item 4): any instance answers a run's progress and
-- result, and a run whose instance stopped is shown FAILED, never left running.
--
-- The replay runs on the instance that was asked (a worker thread and a read-only snapshot of its
-- own); this row is what that instance writes as it goes (progress and heartbeat every few seconds)
-- and at the end (the figures, as JSON: bounded, some kilobytes to a few megabytes), and what every
-- instance reads. A RUNNING row whose heartbeat is older than Simulations.STALE_SECONDS belonged to
-- an instance that stopped: the first reader marks it FAILED. A simulation writes nothing else.
CREATE TABLE simulation_run (
  run_id           uuid          PRIMARY KEY,
  region           char(6)       NOT NULL,
  scheme           varchar(16)   NOT NULL,
  -- the candidate: its policy id (region/scheme/name) and, when a stored version, that version's id
  candidate_policy varchar(48)   NOT NULL,
  candidate_version bigint,
  -- the versions in force the replay compared with (the book's, one per claim's date), once DONE
  in_force_policies text,
  period_from      date          NOT NULL,
  period_to        date          NOT NULL,
  state            varchar(8)    NOT NULL CHECK (state IN ('RUNNING', 'DONE', 'FAILED')),
  -- progress: settlements replayed so far, of how many (-1 until counted)
  claims_done      bigint        NOT NULL DEFAULT 0,
  claims_total     bigint        NOT NULL DEFAULT -1,
  -- the figures, once DONE (simulation.ImpactJson's form)
  result           text,
  refusal_code     varchar(40),
  refusal_field    text,
  refusal_message  text,
  requested_by     varchar(64)   NOT NULL,
  requested_at     timestamptz   NOT NULL,
  heartbeat_at     timestamptz   NOT NULL,
  finished_at      timestamptz,
  CHECK ((state = 'DONE') = (result IS NOT NULL)),
  CHECK (period_to >= period_from)
);
CREATE INDEX simulation_run_region ON simulation_run (region, requested_at);
