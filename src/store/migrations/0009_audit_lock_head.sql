-- The audit chain's lock and its head in one round trip. A VOLATILE function takes a fresh snapshot for
-- each query it runs (READ COMMITTED), so the SELECT below, run after the lock is granted, sees the
-- entry the previous holder committed; a plain statement would read with the snapshot it started with.
CREATE FUNCTION audit_lock_head(lock_key bigint) RETURNS SETOF audit_log
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  RETURN QUERY SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1;
END
$$;
