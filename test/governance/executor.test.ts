import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGovernance, type Governance, systemActor } from "../../src/governance/index.js";
import type { FakeConnector } from "../../src/governance/testing/fake-connector.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { budget, depsFor, FakeClock, people, seedAccount } from "./support.js";

const system = systemActor("default");

describe.each(testEngines())("executor on %s", (engine) => {
  let store: TestStore;
  let clock: FakeClock;
  let gov: Governance;
  const sleeps: number[] = [];
  const fakes = new Map<string, FakeConnector>();
  const executor = (hooks = {}) =>
    gov.executor(
      {
        connectorFor: (id) => fakes.get(id)!,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.advance(ms);
        },
        workerId: "executor:test",
      },
      { hooks },
    );
  beforeAll(async () => {
    store = await openTestStore(engine);
    clock = new FakeClock();
    gov = createGovernance(depsFor(store, clock, 7));
  });
  afterAll(() => store.close());

  async function account(campaigns: { id: string; budget: number }[], config = {}) {
    const seeded = await seedAccount(store, campaigns, config, clock);
    fakes.set(seeded.accountId, seeded.fake);
    return seeded;
  }
  const approvedIncrease = async (accountId: string, id: string, to: number, cycleId?: string) => {
    const p = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id },
      change: budget(to),
      reason: "scale",
      cycleId,
    });
    return gov.proposals.approve(people.approver, p.id);
  };

  it("applies approved proposals with a snapshot, the mirror, audit, and 3-18 s between mutations", async () => {
    const { accountId, fake } = await account([
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 20_000 },
    ]);
    const a = await approvedIncrease(accountId, "c1", 10_500);
    const b = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c2" },
      change: budget(19_000),
      reason: "cut",
    });
    expect(b.status).toBe("approved");
    sleeps.length = 0;
    const outcomes = await executor().drain(accountId);
    expect(outcomes.map((o) => [o.proposalId, o.result])).toEqual([
      [a.id, "applied"],
      [b.id, "applied"],
    ]);
    expect(fake.entity("c1")?.dailyBudgetMinor).toBe(10_500);
    expect(fake.entity("c2")?.dailyBudgetMinor).toBe(19_000);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3_000);
    expect(sleeps[0]).toBeLessThanOrEqual(18_000);
    const [snap] = await store.query<Record<string, unknown>>(
      "SELECT * FROM applied_changes WHERE proposal_id = $1",
      [a.id],
    );
    expect(snap).toMatchObject({ before_numeric: 10_000, after_numeric: 10_500, reconciled: false });
    const [mirror] = await store.query<{ daily_budget_minor: number }>(
      "SELECT daily_budget_minor FROM campaigns WHERE account_id = $1 AND external_id = 'c1'",
      [accountId],
    );
    expect(mirror.daily_budget_minor).toBe(10_500);
    expect((await gov.proposals.show(people.viewer, a.id)).history.map((h) => h.action)).toEqual([
      "proposal.created",
      "proposal.approved",
      "proposal.applied",
    ]);
  });

  it("never applies in shadow mode", async () => {
    const { accountId, fake } = await account([{ id: "c1", budget: 10_000 }], { mode: "shadow" });
    await approvedIncrease(accountId, "c1", 10_500);
    expect(await executor().runOnce(accountId)).toBeNull();
    expect(fake.mutations).toEqual([]);
  });

  it("retries transient errors with backoff, fails on permanent ones, defers when retries run out", async () => {
    const { accountId, fake } = await account([
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
      { id: "c3", budget: 10_000 },
    ]);
    const a = await approvedIncrease(accountId, "c1", 10_500);
    fake.injectFaults("transient", "rate_limit");
    sleeps.length = 0;
    expect(await executor().runOnce(accountId)).toMatchObject({ proposalId: a.id, result: "applied" });
    expect(sleeps).toEqual([1_000, 2_000]); // the first mutation has no jitter; backoff 1 s, then 2 s
    const b = await approvedIncrease(accountId, "c2", 10_500);
    fake.injectFaults("invalid_request");
    expect(await executor().runOnce(accountId)).toMatchObject({ proposalId: b.id, result: "failed" });
    expect((await gov.proposals.show(people.viewer, b.id)).proposal).toMatchObject({
      status: "failed",
      lastError: "invalid_request: injected invalid_request failure",
    });
    const c = await approvedIncrease(accountId, "c3", 10_500);
    fake.injectFaults("transient", "transient", "transient");
    const deferred = await executor().runOnce(accountId);
    expect(deferred).toMatchObject({ proposalId: c.id, result: "deferred" });
    const after = (await gov.proposals.show(people.viewer, c.id)).proposal;
    expect(after).toMatchObject({ status: "approved", attempts: 1 });
    expect(after.nextAttemptAt!.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await executor().runOnce(accountId)).toBeNull();
    clock.advance(3_600_000);
    expect(await executor().runOnce(accountId)).toMatchObject({ proposalId: c.id, result: "applied" });
  });

  it("defers the change over the campaign rate limit until the window frees up", async () => {
    const { accountId, fake } = await account([{ id: "c1", budget: 10_000 }], {
      guardrails: { changesPerCampaignPerHour: 2 },
    });
    for (const to of [10_300, 10_600]) {
      await approvedIncrease(accountId, "c1", to);
      await executor().drain(accountId);
    }
    const third = await approvedIncrease(accountId, "c1", 10_900);
    const o = await executor().runOnce(accountId);
    expect(o).toMatchObject({ proposalId: third.id, result: "deferred" });
    expect(o?.detail).toMatch(/2 changes in the last hour \(limit 2/);
    clock.advance(3_600_000);
    expect(await executor().runOnce(accountId)).toMatchObject({ result: "applied" });
    expect(fake.mutations).toHaveLength(3);
  });

  it("reconciles after a crash between the platform call and the commit: applied once", async () => {
    const { accountId, fake } = await account([{ id: "c1", budget: 10_000 }]);
    fake.honourIdempotencyKeys = false;
    const p = await approvedIncrease(accountId, "c1", 10_500);
    const kill = () => {
      throw new Error("killed");
    };
    await expect(executor({ afterPlatformCall: kill }).runOnce(accountId)).rejects.toThrow("killed");
    expect((await gov.proposals.show(people.viewer, p.id)).proposal.status).toBe("approved");
    expect(fake.mutations).toHaveLength(1);
    expect(await executor().runOnce(accountId)).toMatchObject({ proposalId: p.id, result: "reconciled" });
    expect(fake.mutations).toHaveLength(1);
    expect(fake.applyCalls).toBe(1);
  });

  it("expires an approval that waited too long, unless its apply already reached the platform", async () => {
    const { accountId, fake } = await account([
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
    ]);
    fake.honourIdempotencyKeys = false;
    const a = await approvedIncrease(accountId, "c1", 10_500);
    await expect(
      executor({
        afterPlatformCall: () => {
          throw new Error("killed");
        },
      }).runOnce(accountId),
    ).rejects.toThrow("killed");
    const b = await approvedIncrease(accountId, "c2", 10_500);
    clock.advance(25 * 3_600_000);
    expect(await executor().drain(accountId)).toEqual([
      expect.objectContaining({ proposalId: a.id, result: "reconciled" }),
      expect.objectContaining({ proposalId: b.id, result: "expired" }),
    ]);
    expect(fake.mutations.map((m) => m.change.entityExternalId)).toEqual(["c1"]);
  });

  it("reconciles a lost answer before retrying, even on a platform that ignores idempotency keys", async () => {
    const { accountId, fake } = await account([{ id: "c1", budget: 10_000 }]);
    fake.honourIdempotencyKeys = false;
    await approvedIncrease(accountId, "c1", 10_500);
    fake.injectFaults("lost_response");
    expect(await executor().runOnce(accountId)).toMatchObject({ result: "applied" });
    expect(fake.mutations).toHaveLength(1);
  });

  it("fails when the platform drifted, and when the account total no longer has room", async () => {
    const { accountId, fake } = await account(
      [
        { id: "c1", budget: 10_000 },
        { id: "c2", budget: 10_000 },
      ],
      { guardrails: { accountDailyBudget: 205 } },
    );
    const a = await approvedIncrease(accountId, "c1", 10_500);
    const b = await approvedIncrease(accountId, "c2", 10_500);
    expect(await executor().drain(accountId)).toEqual([
      expect.objectContaining({ proposalId: a.id, result: "applied" }),
      expect.objectContaining({
        proposalId: b.id,
        result: "failed",
        detail: expect.stringMatching(/total at most 20500/),
      }),
    ]);
    const c = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(10_000),
      reason: "cut",
    });
    fake.setEntity("c1", { dailyBudgetMinor: 12_345 });
    expect(await executor().runOnce(accountId)).toMatchObject({
      proposalId: c.id,
      result: "failed",
      detail: "platform state drifted",
    });
    expect((await gov.proposals.show(people.viewer, c.id)).proposal.statusComment).toMatch(
      /the platform shows 12345/,
    );
  });

  it("rolls back a proposal, a canary cycle, and everything after a time, as audited proposals", async () => {
    const { accountId, fake } = await account([
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
    ]);
    const first = await approvedIncrease(accountId, "c1", 10_500, "cycle-1");
    await executor().drain(accountId);
    await expect(gov.rollback.proposal(people.analyst, first.id)).rejects.toThrow(/may not rollback.create/);
    const r = await gov.rollback.proposal(people.approver, first.id);
    expect(r.proposals[0]).toMatchObject({
      origin: "rollback",
      status: "approved",
      rollsBack: [first.id],
      after: { dailyBudgetMinor: 10_000 },
    });
    await executor().drain(accountId);
    expect(fake.entity("c1")?.dailyBudgetMinor).toBe(10_000);
    expect((await gov.proposals.show(people.viewer, first.id)).proposal.status).toBe("rolled_back");
    await expect(gov.rollback.proposal(people.approver, first.id)).rejects.toThrow(
      /rolled_back; only applied/,
    );

    clock.advance(2 * 3_600_000);
    const mark = clock.now();
    clock.advance(60_000);
    await approvedIncrease(accountId, "c1", 10_500, "cycle-2");
    await approvedIncrease(accountId, "c2", 10_400, "cycle-2");
    await executor().drain(accountId);
    clock.advance(3_600_000);
    await approvedIncrease(accountId, "c1", 11_000, "cycle-3");
    await executor().drain(accountId);
    expect(fake.entity("c1")?.dailyBudgetMinor).toBe(11_000);
    const cycle3 = await gov.rollback.cycle(people.approver, accountId, "cycle-3");
    expect(cycle3.proposals).toHaveLength(1);
    await executor().drain(accountId);
    expect(fake.entity("c1")?.dailyBudgetMinor).toBe(10_500);
    const back = await gov.rollback.to(people.approver, accountId, mark);
    expect(back.proposals.map((p) => p.after)).toEqual(
      expect.arrayContaining([{ dailyBudgetMinor: 10_000 }, { dailyBudgetMinor: 10_000 }]),
    );
    await executor().drain(accountId);
    expect([fake.entity("c1")?.dailyBudgetMinor, fake.entity("c2")?.dailyBudgetMinor]).toEqual([
      10_000, 10_000,
    ]);
    expect(await gov.audit.verify(people.viewer)).toMatchObject({ ok: true });
  });

  it("audit_log refuses UPDATE and DELETE, and verify finds the first tampered entry", async () => {
    await expect(store.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")).rejects.toThrow(
      /append-only/,
    );
    await expect(store.query("DELETE FROM audit_log WHERE seq = 2")).rejects.toThrow(/append-only/);
    // an attacker with owner rights can disable the trigger; the chain still shows it
    await store.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
    await store.query(`UPDATE audit_log SET after = '{"status":"approved","forged":true}' WHERE seq = 3`);
    await store.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    expect(await gov.audit.verify(people.viewer)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: "hash_mismatch",
    });
  });
});
