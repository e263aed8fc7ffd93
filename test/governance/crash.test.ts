import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGovernance,
  type ExecutorHooks,
  type Governance,
  systemActor,
} from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { budget, depsFor, FakeClock, people, seedAccount } from "./support.js";

/**
 * Kill the executor at random points during 200 applies, restart it, and check that every approved
 * proposal reached the platform exactly once. The fake platform ignores idempotency keys here, so
 * only the executor's own reconciliation can prevent a double apply.
 */
class Killed extends Error {}

const CAMPAIGNS = 20;
const ROUNDS = 10;

describe.each(testEngines())("crash safety on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(() => store.close());

  it(`applies each of ${CAMPAIGNS * ROUNDS} approved proposals exactly once despite random kills`, {
    timeout: 180_000,
  }, async () => {
    const clock = new FakeClock();
    const gov: Governance = createGovernance(depsFor(store, clock, 11));
    const campaigns = Array.from({ length: CAMPAIGNS }, (_, i) => ({ id: `c${i}`, budget: 100_000 }));
    const { accountId, fake } = await seedAccount(
      store,
      campaigns,
      { guardrails: { changesPerAccountPerDay: 1_000 } },
      clock,
    );
    fake.honourIdempotencyKeys = false;
    const rng = createRng(2026);
    const points: (keyof ExecutorHooks)[] = [
      "afterClaim",
      "beforePlatformCall",
      "afterPlatformCall",
      "beforeCommit",
    ];
    let kills = 0;
    let restarts = 0;
    const proposalIds: number[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      for (const c of campaigns) {
        const [row] = await store.query<{ daily_budget_minor: number }>(
          "SELECT daily_budget_minor FROM campaigns WHERE account_id = $1 AND external_id = $2",
          [accountId, c.id],
        );
        const target = Math.round(row.daily_budget_minor * (round % 2 === 0 ? 1.03 : 0.97));
        const p = await gov.proposals.create(systemActor("default"), {
          accountId,
          entity: { level: "campaign", id: c.id },
          change: budget(target),
          reason: `round ${round}`,
          cycleId: `r${round}`,
        });
        if (p.status === "proposed") await gov.proposals.approve(people.approver, p.id);
        proposalIds.push(p.id);
      }
      for (;;) {
        // a restart: a new executor, on PostgreSQL also a new connection pool
        restarts++;
        const worker: Store =
          engine === "postgres"
            ? await openStore({
                databaseUrl: process.env.TEST_DATABASE_URL,
                schema: store.schemaName!,
                migrate: false,
                poolSize: 1,
              })
            : store;
        const hooks: ExecutorHooks = {};
        for (const point of points) {
          hooks[point] = () => {
            if (rng.nextFloat() < 0.08) throw new Killed(point);
          };
        }
        if (rng.nextFloat() < 0.1) fake.injectFaults("lost_response");
        const executor = createGovernance({ ...depsFor(worker, clock, 11 + restarts) }).executor(
          {
            connectorFor: () => fake,
            sleep: async (ms) => clock.advance(ms),
            workerId: `executor:${restarts}`,
          },
          { hooks },
        );
        let done = false;
        try {
          done = (await executor.drain(accountId)).length === 0;
        } catch (error) {
          if (!(error instanceof Killed)) throw error;
          kills++;
        } finally {
          if (worker !== store) await worker.close();
        }
        if (done) break;
      }
      const [{ pending }] = await store.query<{ pending: number }>(
        "SELECT count(*)::int AS pending FROM proposals WHERE account_id = $1 AND status = 'approved'",
        [accountId],
      );
      expect(pending).toBe(0);
    }

    expect(proposalIds).toHaveLength(CAMPAIGNS * ROUNDS);
    expect(kills).toBeGreaterThan(20);
    const rows = await store.query<{ id: number; status: string; revision: number }>(
      "SELECT id, status, revision FROM proposals WHERE account_id = $1",
      [accountId],
    );
    expect(rows.every((r) => r.status === "applied")).toBe(true);
    for (const r of rows) expect(fake.timesApplied(`adpilot:${r.id}:r${r.revision}`)).toBe(1);
    expect(fake.mutations).toHaveLength(CAMPAIGNS * ROUNDS);
    const mirror = await store.query<{ external_id: string; daily_budget_minor: number }>(
      "SELECT external_id, daily_budget_minor FROM campaigns WHERE account_id = $1",
      [accountId],
    );
    for (const m of mirror) expect(fake.entity(m.external_id)?.dailyBudgetMinor).toBe(m.daily_budget_minor);
    const [{ applied }] = await store.query<{ applied: number }>(
      "SELECT count(*)::int AS applied FROM applied_changes WHERE account_id = $1",
      [accountId],
    );
    expect(applied).toBe(CAMPAIGNS * ROUNDS);
    const [{ reconciled }] = await store.query<{ reconciled: number }>(
      "SELECT count(*)::int AS reconciled FROM applied_changes WHERE account_id = $1 AND reconciled",
      [accountId],
    );
    expect(reconciled).toBeGreaterThan(0); // kills after the platform call did happen and were caught
    expect(await gov.audit.verify(people.viewer)).toMatchObject({ ok: true });
    console.log(
      `crash-safety (${engine}): applies=${CAMPAIGNS * ROUNDS} kills=${kills} restarts=${restarts}`,
    );
  });
});
