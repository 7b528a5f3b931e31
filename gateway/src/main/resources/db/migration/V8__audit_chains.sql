-- Several audit hash chains instead of one (docs/performance.md, "The audit chains").
--
-- With one chain every settlement locked its one head row until COMMIT, so settlements were
-- serialised at one WAL flush each, whatever the number of connections: PostgreSQL's group commit
-- (concurrent commits sharing one flush) could not happen. Now each entry belongs to a named
-- chain with its own head: settlements and reversals append to one of several chains per
-- hospital, chosen by the person (org.yizhan.gateway.audit.Audit), so concurrent settlements
-- lock different heads and commit together; everything else (identities, accounts, top-ups,
-- keys, logins) stays on the chain 'main', which holds every entry written before this
-- migration.
--
-- Each chain is what the single chain was: seq counts from 1 within the chain, hash = hex
-- SHA-256(prev_hash || seq|epoch microseconds of at|actor|action|entity_type|entity_id|details)
-- with the first prev_hash 64 zeros, and the head records the last entry. So the entries already
-- written verify unchanged as the chain 'main'. A chain is opened by its first append, which
-- also appends AUDIT_CHAIN_OPEN (entity audit_chain, id the chain's name) to 'main': a chain
-- removed whole, entries and head, still breaks 'main' or leaves its opening entry pointing at
-- nothing, and the verifier (org.yizhan.gateway.audit.AuditVerifier) reports both.
--
-- Lock order stays acyclic: a transaction appends to one chain, and only the opening of a new
-- chain also takes the head of 'main', always after the new chain's.
ALTER TABLE audit_log ADD COLUMN chain varchar(64) NOT NULL DEFAULT 'main';
ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE audit_head ADD COLUMN chain varchar(64) NOT NULL DEFAULT 'main';
ALTER TABLE audit_head ALTER COLUMN chain DROP DEFAULT;

-- The keys change too. jOOQ's schema simulation (H2) cannot drop PostgreSQL's implicitly named
-- constraints, so it does not see this part; no generated class of the two audit tables is used:
-- audit_append and the verifier are SQL of their own.
/* [jooq ignore start] */
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (chain, seq);
ALTER TABLE audit_head DROP COLUMN id;
ALTER TABLE audit_head ADD PRIMARY KEY (chain);

DROP FUNCTION audit_append(text, text, text, text, text);

CREATE FUNCTION audit_append(
    p_chain text, p_actor text, p_action text, p_entity_type text, p_entity_id text,
    p_details text)
  RETURNS bigint
  LANGUAGE plpgsql
AS $$
DECLARE
  head      audit_head%ROWTYPE;
  entry_at  timestamptz;
  next_seq  bigint;
  next_hash char(64);
BEGIN
  SELECT * INTO head FROM audit_head WHERE chain = p_chain FOR UPDATE;
  IF NOT FOUND THEN
    -- the chain's first entry: open it (a concurrent opener waits here for this one's commit,
    -- then finds the row), and record the opening on 'main'
    INSERT INTO audit_head (chain, seq, hash) VALUES (p_chain, 0, repeat('0', 64))
      ON CONFLICT (chain) DO NOTHING;
    IF FOUND THEN
      PERFORM audit_append('main', 'system', 'AUDIT_CHAIN_OPEN', 'audit_chain', p_chain, '{}');
    END IF;
    SELECT * INTO head FROM audit_head WHERE chain = p_chain FOR UPDATE;
  END IF;
  entry_at := clock_timestamp();
  next_seq := head.seq + 1;
  next_hash := encode(sha256(decode(head.hash, 'hex') || convert_to(concat_ws('|',
      next_seq::text,
      trunc(extract(epoch FROM entry_at) * 1000000)::bigint::text,
      p_actor, p_action, p_entity_type, p_entity_id, p_details), 'UTF8')), 'hex');
  UPDATE audit_head SET seq = next_seq, hash = next_hash WHERE chain = p_chain;
  INSERT INTO audit_log
      (chain, seq, at, actor, action, entity_type, entity_id, details, prev_hash, hash)
    VALUES (p_chain, next_seq, entry_at, p_actor, p_action, p_entity_type, p_entity_id,
            p_details, head.hash, next_hash);
  RETURN next_seq;
END;
$$;
/* [jooq ignore stop] */
