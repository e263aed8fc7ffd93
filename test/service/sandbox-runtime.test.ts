import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCycle } from "../../src/service/cycle/run-cycle.js";
import { createDemoService } from "../../src/service/demo/run-demo.js";
import { setAccountConfigValue } from "../../src/store/accounts.js";
import type { TestStore } from "../support/stores.js";
import { testEngines } from "../support/stores.js";
import { openIsolatedStore } from "./support/isolated-store.js";

// Room above the scenario's total so the optimizer's moves get applied in the first cycles.
const OPTIONS = { scenario: "ecommerce", seed: 11, users: 1000, hoursPerCycle: 1 };
const CYCLES = 12;

async function service(store: TestStore) {
  const s = await createDemoService(store, OPTIONS);
  await setAccountConfigValue(store, s.accountId, "guardrails.accountDailyBudget", "40", "test");
  // every move proposed: the test wants applies to crash around
  await setAccountConfigValue(store, s.accountId, "proposalDeadband", "0", "test");
  return s;
}

async function outcome(store: TestStore, world: Uint8Array) {
  return {
    decisions: await store.query(
      "SELECT cycle_no, arm_id, action, confidence, target_budget_minor, numbers FROM decisions ORDER BY 1, 2",
    ),
    summaries: await store.query("SELECT cycle_no, summary - 'durationMs' AS s FROM cycles ORDER BY 1"),
    campaigns: await store.query("SELECT external_id, status, daily_budget_minor FROM campaigns ORDER BY 1"),
    world: createHash("sha256").update(world).digest("hex"),
  };
}

describe.each(testEngines())(
  "the sandbox runtime after a crash between an apply and the checkpoint on %s",
  (engine) => {
    let plain: TestStore;
    let expected: Awaited<ReturnType<typeof outcome>>;
    beforeAll(async () => {
      plain = await openIsolatedStore(engine);
      const s = await service(plain);
      for (let i = 0; i < CYCLES; i++) await runCycle(s.deps, s.accountId);
      expected = await outcome(plain, s.runtime.world.serialize());
      const applied = await plain.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM proposals WHERE status = 'applied'",
      );
      expect(applied[0].n).toBeGreaterThan(3);
    });
    afterAll(async () => {
      await plain?.close();
    });

    /**
     * Runs CYCLES cycles, dying in the first `crashes` cycles that apply a change — after the applies
     * committed, before the cycle's checkpoint — and resuming in a new service (`restart`) or the same one.
     */
    async function crashing(restart: boolean, crashes: number) {
      const store = await openIsolatedStore(engine);
      try {
        let s = await service(store);
        let died = 0;
        let completed = 0;
        while (completed < CYCLES) {
          const gateway = s.deps.gateway;
          const dying = {
            ...s.deps,
            gateway: {
              proposeBudgets: gateway.proposeBudgets.bind(gateway),
              async applyApproved(accountId: string) {
                const result = await gateway.applyApproved(accountId);
                if (result.applied > 0 && died < crashes) {
                  died++;
                  throw new Error("process killed");
                }
                return result;
              },
            },
          };
          try {
            await runCycle(dying, s.accountId);
            completed++;
          } catch (error) {
            expect((error as Error).message).toBe("process killed");
            if (restart) s = await service(store);
          }
        }
        expect(died).toBe(crashes);
        return await outcome(store, s.runtime.world.serialize());
      } finally {
        await store.close();
      }
    }

    it("puts the applied changes back in a restarted process: same decisions, budgets and world as without the crash", async () => {
      expect(await crashing(true, 3)).toEqual(expected);
    });

    it("puts them back when the same process retries the cycle after the failure", async () => {
      expect(await crashing(false, 2)).toEqual(expected);
    });
  },
);
