-- Monitoring: alerts (one open alert per cause), their history, notification deliveries (an outbox:
-- nothing is lost while a receiver is down), the latest outcome of every check, API call samples and
-- intraday spend samples the checks learn from.

CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  account_id text REFERENCES ad_accounts(id) ON DELETE CASCADE,
  dedup_key text NOT NULL,
  check_name text NOT NULL,
  cause text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  title text NOT NULL,
  headline text NOT NULL,
  impact text,
  evidence jsonb NOT NULL DEFAULT '{}',
  suggested_action text NOT NULL,
  links jsonb NOT NULL DEFAULT '[]',
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  acknowledged_at timestamptz,
  acknowledged_by text,
  silenced_until timestamptz,
  silenced_by text,
  escalation_level integer NOT NULL DEFAULT 0,
  escalated_at timestamptz,
  resolved_at timestamptz,
  resolved_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One open (or acknowledged) alert per cause; a resolved cause that recurs opens a new alert.
CREATE UNIQUE INDEX alerts_one_per_cause ON alerts (workspace_id, dedup_key) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts (workspace_id, status, severity);

CREATE TABLE alert_events (
  id bigserial PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('opened', 'updated', 'acknowledged', 'silenced', 'escalated', 'resolved')),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  -- Routed to the notifiers yet (deliveries created)?
  dispatched boolean NOT NULL DEFAULT false
);
CREATE INDEX alert_events_undispatched ON alert_events (id) WHERE NOT dispatched;
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

CREATE TABLE alert_deliveries (
  id bigserial PRIMARY KEY,
  alert_event_id bigint NOT NULL REFERENCES alert_events(id) ON DELETE CASCADE,
  notifier text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  UNIQUE (alert_event_id, notifier)
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE check_results (
  workspace_id text NOT NULL REFERENCES workspaces(id),
  -- '' for workspace-wide checks.
  account_id text NOT NULL,
  check_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('ok', 'fail', 'skipped')),
  summary text NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}',
  checked_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, account_id, check_name)
);

CREATE TABLE monitor_api_calls (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  ok boolean NOT NULL,
  latency_ms integer NOT NULL,
  rate_limited boolean NOT NULL DEFAULT false,
  error text
);
CREATE INDEX monitor_api_calls_account ON monitor_api_calls (account_id, at DESC);

CREATE TABLE monitor_spend_samples (
  account_id text NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
  date date NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  spend_minor bigint NOT NULL,
  sampled_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, date, hour)
);
