import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCycle } from "../../src/service/cycle/run-cycle.js";
import { createDemoService } from "../../src/service/demo/run-demo.js";
import { type TestStore, testEngines } from "../support/stores.js";
import { openIsolatedStore } from "./support/isolated-store.js";

const OPTIONS = { scenario: "ecommerce", seed: 3, users: 2000, hoursPerCycle: 6 };

interface DecisionRow {
  cycle_no: number;
  arm_id: string;
  action: string;
  confidence: number;
  target_budget_minor: number;
  propensity: number;
}

async function decisions(store: TestStore): Promise<DecisionRow[]> {
  return store.query<DecisionRow>(
    "SELECT cycle_no, arm_id, action, confidence, target_budget_minor, propensity FROM decisions ORDER BY cycle_no, arm_id",
  );
}

describe.each(testEngines())("the optimization cycle on %s", (engine) => {
  let uninterrupted: TestStore;
  let interrupted: TestStore;
  const CYCLES = 10;
  beforeAll(async () => {
    // Own databases: other suites run the same demo account and would take its advisory locks.
    uninterrupted = await openIsolatedStore(engine);
    interrupted = await openIsolatedStore(engine);
  });
  afterAll(async () => {
    await uninterrupted?.close();
    await interrupted?.close();
  });

  it("records one decision per arm per cycle, allocations that sum to the budget, and advances the checkpoint", async () => {
    const { accountId, deps } = await createDemoService(uninterrupted, OPTIONS);
    for (let i = 0; i < CYCLES; i++) await runCycle(deps, accountId);
    const rows = await decisions(uninterrupted);
    const arms = new Set(rows.map((r) => r.arm_id));
    expect(arms.size).toBe(4);
    expect(rows.length).toBe(arms.size * CYCLES);
    const sums = await uninterrupted.query<{ cycle_no: number; total: number; budget: number }>(
      `SELECT a.cycle_no, sum(a.budget_minor)::bigint AS total, max(s.daily_budget_minor) AS budget
       FROM allocations a JOIN service_accounts s USING (account_id) GROUP BY a.cycle_no ORDER BY 1`,
    );
    expect(sums).toHaveLength(CYCLES);
    for (const s of sums) expect(s.total).toBe(s.budget);
    const [state] = await uninterrupted.query<{ next_cycle_no: number; consecutive_failures: number }>(
      "SELECT next_cycle_no, consecutive_failures FROM service_accounts",
    );
    expect(state).toEqual({ next_cycle_no: CYCLES + 1, consecutive_failures: 0 });
    const [world] = await uninterrupted.query<{ cycle_no: number }>("SELECT cycle_no FROM lab_worlds");
    expect(world.cycle_no).toBe(CYCLES);
    const applied = await uninterrupted.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM proposals WHERE status = 'applied'",
    );
    expect(applied[0].n).toBeGreaterThan(0);
  });

  it("resumes after a crash with no decision lost or duplicated and posteriors identical to an uninterrupted run", async () => {
    let service = await createDemoService(interrupted, OPTIONS);
    const crashes = new Set([3, 6, 7, 10]);
    let completed = 0;
    let attempt = 0;
    while (completed < CYCLES) {
      attempt++;
      if (crashes.has(attempt)) {
        // Die in the middle of a cycle: the world moved and proposals were made, nothing was checkpointed.
        const gateway = service.deps.gateway;
        const dying = {
          ...service.deps,
          gateway: {
            proposeBudgets: gateway.proposeBudgets.bind(gateway),
            applyApproved: async () => {
              throw new Error("process killed");
            },
          },
        };
        await expect(runCycle(dying, service.accountId)).rejects.toThrow("process killed");
        // A new process: everything in memory is gone; state comes back from the store.
        service = await createDemoService(interrupted, OPTIONS);
        continue;
      }
      await runCycle(service.deps, service.accountId);
      completed++;
    }
    expect(await decisions(interrupted)).toEqual(await decisions(uninterrupted));
    const failed = await interrupted.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cycles WHERE status = 'failed'",
    );
    expect(failed[0].n).toBe(0);
    const attempts = await interrupted.query<{ n: number }>("SELECT max(attempts)::int AS n FROM cycles");
    expect(attempts[0].n).toBeGreaterThan(1);
  });

  it("re-reads the lookback window on each new day and every 4 hours, and today only in between", async () => {
    const store = await openIsolatedStore(engine);
    try {
      const { accountId, deps } = await createDemoService(store, { ...OPTIONS, hoursPerCycle: 1 });
      const windows: { from: string; to: string; today: string }[] = [];
      const watched = {
        ...deps,
        async runtimeFor(id: string) {
          const runtime = await deps.runtimeFor(id);
          const connector = runtime.connector;
          return {
            ...runtime,
            advance: runtime.advance?.bind(runtime),
            now: runtime.now.bind(runtime),
            connector: {
              ...connector,
              listEntities: connector.listEntities.bind(connector),
              fetchPerformance: (query: Parameters<typeof connector.fetchPerformance>[0]) => {
                windows.push({ from: query.from, to: query.to, today: runtime.now().date });
                return connector.fetchPerformance(query);
              },
            },
          } as typeof runtime;
        },
      };
      for (let i = 0; i < 30; i++) await runCycle(watched, accountId);
      expect(windows).toHaveLength(30);
      const full = windows.map((w) => w.from !== w.today);
      // the first cycle, the first of every new day, and one at least every 4 cycles (1 h each)
      expect(full[0]).toBe(true);
      windows.forEach((w, i) => {
        if (i > 0 && w.today !== windows[i - 1]!.today) expect(full[i]).toBe(true);
        if (!full[i]) expect(w).toEqual({ from: w.today, to: w.today, today: w.today });
      });
      for (let i = 0; i + 4 <= full.length; i++) expect(full.slice(i, i + 4)).toContain(true);
      expect(full.filter(Boolean).length).toBeLessThanOrEqual(10);
      const [state] = await store.query<{ at: Date | null }>(
        "SELECT lookback_synced_at AS at FROM service_accounts WHERE account_id = $1",
        [accountId],
      );
      expect(state!.at).toBeInstanceOf(Date);
    } finally {
      await store.close();
    }
  });
});
