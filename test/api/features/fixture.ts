import type { FastifyInstance } from "fastify";
import { ROLES, type Role } from "../../../src/api/auth/roles.js";
import type { FeatureDeps } from "../../../src/api/features/index.js";
import { featureRoutes } from "../../../src/api/features/index.js";
import { buildApiServer, createApiKey } from "../../../src/api/index.js";
import { createGovernance, type Governance, systemActor } from "../../../src/governance/index.js";
import { createRng } from "../../../src/models/random/index.js";
import { createEventBus, type EventBus, type ServiceEvent } from "../../../src/service/event-bus.js";
import type { Store } from "../../../src/store/index.js";
import { type EngineName, openTestStore, type TestStore } from "../../support/stores.js";

export const NOW = new Date("2025-03-10T12:00:00.000Z");

export interface Workspace {
  id: string;
  accountId: string;
  keys: Record<Role, string>;
  keyIds: Record<Role, string>;
}

export interface FeatureFixture {
  store: TestStore;
  events: EventBus;
  /** Every event published, in order. */
  published: ServiceEvent[];
  governance: Governance;
  app: FastifyInstance;
  /** The workspace under test and another one whose data must never show. */
  a: Workspace;
  b: Workspace;
  now: () => Date;
  setNow(at: Date): void;
  close(): Promise<void>;
}

export async function createKeys(
  store: Store,
  workspaceId: string,
): Promise<Pick<Workspace, "keys" | "keyIds">> {
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const created = await createApiKey(store, {
      workspaceId,
      role,
      name: `${role} of ${workspaceId}`,
      now: NOW,
    });
    keys[role] = created.key;
    keyIds[role] = created.id;
  }
  return { keys, keyIds };
}

/**
 * A workspace with one Google account (USD), two campaigns with budgets and two weeks of performance,
 * so governance can propose against it. Mode shadow: every proposal waits for a person.
 */
export async function seedWorkspace(store: Store, id: string, accountId: string): Promise<Workspace> {
  await store.query("INSERT INTO workspaces (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [
    id,
    `Workspace ${id}`,
  ]);
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
     SELECT $1, d::date, c, 1000, 50, CASE c WHEN 'c1' THEN 4800 ELSE 7800 END, 2, 12000
     FROM generate_series('2025-02-24'::date, '2025-03-09'::date, '1 day') d, unnest(ARRAY['c1', 'c2']) c`,
    [accountId],
  );
  return { id, accountId, ...(await createKeys(store, id)) };
}

/** A proposal from the optimizer (system user) waiting for approval. */
export async function propose(
  f: Pick<FeatureFixture, "governance">,
  ws: Workspace,
  campaign: string,
  dailyBudgetMinor: number,
  cycleId = `${ws.accountId}:1`,
) {
  return f.governance.proposals.create(systemActor(ws.id), {
    accountId: ws.accountId,
    entity: { level: "campaign", id: campaign },
    change: { kind: "daily_budget", dailyBudgetMinor },
    reason: `test: ${campaign} to ${dailyBudgetMinor}`,
    cycleId,
  });
}

export async function openFeatureFixture(
  engine: EngineName,
  options: {
    /** Seeds workspace `a` (default: a fresh "acme" workspace with account acc_a). */
    seedA?: (store: TestStore) => Promise<Workspace>;
    now?: Date;
    features?: Partial<FeatureDeps>;
  } = {},
): Promise<FeatureFixture> {
  const store = await openTestStore(engine);
  const a = options.seedA ? await options.seedA(store) : await seedWorkspace(store, "acme", "acc_a");
  const b = await seedWorkspace(store, "other", "acc_b");
  let now = options.now ?? NOW;
  const clock = () => now;
  const events = createEventBus();
  const published: ServiceEvent[] = [];
  for (const ws of [a.id, b.id]) events.subscribe(ws, (e) => published.push(e));
  const governance = createGovernance({ store, clock, rng: createRng(7) });
  const app = await buildApiServer({
    store,
    events,
    clock,
    routes: featureRoutes({ governance, ...options.features }),
  });
  return {
    store,
    events,
    published,
    governance,
    app,
    a,
    b,
    now: clock,
    setNow(at) {
      now = at;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
