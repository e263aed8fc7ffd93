-- API keys: one per client, bound to one workspace and one role. Only a SHA-256 hash of the secret is
-- stored; the full key (adp_<id>_<secret>) is shown once when it is created. Revoked keys stay for audit.

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at);
