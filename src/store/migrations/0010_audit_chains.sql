-- One audit chain per account (and one per workspace for entries about no account) instead of one for
-- everything: appends for different accounts no longer queue behind one lock, so cycles for many
-- accounts record their proposals in parallel. Entries written before this migration keep chain NULL
-- and stay verifiable as the old global chain. Sequence numbers now come from a sequence, drawn after
-- the chain's lock, so they still increase along every chain.
ALTER TABLE audit_log ADD COLUMN chain text;
CREATE INDEX audit_log_chain_head ON audit_log (chain, seq DESC);
CREATE SEQUENCE audit_log_seq OWNED BY audit_log.seq;
SELECT setval('audit_log_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false);

-- Locks the chains (in a fixed order, so two writers cannot deadlock), then, with a snapshot taken
-- after the locks are granted (a VOLATILE function's queries each take a fresh one under READ
-- COMMITTED), returns each chain's last hash and `entries` new sequence numbers:
-- {"heads": [{"chain": ..., "hash": ...}], "seqs": [...]}.
CREATE FUNCTION audit_lock_chains(chains text[], entries integer) RETURNS json
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT DISTINCT x FROM unnest(chains) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(727401602, hashtext(c));
  END LOOP;
  RETURN json_build_object(
    'heads', (SELECT coalesce(json_agg(json_build_object('chain', k.chain, 'hash', h.hash)), '[]'::json)
              FROM unnest(chains) AS k(chain)
              CROSS JOIN LATERAL (SELECT hash FROM audit_log WHERE audit_log.chain = k.chain
                                  ORDER BY seq DESC LIMIT 1) AS h),
    'seqs', (SELECT coalesce(json_agg(nextval('audit_log_seq')), '[]'::json) FROM generate_series(1, entries)));
END
$$;

DROP FUNCTION audit_lock_head(bigint);
