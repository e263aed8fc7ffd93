-- The arms' statistics a cycle plans with (discounted sums over the last 28 days, spend averages,
-- fatigue inputs, first day of data) are sums over stored days before the planning date, and those
-- days rarely change: only a re-read of the lookback window or an import writes them. A cycle stores
-- what it computed, keyed by the version of the account's days, and the next cycle on the same date
-- reuses it while no day before that date has changed.

-- A version per account and day, bumped (from one sequence) by any statement that writes that day's
-- rows: the largest version over the days before a date changes exactly when one of them does.
CREATE SEQUENCE performance_version_seq;
CREATE TABLE performance_versions (
  account_id text NOT NULL,
  date date NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (account_id, date)
);

-- Gives each (account, date) pair a new version: the one place versions are bumped, by the triggers
-- below and by a bulk import that skips them.
CREATE FUNCTION performance_days_changed(account_ids text[], dates date[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  INSERT INTO performance_versions (account_id, date, version)
    SELECT account_id, date, nextval('performance_version_seq')
      FROM (SELECT DISTINCT account_id, date FROM unnest(account_ids, dates) AS d(account_id, date)) d
    ON CONFLICT (account_id, date) DO UPDATE SET version = EXCLUDED.version;
$$;

-- The days a statement wrote: its new rows' days, and for updates and deletes the old rows' days too.
CREATE FUNCTION performance_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM performance_days_changed(array_agg(account_id), array_agg(date))
      FROM (SELECT DISTINCT account_id, date FROM new_rows) d;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM performance_days_changed(array_agg(account_id), array_agg(date))
      FROM (SELECT account_id, date FROM new_rows UNION SELECT account_id, date FROM old_rows) d;
  ELSE
    PERFORM performance_days_changed(array_agg(account_id), array_agg(date))
      FROM (SELECT DISTINCT account_id, date FROM old_rows) d;
  END IF;
  RETURN NULL;
END
$$;

-- Statement-level (one bump per statement and day, not per row). A bulk import that skips triggers
-- (session_replication_role = replica, see src/store/import/account-key-check.ts) bumps them itself.
CREATE TRIGGER performance_daily_versions_insert AFTER INSERT ON performance_daily
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_versions_bump();
CREATE TRIGGER performance_daily_versions_update AFTER UPDATE ON performance_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_versions_bump();
CREATE TRIGGER performance_daily_versions_delete AFTER DELETE ON performance_daily
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_versions_bump();

-- TRUNCATE names no rows: every cached statistic goes.
CREATE FUNCTION performance_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM arm_stats_cache;
  RETURN NULL;
END
$$;

SELECT performance_days_changed(array_agg(account_id), array_agg(date))
  FROM (SELECT DISTINCT account_id, date FROM performance_daily) d;

-- One row per account and arm level: the statistics of the last date computed, the options they were
-- computed with, and the largest day version before that date at the time.
CREATE TABLE arm_stats_cache (
  account_id text NOT NULL,
  level text NOT NULL,
  as_of date NOT NULL,
  options text NOT NULL,
  version bigint NOT NULL,
  stats jsonb NOT NULL,
  PRIMARY KEY (account_id, level)
);

CREATE TRIGGER performance_daily_truncated AFTER TRUNCATE ON performance_daily
  FOR EACH STATEMENT EXECUTE FUNCTION performance_truncated();
