import { inflateRawSync } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGovernance } from "../../src/governance/index.js";
import { SandboxWorld } from "../../src/lab/sandbox-world.js";
import { createRng } from "../../src/models/random/index.js";
import { type CycleDeps, runCycle } from "../../src/service/cycle/run-cycle.js";
import type { AccountRuntime } from "../../src/service/cycle/runtime.js";
import { upsertServiceAccount } from "../../src/service/cycle/service-accounts.js";
import { createEventBus } from "../../src/service/event-bus.js";
import { governanceGateway } from "../../src/service/governance-gateway.js";
import { createRuntimeFactory } from "../../src/service/runtimes.js";
import { SandboxRuntime } from "../../src/service/sandbox-runtime.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const accountId = `acc_runtimes_${process.pid}`;
const CYCLES = 6;

/** A sandbox account as `adpilot service add-sandbox` makes it (shadow mode: nothing is applied). */
async function addSandboxAccount(store: TestStore): Promise<void> {
  const options = { scenario: "subscription-app", seed: 5, users: 2000, hoursPerCycle: 2 };
  const runtime = await SandboxRuntime.open(store, accountId, options);
  const [platform] = await runtime.connector.listAccounts();
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
     VALUES ($1, 'default', 'sandbox', $2, $3, $4, $5)`,
    [accountId, platform.externalId, platform.name, platform.currency, platform.timeZone],
  );
  await upsertServiceAccount(store, {
    accountId,
    dailyBudgetMinor: 20_000,
    intervalSeconds: 7200,
    seed: options.seed,
    scenario: options.scenario,
  });
}

/** What one worker process builds in `startService`: its own runtime cache, governance and executor. */
function worker(store: TestStore): CycleDeps {
  const runtimeFor = createRuntimeFactory(store);
  const governance = createGovernance({ store, clock: () => new Date(), rng: createRng(1) });
  const executor = governance.executor({
    connectorFor: async (id) => (await runtimeFor(id)).connector,
    sleep: async () => {},
    workerId: "test",
  });
  return {
    store,
    bus: createEventBus(),
    log: pino({ level: "silent" }),
    runtimeFor: (id): Promise<AccountRuntime> => runtimeFor(id),
    gateway: governanceGateway(governance, executor, () => "default"),
  };
}

async function outcome(store: TestStore) {
  const [world] = await store.query<{ snapshot: string }>(
    "SELECT encode(snapshot, 'base64') AS snapshot FROM lab_worlds",
  );
  const bytes = new Uint8Array(inflateRawSync(Buffer.from(world.snapshot, "base64")));
  return {
    cycles: await store.query("SELECT cycle_no, sim_time FROM cycles ORDER BY 1"),
    decisions: await store.query(
      "SELECT cycle_no, arm_id, action, confidence, target_budget_minor FROM decisions ORDER BY 1, 2",
    ),
    world: Buffer.from(SandboxWorld.restoreWithNotes(bytes).sandbox.serialize()).toString("base64"),
  };
}

describe.each(testEngines())("sandbox runtimes of several worker processes on %s", (engine) => {
  let single: TestStore;
  let shared: TestStore;
  beforeAll(async () => {
    single = await openTestStore(engine);
    shared = await openTestStore(engine);
    await addSandboxAccount(single);
    await addSandboxAccount(shared);
  });
  afterAll(async () => {
    await single?.close();
    await shared?.close();
  });

  it("continue from the world another worker saved, not from the one they hold from an earlier cycle", async () => {
    const one = worker(single);
    for (let i = 0; i < CYCLES; i++) await runCycle(one, accountId);
    // Two workers taking turns, as pg-boss hands an account's cycles to whichever worker is free.
    const workers = [worker(shared), worker(shared)];
    for (let i = 0; i < CYCLES; i++) await runCycle(workers[i % 2] as CycleDeps, accountId);
    const expected = await outcome(single);
    expect(expected.cycles).toHaveLength(CYCLES);
    expect(await outcome(shared)).toEqual(expected);
  });
});
