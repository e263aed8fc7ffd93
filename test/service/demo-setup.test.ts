import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGovernance, type Governance } from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { runCycle } from "../../src/service/cycle/run-cycle.js";
import { demoAccountId, ensureDemoAccount } from "../../src/service/demo/demo-setup.js";
import { createDemoService } from "../../src/service/demo/run-demo.js";
import { SandboxRuntime } from "../../src/service/sandbox-runtime.js";
import { getAccountConfig } from "../../src/store/accounts.js";
import { openTestStore, type TestStore } from "../support/stores.js";

const OPTIONS = { scenario: "service-business", seed: 4, users: 1000, hoursPerCycle: 6 };

describe("the demo account's setup", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("pglite");
  });
  afterAll(async () => {
    await store?.close();
  });

  it("is completed by the next start when the first one died halfway", async () => {
    const accountId = demoAccountId(OPTIONS.scenario);
    const runtime = await SandboxRuntime.open(store, accountId, OPTIONS);
    const governance = createGovernance({ store, clock: () => new Date(), rng: createRng(1) });
    const dying: Governance = Object.assign(Object.create(governance), {
      setMode: async () => {
        throw new Error("process killed");
      },
    });
    const input = { accountId, scenario: OPTIONS.scenario, seed: OPTIONS.seed, intervalSeconds: 6 * 3600 };
    await expect(ensureDemoAccount(store, dying, runtime, input)).rejects.toThrow("process killed");
    expect(await store.query("SELECT 1 FROM ad_accounts WHERE id = $1", [accountId])).toHaveLength(1);

    const service = await createDemoService(store, OPTIONS);
    const config = await getAccountConfig(store, accountId);
    expect(config.mode).toBe("live");
    const [account] = await store.query<{ daily_budget_minor: number }>(
      "SELECT daily_budget_minor FROM service_accounts WHERE account_id = $1",
      [accountId],
    );
    expect(config.guardrails.accountDailyBudget).toBe(account.daily_budget_minor / 100);
    const result = await runCycle(service.deps, service.accountId);
    expect(result.cycleNo).toBe(1);
    // A third start changes nothing.
    expect(await ensureDemoAccount(store, governance, service.runtime, input)).toEqual({ created: false });
  });
});
