import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCycle } from "../../src/service/cycle/run-cycle.js";
import { createDemoService } from "../../src/service/demo/run-demo.js";
import { setAccountConfigValue } from "../../src/store/accounts.js";
import { type TestStore, testEngines } from "../support/stores.js";
import { openIsolatedStore } from "./support/isolated-store.js";

const OPTIONS = { scenario: "ecommerce", seed: 3, users: 2000, hoursPerCycle: 6 };

// In shadow mode nobody applies anything, so every cycle wants roughly the same moves again. The queue
// must hold one current proposal per arm, not one per arm per cycle.
describe.each(testEngines())("the approval queue of a shadow-mode account on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openIsolatedStore(engine);
  });
  afterAll(() => store?.close());

  it("keeps at most one open optimizer proposal per arm over many cycles, and proposes less with a deadband", async () => {
    const run = async (deadband: string) => {
      const { accountId, deps } = await createDemoService(store, OPTIONS);
      await setAccountConfigValue(store, accountId, "mode", "shadow", "test");
      await setAccountConfigValue(store, accountId, "proposalDeadband", deadband, "test");
      await store.query("DELETE FROM proposals WHERE account_id = $1", [accountId]);
      let made = 0;
      for (let i = 0; i < 12; i++) made += (await runCycle(deps, accountId)).proposals;
      const open = await store.query<{ entity_id: string; n: number }>(
        `SELECT entity_id, count(*)::int AS n FROM proposals
          WHERE account_id = $1 AND status = 'proposed' AND origin = 'optimizer' GROUP BY 1`,
        [accountId],
      );
      const [ended] = await store.query<{ superseded: number; rejected: number }>(
        `SELECT count(*) FILTER (WHERE status = 'expired' AND status_comment LIKE 'superseded by proposal %')::int AS superseded,
                count(*) FILTER (WHERE status = 'rejected')::int AS rejected
           FROM proposals WHERE account_id = $1`,
        [accountId],
      );
      return { made, open, ...ended! };
    };
    const everyMove = await run("0");
    expect(everyMove.made).toBeGreaterThan(8);
    expect(everyMove.open.length).toBeGreaterThan(0);
    for (const row of everyMove.open) expect(row.n).toBe(1);
    // every proposal made is the open one of its arm, superseded by a later one, or refused outright
    expect(everyMove.superseded).toBeGreaterThan(0);
    expect(everyMove.open.length + everyMove.superseded + everyMove.rejected).toBe(everyMove.made);
    const withDeadband = await run("3");
    for (const row of withDeadband.open) expect(row.n).toBe(1);
    expect(withDeadband.made).toBeLessThan(everyMove.made);
  });

  it("does not send governance the changes an open proposal already asks for within the deadband", async () => {
    const { accountId, deps } = await createDemoService(store, OPTIONS);
    await setAccountConfigValue(store, accountId, "mode", "shadow", "test");
    await setAccountConfigValue(store, accountId, "proposalDeadband", "3", "test");
    await store.query("DELETE FROM proposals WHERE account_id = $1", [accountId]);
    let sent = 0;
    let alreadyAsked = 0;
    const gateway = {
      ...deps.gateway,
      applyApproved: deps.gateway.applyApproved.bind(deps.gateway),
      async proposeBudgets(batch: Parameters<typeof deps.gateway.proposeBudgets>[0]) {
        const open = await store.query<{ entity_id: string; requested: number }>(
          `SELECT DISTINCT ON (entity_id) entity_id, (requested_value->>'dailyBudgetMinor')::bigint AS requested
             FROM proposals WHERE account_id = $1 AND status = 'proposed' AND origin = 'optimizer'
            ORDER BY entity_id, id DESC`,
          [accountId],
        );
        const asked = new Map(open.map((o) => [o.entity_id, Number(o.requested)]));
        for (const c of batch.changes) {
          sent++;
          const pending = asked.get(c.armId);
          if (pending !== undefined && Math.abs(pending - c.targetMinor) <= (c.deadbandMinor ?? 0))
            alreadyAsked++;
        }
        return deps.gateway.proposeBudgets(batch);
      },
    };
    let made = 0;
    for (let i = 0; i < 12; i++) made += (await runCycle({ ...deps, gateway }, accountId)).proposals;
    expect(sent).toBeGreaterThan(0);
    expect(made).toBeGreaterThan(0);
    // governance would have kept every one of these: they never reach it
    expect(alreadyAsked).toBe(0);
  });
});
