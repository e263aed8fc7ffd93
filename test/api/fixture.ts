import type { FastifyInstance } from "fastify";
import { ROLES, type Role } from "../../src/api/auth/roles.js";
import type { ApiDeps, ApiLimits, ServiceStatusProvider } from "../../src/api/deps.js";
import { buildApiServer } from "../../src/api/index.js";
import { createApiKey } from "../../src/api/keys/index.js";
import { createEventBus, type EventBus } from "../../src/service/event-bus.js";
import { type EngineName, openTestStore, type TestStore } from "../support/stores.js";

export const NOW = new Date("2025-03-10T12:00:00.000Z");

/** Per workspace: one key per role, one account with campaigns and a week of performance. */
export interface SeededWorkspace {
  id: string;
  accountId: string;
  keys: Record<Role, string>;
  keyIds: Record<Role, string>;
}

export interface ApiFixture {
  store: TestStore;
  events: EventBus;
  app: FastifyInstance;
  a: SeededWorkspace;
  b: SeededWorkspace;
  close(): Promise<void>;
}

async function seedWorkspace(store: TestStore, id: string, accountId: string): Promise<SeededWorkspace> {
  if (id !== "default")
    await store.query("INSERT INTO workspaces (id, name) VALUES ($1, $2)", [id, `Workspace ${id}`]);
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     VALUES ($1, $2, 'google', $3, $4, 'USD', 'UTC')`,
    [accountId, id, `ext-${accountId}`, `Account ${accountId}`],
  );
  await store.query(
    `INSERT INTO campaigns (account_id, external_id, name, channel, daily_budget_minor) VALUES
     ($1, 'c1', 'Search brand', 'search', 5000), ($1, 'c2', 'Shopping', 'shopping', 8000)`,
    [accountId],
  );
  await store.query(
    `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
     SELECT $1, d::date, c, 1000, 50, 4000, 2, 12000
     FROM generate_series('2025-03-01'::date, '2025-03-07'::date, '1 day') d, unnest(ARRAY['c1', 'c2']) c`,
    [accountId],
  );
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const created = await createApiKey(store, { workspaceId: id, role, name: `${role} of ${id}`, now: NOW });
    keys[role] = created.key;
    keyIds[role] = created.id;
  }
  return { id, accountId, keys, keyIds };
}

export const fixedStatus: ServiceStatusProvider = {
  status: (workspaceId) => ({ state: "running", workspaceId, accounts: 1 }),
};

export async function openApiFixture(
  engine: EngineName,
  options: { limits?: ApiLimits; deps?: Partial<ApiDeps> } = {},
): Promise<ApiFixture> {
  const store = await openTestStore(engine);
  const a = await seedWorkspace(store, "default", "acc_a");
  const b = await seedWorkspace(store, "other", "acc_b");
  const events = createEventBus();
  const app = await buildApiServer({
    store,
    events,
    clock: () => NOW,
    status: fixedStatus,
    limits: options.limits,
    ...options.deps,
  });
  return {
    store,
    events,
    app,
    a,
    b,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
