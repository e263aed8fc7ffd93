-- Foundation: tenants, ad accounts and their entities, performance facts, CRM pipeline events,
-- per-account configuration and import history. Money columns are integer minor units (bigint)
-- of the account currency; dates are local to the account's time zone.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ad_accounts (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  platform text NOT NULL CHECK (platform IN ('google', 'meta', 'tiktok', 'linkedin', 'csv', 'sandbox')),
  external_id text NOT NULL,
  name text NOT NULL,
  currency char(3) NOT NULL,
  time_zone text NOT NULL DEFAULT 'UTC',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'removed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, platform, external_id)
);

CREATE TABLE campaigns (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text,
  channel text NOT NULL DEFAULT 'other',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'removed')),
  daily_budget_minor bigint CHECK (daily_budget_minor >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, external_id)
);

CREATE TABLE ad_groups (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  campaign_external_id text NOT NULL,
  name text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'removed')),
  daily_budget_minor bigint CHECK (daily_budget_minor >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, external_id)
);

CREATE TABLE creatives (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  hook_type text,
  visual_style text,
  emotion text,
  cta text,
  PRIMARY KEY (account_id, external_id)
);

CREATE TABLE ads (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  ad_group_external_id text NOT NULL,
  campaign_external_id text NOT NULL,
  name text,
  creative_id text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'removed')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, external_id)
);

-- Seed 002's standardized schema. adgroup_id / ad_id are '' when the report has no such level.
-- ctr, cvr, avg_cpc, cac and roas are derived in queries, never stored.
CREATE TABLE performance_daily (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  date date NOT NULL,
  campaign_id text NOT NULL,
  adgroup_id text NOT NULL DEFAULT '',
  ad_id text NOT NULL DEFAULT '',
  impressions bigint NOT NULL CHECK (impressions >= 0),
  clicks bigint NOT NULL CHECK (clicks >= 0),
  cost_minor bigint NOT NULL CHECK (cost_minor >= 0),
  conversions double precision NOT NULL CHECK (conversions >= 0),
  revenue_minor bigint NOT NULL CHECK (revenue_minor >= 0),
  name_hash text,
  extras jsonb,
  source text NOT NULL DEFAULT 'import',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, date, campaign_id, adgroup_id, ad_id)
);
CREATE INDEX performance_daily_campaign_date ON performance_daily (account_id, campaign_id, date);

CREATE TABLE performance_hourly (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  date date NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  campaign_id text NOT NULL,
  adgroup_id text NOT NULL DEFAULT '',
  ad_id text NOT NULL DEFAULT '',
  impressions bigint NOT NULL CHECK (impressions >= 0),
  clicks bigint NOT NULL CHECK (clicks >= 0),
  cost_minor bigint NOT NULL CHECK (cost_minor >= 0),
  conversions double precision NOT NULL CHECK (conversions >= 0),
  revenue_minor bigint NOT NULL CHECK (revenue_minor >= 0),
  extras jsonb,
  source text NOT NULL DEFAULT 'sync',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, date, hour, campaign_id, adgroup_id, ad_id)
);

CREATE TABLE pipeline_events (
  id bigserial PRIMARY KEY,
  account_id text REFERENCES ad_accounts(id) ON DELETE SET NULL,
  deal_id text NOT NULL,
  stage text NOT NULL,
  value_minor bigint,
  currency char(3),
  occurred_at timestamptz NOT NULL,
  click_ids jsonb NOT NULL DEFAULT '{}',
  utm jsonb NOT NULL DEFAULT '{}',
  ad_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (deal_id, stage, occurred_at)
);
CREATE INDEX pipeline_events_unmapped ON pipeline_events (created_at) WHERE ad_id IS NULL;

CREATE TABLE account_configs (
  account_id text PRIMARY KEY REFERENCES ad_accounts(id) ON DELETE CASCADE,
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL DEFAULT 'system'
);

CREATE TABLE import_runs (
  id bigserial PRIMARY KEY,
  file text NOT NULL,
  preset text NOT NULL,
  rows_read bigint NOT NULL,
  rows_inserted bigint NOT NULL,
  rows_updated bigint NOT NULL,
  rows_unchanged bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO workspaces (id, name) VALUES ('default', 'Default workspace');
