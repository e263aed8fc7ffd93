-- Governance: proposals (the changefeed), approvals, applied-change snapshots, analyst overrides with
-- impact tracking, domain hints, and the append-only, hash-chained audit log.
-- Money is integer minor units of the account currency inside the jsonb values ({"dailyBudgetMinor": n}).

CREATE TABLE proposals (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  account_id text NOT NULL REFERENCES ad_accounts(id),
  entity_level text NOT NULL CHECK (entity_level IN ('campaign', 'ad_group', 'ad')),
  entity_id text NOT NULL,
  campaign_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('daily_budget', 'bid', 'status', 'creative', 'targeting')),
  currency char(3) NOT NULL,
  before_value jsonb NOT NULL,
  after_value jsonb NOT NULL,
  -- what was asked for before the guardrails clipped it, and every clip as a reason
  requested_value jsonb NOT NULL,
  guardrail_reasons jsonb NOT NULL DEFAULT '[]',
  guardrail_inputs jsonb NOT NULL DEFAULT '{}',
  reason text NOT NULL,
  factors jsonb NOT NULL DEFAULT '[]',
  model_versions jsonb NOT NULL DEFAULT '{}',
  mode text NOT NULL CHECK (mode IN ('shadow', 'canary', 'live')),
  origin text NOT NULL CHECK (origin IN ('optimizer', 'analyst', 'override', 'rollback')),
  cycle_id text,
  override_id bigint,
  rolls_back jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  content_hash text NOT NULL,
  requires_approval boolean NOT NULL,
  approval_reasons jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'expired', 'applied', 'failed', 'rolled_back')),
  status_changed_at timestamptz NOT NULL,
  status_changed_by text NOT NULL,
  status_comment text,
  expires_at timestamptz NOT NULL,
  -- executor bookkeeping
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  applied_at timestamptz
);
CREATE INDEX proposals_account_status ON proposals (account_id, status, id);
CREATE INDEX proposals_cycle ON proposals (account_id, cycle_id) WHERE cycle_id IS NOT NULL;

CREATE TABLE approvals (
  id bigserial PRIMARY KEY,
  proposal_id bigint NOT NULL REFERENCES proposals(id),
  revision integer NOT NULL,
  content_hash text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  actor text NOT NULL,
  comment text,
  decided_at timestamptz NOT NULL,
  -- one decision per revision: approving twice is refused by the database as well
  UNIQUE (proposal_id, revision)
);

-- One row per proposal that reached the platform: the snapshot rollback restores.
CREATE TABLE applied_changes (
  id bigserial PRIMARY KEY,
  proposal_id bigint NOT NULL UNIQUE REFERENCES proposals(id),
  account_id text NOT NULL REFERENCES ad_accounts(id),
  entity_level text NOT NULL,
  entity_id text NOT NULL,
  campaign_id text NOT NULL,
  kind text NOT NULL,
  before_state jsonb NOT NULL,
  after_state jsonb NOT NULL,
  before_numeric bigint,
  after_numeric bigint,
  idempotency_key text NOT NULL UNIQUE,
  platform_response jsonb,
  reconciled boolean NOT NULL DEFAULT false,
  applied_at timestamptz NOT NULL,
  applied_by text NOT NULL
);
CREATE INDEX applied_changes_account_time ON applied_changes (account_id, applied_at);

CREATE TABLE overrides (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  account_id text NOT NULL REFERENCES ad_accounts(id),
  kind text NOT NULL CHECK (kind IN ('pin_budget', 'pin_share', 'pause', 'forbid')),
  entity_level text,
  entity_id text,
  channel text,
  value jsonb NOT NULL DEFAULT '{}',
  justification text NOT NULL CHECK (length(btrim(justification)) >= 10),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_by text,
  end_reason text,
  CHECK (expires_at > created_at),
  CHECK (entity_id IS NOT NULL OR channel IS NOT NULL)
);
CREATE INDEX overrides_account_active ON overrides (account_id, expires_at) WHERE ended_at IS NULL;

ALTER TABLE proposals ADD CONSTRAINT proposals_override_fk FOREIGN KEY (override_id) REFERENCES overrides(id);

-- Outcome of an overridden entity against the model's counterfactual of what the optimizer would have done.
CREATE TABLE override_impacts (
  override_id bigint NOT NULL REFERENCES overrides(id),
  period_from date NOT NULL,
  period_to date NOT NULL,
  metric text NOT NULL,
  actual double precision NOT NULL,
  counterfactual double precision NOT NULL,
  counterfactual_low double precision,
  counterfactual_high double precision,
  model_version text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (override_id, period_from, period_to, metric),
  CHECK (period_to >= period_from)
);

-- "Q4 is always strong": a multiplier on a date range for a channel, taken by the models as a prior.
CREATE TABLE domain_hints (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  account_id text REFERENCES ad_accounts(id),
  channel text NOT NULL,
  multiplier double precision NOT NULL CHECK (multiplier > 0),
  date_from date NOT NULL,
  date_to date NOT NULL,
  justification text NOT NULL CHECK (length(btrim(justification)) >= 10),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_by text,
  CHECK (date_to >= date_from)
);

-- Append-only audit trail, hash-chained: hash = sha256(prev_hash, canonical JSON of the entry).
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  at timestamptz NOT NULL,
  workspace_id text NOT NULL,
  account_id text,
  actor text NOT NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  before jsonb,
  after jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
