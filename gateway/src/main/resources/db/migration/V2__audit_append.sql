-- Appends one entry to the hash-chained audit log and returns its sequence number.
--
-- The entry's canonical text is
--   seq|epoch microseconds of at|actor|action|entity_type|entity_id|details
-- and hash = lower-case hex of SHA-256(prev_hash bytes || UTF-8 bytes of that text), the first
-- entry's prev_hash being 64 zeros. The verifier
-- (org.yizhan.gateway.audit.AuditVerifier) recomputes the chain from the rows in Java, so a row
-- altered or removed after the fact breaks the chain at that point. Locking audit_head orders
-- appends across transactions and instances; callers append last, just before COMMIT, so the
-- lock is held for the commit alone.
/* [jooq ignore start] */
CREATE FUNCTION audit_append(
    p_actor text, p_action text, p_entity_type text, p_entity_id text, p_details text)
  RETURNS bigint
  LANGUAGE plpgsql
AS $$
DECLARE
  head      audit_head%ROWTYPE;
  entry_at  timestamptz := clock_timestamp();
  next_seq  bigint;
  next_hash char(64);
BEGIN
  SELECT * INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
  next_seq := head.seq + 1;
  next_hash := encode(sha256(decode(head.hash, 'hex') || convert_to(concat_ws('|',
      next_seq::text,
      trunc(extract(epoch FROM entry_at) * 1000000)::bigint::text,
      p_actor, p_action, p_entity_type, p_entity_id, p_details), 'UTF8')), 'hex');
  UPDATE audit_head SET seq = next_seq, hash = next_hash WHERE id = 1;
  INSERT INTO audit_log (seq, at, actor, action, entity_type, entity_id, details, prev_hash, hash)
    VALUES (next_seq, entry_at, p_actor, p_action, p_entity_type, p_entity_id, p_details,
            head.hash, next_hash);
  RETURN next_seq;
END;
$$;

-- The log is append-only: rows may be inserted (by audit_append) but never changed or removed.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
/* [jooq ignore stop] */
