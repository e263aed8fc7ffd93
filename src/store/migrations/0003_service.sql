-- The continuous optimization service: which accounts it runs, every cycle with its checkpoint,
-- the decisions and allocations each cycle made, saved model state, MMM fits and lab worlds.

CREATE TABLE service_accounts (
  account_id text PRIMARY KEY REFERENCES ad_accounts(id) ON DELETE CASCADE,
  active boolean NOT NULL DEFAULT true,
  interval_seconds integer NOT NULL DEFAULT 900 CHECK (interval_seconds > 0),
  -- Daily budget the service distributes across the account's arms (minor units).
  daily_budget_minor bigint NOT NULL CHECK (daily_budget_minor >= 0),
  -- Which level is an arm: 'campaign' or 'ad_group'.
  arm_level text NOT NULL DEFAULT 'campaign' CHECK (arm_level IN ('campaign', 'ad_group')),
  seed bigint NOT NULL DEFAULT 1,
  -- For sandbox accounts: the lab scenario and the simulated clock.
  scenario text,
  sim_time timestamptz,
  next_cycle_no integer NOT NULL DEFAULT 1,
  next_run_at timestamptz NOT NULL DEFAULT now(),
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cycles (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  cycle_no integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  attempts integer NOT NULL DEFAULT 1,
  sim_time timestamptz,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms integer,
  error text,
  summary jsonb,
  PRIMARY KEY (account_id, cycle_no)
);

CREATE TABLE decisions (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  cycle_no integer NOT NULL,
  arm_id text NOT NULL,
  channel text NOT NULL,
  action text NOT NULL CHECK (action IN ('OBSERVE', 'KILL', 'SCALE', 'MAINTAIN')),
  confidence double precision NOT NULL,
  reason text NOT NULL,
  explanation text NOT NULL,
  factors jsonb NOT NULL,
  numbers jsonb NOT NULL,
  propensity double precision NOT NULL,
  current_budget_minor bigint,
  target_budget_minor bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, cycle_no, arm_id)
);
CREATE INDEX decisions_arm ON decisions (account_id, arm_id, cycle_no DESC);

CREATE TABLE allocations (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  cycle_no integer NOT NULL,
  arm_id text NOT NULL,
  channel text NOT NULL,
  budget_minor bigint NOT NULL CHECK (budget_minor >= 0),
  share double precision NOT NULL,
  PRIMARY KEY (account_id, cycle_no, arm_id)
);

CREATE TABLE model_states (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  kind text NOT NULL,
  version integer NOT NULL,
  cycle_no integer NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, kind)
);

CREATE TABLE mmm_fits (
  id bigserial PRIMARY KEY,
  account_id text REFERENCES ad_accounts(id) ON DELETE CASCADE,
  fitted_at timestamptz NOT NULL DEFAULT now(),
  data_from date,
  data_to date,
  mode text NOT NULL,
  result jsonb NOT NULL,
  converged boolean NOT NULL
);
CREATE INDEX mmm_fits_account ON mmm_fits (account_id, fitted_at DESC);

-- The sandbox platform's world, saved with each cycle's checkpoint so a restart resumes it exactly.
CREATE TABLE lab_worlds (
  account_id text PRIMARY KEY REFERENCES ad_accounts(id) ON DELETE CASCADE,
  scenario text NOT NULL,
  seed bigint NOT NULL,
  cycle_no integer NOT NULL,
  snapshot bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lab_runs (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  scenario text NOT NULL,
  params jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  progress double precision NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
