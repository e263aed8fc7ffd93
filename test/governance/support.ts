import type { AccountConfig } from "../../src/domain/account-config.js";
import type { Actor, GovernanceDeps } from "../../src/governance/index.js";
import { FakeConnector } from "../../src/governance/testing/fake-connector.js";
import { createRng } from "../../src/models/random/index.js";
import type { Store } from "../../src/store/index.js";

export const T0 = new Date("2026-03-02T09:00:00.000Z");

export class FakeClock {
  private t: number;
  constructor(start: Date = T0) {
    this.t = start.getTime();
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export function depsFor(store: Store, clock: FakeClock, seed = 1): GovernanceDeps {
  return { store, clock: clock.now, rng: createRng(seed) };
}

export const people = {
  viewer: { userId: "vera", role: "viewer", workspaceId: "default" },
  analyst: { userId: "ana", role: "analyst", workspaceId: "default" },
  approver: { userId: "bob", role: "approver", workspaceId: "default" },
  approver2: { userId: "carla", role: "approver", workspaceId: "default" },
  admin: { userId: "dan", role: "admin", workspaceId: "default" },
  outsider: { userId: "olga", role: "admin", workspaceId: "other" },
} satisfies Record<string, Actor>;

export interface SeedCampaign {
  id: string;
  budget: number | null;
  status?: "active" | "paused";
  channel?: string;
}

export interface SeededAccount {
  accountId: string;
  externalId: string;
  fake: FakeConnector;
}

let counter = 0;

/** An account with campaigns mirrored in the store and the same state on a fake platform. */
export async function seedAccount(
  store: Store,
  campaigns: SeedCampaign[],
  config: Partial<Omit<AccountConfig, "guardrails">> & {
    guardrails?: Partial<AccountConfig["guardrails"]>;
  } = {},
  clock?: FakeClock,
): Promise<SeededAccount> {
  counter++;
  const accountId = `acct-${process.pid}-${counter}`;
  const externalId = `ext-${accountId}`;
  await store.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone) VALUES ($1, 'default', 'sandbox', $2, 'Test', 'USD', 'UTC')`,
    [accountId, externalId],
  );
  await store.query("INSERT INTO account_configs (account_id, config) VALUES ($1, $2)", [
    accountId,
    JSON.stringify({
      mode: "live",
      ...config,
      guardrails: { jitterSecondsMin: 3, jitterSecondsMax: 18, ...config.guardrails },
    }),
  ]);
  for (const c of campaigns) {
    await store.query(
      `INSERT INTO campaigns (account_id, external_id, name, channel, status, daily_budget_minor) VALUES ($1, $2, $2, $3, $4, $5)`,
      [accountId, c.id, c.channel ?? "search", c.status ?? "active", c.budget],
    );
  }
  const fake = new FakeConnector(
    { externalId, name: "Test", currency: "USD", timeZone: "UTC" },
    campaigns.map((c) => ({
      level: "campaign" as const,
      externalId: c.id,
      parentExternalId: null,
      name: c.id,
      status: c.status ?? "active",
      dailyBudgetMinor: c.budget,
      bidMinor: null,
      channel: c.channel ?? "search",
    })),
    clock ? () => clock.now().getTime() : undefined,
  );
  return { accountId, externalId, fake };
}

/** Row counts that must not move when a call is refused. */
export async function governanceCounts(store: Store): Promise<Record<string, number>> {
  const [row] = await store.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM proposals)::int AS proposals, (SELECT count(*) FROM approvals)::int AS approvals,
            (SELECT count(*) FROM applied_changes)::int AS applied, (SELECT count(*) FROM overrides)::int AS overrides,
            (SELECT count(*) FROM audit_log)::int AS audit`,
  );
  return row;
}

export const budget = (dailyBudgetMinor: number) => ({ kind: "daily_budget" as const, dailyBudgetMinor });
