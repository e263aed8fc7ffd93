-- Connectors: platform credentials encrypted at rest, sync state per ad account, webhook receipts
-- and counters, CRM deal links (click ids / UTMs per deal), the offline-conversion upload log and
-- the files a CSV drop folder has imported.

-- AES-256-GCM under ADPILOT_SECRET_KEY: base64 ciphertext, 12-byte iv and 16-byte tag. The key's
-- fingerprint (first 16 hex digits of its SHA-256) names the key a row was written with.
CREATE TABLE connector_credentials (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  platform text NOT NULL CHECK (platform IN ('google', 'meta', 'tiktok', 'linkedin', 'hubspot')),
  ciphertext text NOT NULL,
  iv text NOT NULL,
  tag text NOT NULL,
  key_fingerprint text NOT NULL,
  -- non-secret connection settings (base URL, API version, manager account id)
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, platform)
);

CREATE TABLE connector_sync_state (
  account_id text PRIMARY KEY REFERENCES ad_accounts(id) ON DELETE CASCADE,
  -- last local date whose data was synced; the next sync re-reads a trailing window before it
  synced_through date,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  rows_last_sync bigint NOT NULL DEFAULT 0,
  error_count bigint NOT NULL DEFAULT 0,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error text,
  last_error_at timestamptz
);

-- Deliveries already processed (HubSpot retries and duplicates events).
CREATE TABLE webhook_receipts (
  source text NOT NULL,
  event_key text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb NOT NULL,
  PRIMARY KEY (source, event_key)
);

-- received, duplicates, rejected_signature, mapped, unmapped ... per source and workspace.
CREATE TABLE webhook_counters (
  source text NOT NULL,
  workspace_id text NOT NULL,
  counter text NOT NULL,
  value bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, workspace_id, counter)
);

-- What we know about a CRM deal's origin: click ids and UTMs captured with the lead, the resolved ad.
CREATE TABLE crm_deal_links (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source text NOT NULL,
  deal_id text NOT NULL,
  account_id text REFERENCES ad_accounts(id) ON DELETE SET NULL,
  ad_id text,
  click_ids jsonb NOT NULL DEFAULT '{}',
  utm jsonb NOT NULL DEFAULT '{}',
  value_minor bigint,
  currency char(3),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, source, deal_id)
);

-- Every offline-conversion payload built, sent (live) or only logged for review (shadow).
CREATE TABLE offline_conversion_uploads (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  platform text NOT NULL CHECK (platform IN ('google', 'meta')),
  destination text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('shadow', 'live')),
  event_count integer NOT NULL CHECK (event_count >= 0),
  payload jsonb NOT NULL,
  response jsonb,
  status text NOT NULL CHECK (status IN ('logged', 'sent', 'failed')),
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offline_conversion_uploads_recent ON offline_conversion_uploads (workspace_id, created_at);

-- Files a CSV drop folder imported, by content hash: a file seen again is skipped.
CREATE TABLE csv_drop_files (
  folder text NOT NULL,
  sha256 text NOT NULL,
  file_name text NOT NULL,
  rows_read bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('imported', 'rejected')),
  error text,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (folder, sha256)
);
