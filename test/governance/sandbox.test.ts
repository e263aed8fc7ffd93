import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxConnector } from "../../src/connectors/sandbox/index.js";
import { loadScenario } from "../../src/connectors/sandbox/scenario-files.js";
import { createGovernance, type Governance, systemActor } from "../../src/governance/index.js";
import { SandboxWorld } from "../../src/lab/sandbox-world.js";
import { openTestStore, type TestStore } from "../support/stores.js";
import { depsFor, FakeClock, people } from "./support.js";

/** The executor against the lab's sandbox platform (the first real implementation of the port). */
describe("governance against the sandbox platform", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("pglite");
  });
  afterAll(() => store.close());

  it("applies an approved ad-group budget change on the sandbox and rolls it back", async () => {
    const sandbox = SandboxWorld.create(loadScenario("ecommerce"), { users: 3000, seed: 2 });
    const connector = new SandboxConnector(sandbox, { seed: 1, sleep: async () => {} });
    const external = connector.accountId;
    const [account] = await connector.listAccounts();
    await store.query(
      "INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone) VALUES ('sbx', 'default', 'sandbox', $1, 'Sandbox', $2, $3)",
      [external, account.currency, account.timeZone],
    );
    await store.query("INSERT INTO account_configs (account_id, config) VALUES ('sbx', $1)", [
      JSON.stringify({ mode: "live" }),
    ]);
    const entities = await connector.listEntities(external);
    for (const e of entities.filter((x) => x.level === "campaign")) {
      await store.query(
        "INSERT INTO campaigns (account_id, external_id, name, channel, status, daily_budget_minor) VALUES ('sbx', $1, $2, $3, $4, $5)",
        [e.externalId, e.name, e.channel, e.status, e.dailyBudgetMinor],
      );
    }
    for (const e of entities.filter((x) => x.level === "ad_group")) {
      await store.query(
        "INSERT INTO ad_groups (account_id, external_id, campaign_external_id, name, status, daily_budget_minor) VALUES ('sbx', $1, $2, $3, $4, $5)",
        [e.externalId, e.parentExternalId, e.name, e.status, e.dailyBudgetMinor],
      );
    }
    const clock = new FakeClock();
    const gov: Governance = createGovernance(depsFor(store, clock));
    const before = entities.find((e) => e.externalId === "grp-0")!.dailyBudgetMinor!;
    const p = await gov.proposals.create(systemActor("default"), {
      accountId: "sbx",
      entity: { level: "ad_group", id: "grp-0" },
      change: { kind: "daily_budget", dailyBudgetMinor: before * 2 },
      reason: "bandit: best arm",
      cycleId: "s1",
    });
    expect(p.after).toEqual({ dailyBudgetMinor: Math.floor(before * 1.05) });
    await gov.proposals.approve(people.approver, p.id);
    const executor = gov.executor({
      connectorFor: () => connector,
      sleep: async (ms) => clock.advance(ms),
      workerId: "executor:sandbox",
    });
    expect(await executor.drain("sbx")).toEqual([
      expect.objectContaining({ proposalId: p.id, result: "applied" }),
    ]);
    const now = (await connector.listEntities(external)).find((e) => e.externalId === "grp-0")!;
    expect(now.dailyBudgetMinor).toBe(Math.floor(before * 1.05));
    await gov.rollback.proposal(people.approver, p.id);
    await executor.drain("sbx");
    expect(
      (await connector.listEntities(external)).find((e) => e.externalId === "grp-0")!.dailyBudgetMinor,
    ).toBe(before);
    expect(await gov.audit.verify(people.viewer)).toMatchObject({ ok: true });
  });
});
