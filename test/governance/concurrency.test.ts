import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGovernance, type Governance, systemActor } from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { openTestStore, type TestStore } from "../support/stores.js";
import { budget, depsFor, FakeClock, people, seedAccount } from "./support.js";

/**
 * Four workers, each with its own connection pool (as four processes would have), propose, approve and
 * execute for the same account at once on the real PostgreSQL. Only database locks and constraints
 * coordinate them. Afterwards: nothing applied twice, no rate limit or account total ever exceeded.
 */
const WORKERS = 4;
const HOUR = 3_600_000;

describe.skipIf(!process.env.TEST_DATABASE_URL)("concurrency on PostgreSQL", () => {
  let store: TestStore;
  const pools: Store[] = [];
  beforeAll(async () => {
    store = await openTestStore("postgres");
    for (let i = 0; i < WORKERS; i++) {
      pools.push(
        await openStore({
          databaseUrl: process.env.TEST_DATABASE_URL,
          schema: store.schemaName!,
          migrate: false,
          poolSize: 3,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await store.close();
  });

  it("four concurrent workers never double-apply and never exceed a limit", {
    timeout: 180_000,
  }, async () => {
    const clock = new FakeClock();
    const campaigns = Array.from({ length: 2 * WORKERS }, (_, i) => ({ id: `c${i}`, budget: 10_000 }));
    const limits = { changesPerCampaignPerHour: 3, changesPerAccountPerDay: 20, accountDailyBudget: 820 };
    const { accountId, fake } = await seedAccount(store, campaigns, { guardrails: limits }, clock);
    fake.honourIdempotencyKeys = false;
    // yield inside the platform call so the workers interleave there as well
    fake.onApply = () => new Promise((resolve) => setTimeout(resolve, 1));
    const govs: Governance[] = pools.map((p, i) => createGovernance(depsFor(p, clock, 100 + i)));
    const sleep = async (ms: number) => {
      clock.advance(ms);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };

    // each worker proposes for its own two campaigns (so its proposals are not stale), but all of them
    // compete for the same account: its total budget, its rate limits and its lock
    const propose = async (gov: Governance, worker: number) => {
      const rng = createRng(500 + worker);
      const mine = [campaigns[worker], campaigns[worker + WORKERS]];
      for (let n = 0; n < 10; n++) {
        const c = mine[n % 2];
        for (;;) {
          const [open] = await pools[worker].query<{ id: number; status: string }>(
            "SELECT id, status FROM proposals WHERE account_id = $1 AND entity_id = $2 AND status IN ('proposed', 'approved')",
            [accountId, c.id],
          );
          if (!open) break;
          // sent back for review by an executor (the guardrails clip it now): a person looks again
          if (open.status === "proposed") await gov.proposals.approve(people.admin, open.id).catch(() => {});
          // the executors move the shared clock on; a review that came too late expires
          await gov.proposals.expireDue();
          await sleep(60_000);
        }
        const [row] = await pools[worker].query<{ daily_budget_minor: number }>(
          "SELECT daily_budget_minor FROM campaigns WHERE account_id = $1 AND external_id = $2",
          [accountId, c.id],
        );
        const factor = rng.nextFloat() < 0.6 ? 1.04 : 0.97;
        const p = await gov.proposals.create(systemActor("default"), {
          accountId,
          entity: { level: "campaign", id: c.id },
          change: budget(Math.round(row.daily_budget_minor * factor)),
          reason: `worker ${worker}`,
          cycleId: `w${worker}-${n}`,
        });
        if (p.status === "proposed")
          await gov.proposals.approve(worker % 2 ? people.approver : people.approver2, p.id);
        await sleep(60_000);
      }
    };
    let proposing = WORKERS;
    const execute = async (gov: Governance, worker: number) => {
      const executor = gov.executor({ connectorFor: () => fake, sleep, workerId: `executor:${worker}` });
      for (let round = 0; round < 2_000; round++) {
        await executor.drain(accountId, 5);
        const [{ open }] = await pools[worker].query<{ open: number }>(
          "SELECT count(*)::int AS open FROM proposals WHERE account_id = $1 AND status = 'approved'",
          [accountId],
        );
        if (proposing === 0 && open === 0) return;
        await sleep(5 * 60_000);
      }
      throw new Error(`executor ${worker} did not finish`);
    };
    await Promise.all(govs.flatMap((g, i) => [propose(g, i).finally(() => proposing--), execute(g, i)]));

    // nothing applied twice
    const keys = fake.mutations.map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    const applied = await store.query<{
      proposal_id: number;
      campaign_id: string;
      applied_at: Date;
      after_numeric: number;
    }>(
      "SELECT proposal_id, campaign_id, applied_at, after_numeric FROM applied_changes WHERE account_id = $1 ORDER BY applied_at, id",
      [accountId],
    );
    expect(applied.length).toBe(fake.mutations.length);
    const statuses = await store.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM proposals WHERE account_id = $1 GROUP BY status ORDER BY status",
      [accountId],
    );
    console.log(
      `concurrency: workers=${WORKERS} applied=${applied.length} statuses=${JSON.stringify(statuses)}`,
    );
    expect(applied.length).toBeGreaterThan(10);
    // rate limits over every window ending at an apply
    for (const a of applied) {
      const t = new Date(a.applied_at).getTime();
      const inHour = applied.filter(
        (b) =>
          b.campaign_id === a.campaign_id &&
          new Date(b.applied_at).getTime() > t - HOUR &&
          new Date(b.applied_at).getTime() <= t,
      );
      expect(inHour.length).toBeLessThanOrEqual(limits.changesPerCampaignPerHour);
      const inDay = applied.filter(
        (b) => new Date(b.applied_at).getTime() > t - 24 * HOUR && new Date(b.applied_at).getTime() <= t,
      );
      expect(inDay.length).toBeLessThanOrEqual(limits.changesPerAccountPerDay);
    }
    // the account total after every mutation on the platform
    const budgets = new Map(campaigns.map((c) => [c.id, c.budget]));
    for (const m of fake.mutations) {
      if (m.change.kind === "daily_budget")
        budgets.set(m.change.entityExternalId, m.change.value.dailyBudgetMinor);
      expect([...budgets.values()].reduce((s, b) => s + b, 0)).toBeLessThanOrEqual(
        limits.accountDailyBudget * 100,
      );
    }
    const [{ reached }] = await store.query<{ reached: number }>(
      "SELECT count(*)::int AS reached FROM proposals WHERE account_id = $1 AND status IN ('applied', 'rolled_back')",
      [accountId],
    );
    expect(reached).toBe(applied.length);
    expect(await govs[0].audit.verify(people.viewer)).toMatchObject({ ok: true });
    console.log(
      `concurrency: workers=${WORKERS} applied=${applied.length} statuses=${JSON.stringify(statuses)}`,
    );
  });
});
