import { createApiKey } from "../../src/api/keys/index.js";
import type { Store } from "../../src/store/index.js";
import { type ApiFixture, NOW, type SeededWorkspace } from "./fixture.js";

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** One request per authenticated route, aimed at a workspace's resources (the matrix runs it per role). */
export interface RouteCase {
  method: Method;
  route: string;
  /** The route addresses one resource by id: another workspace's key must get 404 (or 403 by role). */
  targeted: boolean;
  /** Builds the request; may first create throwaway resources in `target`. `tag` is unique per call. */
  request(f: ApiFixture, target: SeededWorkspace, tag: string): Promise<{ url: string; payload?: object }>;
}

async function throwawayAccount(store: Store, workspaceId: string, tag: string): Promise<string> {
  const id = `acc_tmp_${tag}`;
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency) VALUES ($1, $2, 'meta', $1, $1, 'USD')`,
    [id, workspaceId],
  );
  return id;
}

export const ROUTE_CASES: RouteCase[] = [
  { method: "GET", route: "/workspaces", targeted: false, request: async () => ({ url: "/workspaces" }) },
  { method: "GET", route: "/whoami", targeted: false, request: async () => ({ url: "/whoami" }) },
  {
    method: "POST",
    route: "/workspaces",
    targeted: false,
    request: async (_f, _t, tag) => ({
      url: "/workspaces",
      payload: { id: `ws-${tag}`, name: `Workspace ${tag}` },
    }),
  },
  { method: "GET", route: "/accounts", targeted: false, request: async () => ({ url: "/accounts" }) },
  {
    method: "GET",
    route: "/accounts/:accountId",
    targeted: true,
    request: async (_f, t) => ({ url: `/accounts/${t.accountId}` }),
  },
  {
    method: "POST",
    route: "/accounts",
    targeted: false,
    request: async (_f, _t, tag) => ({
      url: "/accounts",
      payload: { platform: "meta", externalId: `new-${tag}`, name: `New ${tag}`, currency: "EUR" },
    }),
  },
  {
    method: "POST",
    route: "/accounts/:accountId/pause",
    targeted: true,
    request: async (f, t, tag) => ({ url: `/accounts/${await throwawayAccount(f.store, t.id, tag)}/pause` }),
  },
  {
    method: "POST",
    route: "/accounts/:accountId/resume",
    targeted: true,
    request: async (f, t, tag) => {
      const id = await throwawayAccount(f.store, t.id, tag);
      await f.store.query("UPDATE ad_accounts SET status = 'paused' WHERE id = $1", [id]);
      return { url: `/accounts/${id}/resume` };
    },
  },
  {
    method: "DELETE",
    route: "/accounts/:accountId",
    targeted: true,
    request: async (f, t, tag) => ({ url: `/accounts/${await throwawayAccount(f.store, t.id, tag)}` }),
  },
  {
    method: "GET",
    route: "/accounts/:accountId/campaigns",
    targeted: true,
    request: async (_f, t) => ({ url: `/accounts/${t.accountId}/campaigns` }),
  },
  {
    method: "GET",
    route: "/accounts/:accountId/metrics",
    targeted: true,
    request: async (_f, t) => ({ url: `/accounts/${t.accountId}/metrics?by=campaign&grain=day` }),
  },
  {
    method: "GET",
    route: "/accounts/:accountId/config",
    targeted: true,
    request: async (_f, t) => ({ url: `/accounts/${t.accountId}/config` }),
  },
  {
    method: "PUT",
    route: "/accounts/:accountId/config",
    targeted: true,
    request: async (f, t, tag) => ({
      url: `/accounts/${await throwawayAccount(f.store, t.id, tag)}/config`,
      payload: { values: { killRoas: 0.6, "guardrails.velocity6h": 0.15 } },
    }),
  },
  { method: "GET", route: "/status", targeted: false, request: async () => ({ url: "/status" }) },
  { method: "GET", route: "/keys", targeted: false, request: async () => ({ url: "/keys" }) },
  {
    method: "POST",
    route: "/keys",
    targeted: false,
    request: async (_f, _t, tag) => ({ url: "/keys", payload: { role: "viewer", name: `key ${tag}` } }),
  },
  {
    method: "DELETE",
    route: "/keys/:keyId",
    targeted: true,
    request: async (f, t, tag) => {
      const key = await createApiKey(f.store, {
        workspaceId: t.id,
        role: "viewer",
        name: `doomed ${tag}`,
        now: NOW,
      });
      return { url: `/keys/${key.id}` };
    },
  },
];

/** Routes tested elsewhere (a stream never ends under inject): test/api/events.test.ts. */
export const STREAM_ROUTES = [{ method: "GET", route: "/events" }];

/**
 * Everything of one workspace that a request could change. last_used_at is left out: authenticating
 * updates it, which is bookkeeping, not a change to the workspace's data.
 */
export async function snapshotWorkspace(store: Store, workspaceId: string): Promise<string> {
  const tables = await Promise.all([
    store.query("SELECT * FROM workspaces WHERE id = $1", [workspaceId]),
    store.query("SELECT * FROM ad_accounts WHERE workspace_id = $1 ORDER BY id", [workspaceId]),
    store.query(
      `SELECT c.* FROM campaigns c JOIN ad_accounts a ON a.id = c.account_id WHERE a.workspace_id = $1
       ORDER BY c.account_id, c.external_id`,
      [workspaceId],
    ),
    store.query(
      `SELECT k.* FROM account_configs k JOIN ad_accounts a ON a.id = k.account_id WHERE a.workspace_id = $1
       ORDER BY k.account_id`,
      [workspaceId],
    ),
    store.query(
      "SELECT id, workspace_id, role, name, hash, created_at, revoked_at FROM api_keys WHERE workspace_id = $1 ORDER BY id",
      [workspaceId],
    ),
  ]);
  return JSON.stringify(tables);
}
