-- Many audit entries in one statement, for a batch of settlements (group commit, issue 18;
-- docs/architecture.md, "The batch transaction").
--
-- audit_append_all appends the i-th entry of its parallel arrays for i = 1..n, in that order, each
-- exactly as audit_append (V8) appends one: same chains, same heads, same hashes, so the verifier
-- is unchanged. The caller orders the entries by chain (and keeps a chain's entries in the order
-- they happened), so a batch locks the heads it needs in one sorted order. One statement instead
-- of one per entry: the protocol's and the executor's work per statement is paid once a batch.
/* [jooq ignore start] */
CREATE FUNCTION audit_append_all(
    p_chains text[], p_actors text[], p_actions text[], p_entity_types text[],
    p_entity_ids text[], p_details text[])
  RETURNS bigint
  LANGUAGE plpgsql
AS $$
DECLARE
  n bigint := 0;
BEGIN
  IF cardinality(p_actors) <> cardinality(p_chains)
      OR cardinality(p_actions) <> cardinality(p_chains)
      OR cardinality(p_entity_types) <> cardinality(p_chains)
      OR cardinality(p_entity_ids) <> cardinality(p_chains)
      OR cardinality(p_details) <> cardinality(p_chains) THEN
    RAISE EXCEPTION 'audit_append_all: arrays of different lengths';
  END IF;
  FOR i IN 1 .. coalesce(cardinality(p_chains), 0) LOOP
    PERFORM audit_append(p_chains[i], p_actors[i], p_actions[i], p_entity_types[i],
                         p_entity_ids[i], p_details[i]);
    n := n + 1;
  END LOOP;
  RETURN n;
END;
$$;
/* [jooq ignore stop] */
