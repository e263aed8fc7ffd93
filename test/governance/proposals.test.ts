import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGovernance,
  type Governance,
  GovernanceError,
  systemActor,
} from "../../src/governance/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { budget, depsFor, FakeClock, governanceCounts, people, seedAccount } from "./support.js";

const system = systemActor("default");

describe.each(testEngines())("proposals and approvals on %s", (engine) => {
  let store: TestStore;
  let clock: FakeClock;
  let gov: Governance;
  beforeAll(async () => {
    store = await openTestStore(engine);
    clock = new FakeClock();
    gov = createGovernance(depsFor(store, clock));
  });
  afterAll(() => store.close());

  const refused = async (call: () => Promise<unknown>, code: string, message: RegExp) => {
    const before = await governanceCounts(store);
    await expect(call()).rejects.toSatisfy(
      (e: unknown) => e instanceof GovernanceError && e.code === code && message.test(e.message),
    );
    expect(await governanceCounts(store)).toEqual(before);
  };

  it("records a clipped proposal with its reasons; every increase waits for approval even in live", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const p = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(12_000),
      reason: "MMM says more",
      cycleId: "cy1",
      modelVersions: { mmm: "v1" },
    });
    expect(p).toMatchObject({
      status: "proposed",
      before: { dailyBudgetMinor: 10_000 },
      after: { dailyBudgetMinor: 10_500 },
      requested: { dailyBudgetMinor: 12_000 },
      origin: "optimizer",
      mode: "live",
      requiresApproval: true,
    });
    expect(p.guardrailReasons.map((r) => r.rule)).toEqual(["per_change_cap"]);
    const decrease = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(9_800),
      reason: "fatigue",
      cycleId: "cy1",
    });
    expect(decrease).toMatchObject({
      status: "approved",
      statusChangedBy: "policy",
      requiresApproval: false,
    });
  });

  it("caps increases at 1.25 x the average daily spend of the last 14 days from performance data", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const today = clock.now().toISOString().slice(0, 10);
    for (let d = 1; d <= 10; d++) {
      const date = new Date(Date.parse(`${today}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
      await store.query(
        `INSERT INTO performance_daily (account_id, date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor, conversions, revenue_minor)
         VALUES ($1, $2, 'c1', '', '', 1000, 10, 8200, 1, 0), ($1, $2, 'c1', 'g1', 'a1', 1000, 10, 99999, 1, 0)`,
        [accountId, date],
      );
    }
    const p = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(10_500),
      reason: "scale",
    });
    expect(p.after).toEqual({ dailyBudgetMinor: 10_250 });
    expect(p.guardrailReasons.map((r) => r.rule)).toEqual(["historical_spend_cap"]);
    expect(p.guardrailInputs).toMatchObject({ averageDailySpendMinor: 8_200 });
  });

  it("reads today's hourly spend for the pacing rules: no increase after an hour over 15% of the budget", async () => {
    const { accountId } = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
    ]);
    const { date, hour } = { date: clock.now().toISOString().slice(0, 10), hour: clock.now().getUTCHours() };
    await store.query(
      `INSERT INTO performance_hourly (account_id, date, hour, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor, conversions, revenue_minor)
       VALUES ($1, $2, $3, 'c1', '', '', 100, 1, 1600, 0, 0), ($1, $2, $3, 'c2', '', '', 100, 1, 900, 0, 0)`,
      [accountId, date, hour],
    );
    const hot = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(10_300),
      reason: "scale",
    });
    expect(hot).toMatchObject({
      status: "rejected",
      statusChangedBy: "guardrails",
      guardrailInputs: { pacing: { spendTodayMinor: 1_600, spendThisHourMinor: 1_600 } },
    });
    expect(hot.guardrailReasons.map((r) => r.rule)).toEqual(["hourly_pacing", "no_change"]);
    const calm = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c2" },
      change: budget(10_300),
      reason: "scale",
    });
    expect(calm.after).toEqual({ dailyBudgetMinor: 10_300 });
  });

  it("logs but never auto-approves in shadow mode; canary admits one entity per cycle", async () => {
    const shadow = await seedAccount(store, [{ id: "c1", budget: 10_000 }], { mode: "shadow" });
    const s = await gov.proposals.create(system, {
      accountId: shadow.accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(9_800),
      reason: "cut",
    });
    expect(s.status).toBe("proposed");
    const canary = await seedAccount(
      store,
      [
        { id: "c1", budget: 10_000 },
        { id: "c2", budget: 10_000 },
      ],
      { mode: "canary" },
    );
    const a = await gov.proposals.create(system, {
      accountId: canary.accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(9_800),
      reason: "cut",
      cycleId: "k1",
    });
    const b = await gov.proposals.create(system, {
      accountId: canary.accountId,
      entity: { level: "campaign", id: "c2" },
      change: budget(9_800),
      reason: "cut",
      cycleId: "k1",
    });
    expect(a.status).toBe("approved");
    expect(b).toMatchObject({ status: "rejected", statusChangedBy: "canary" });
    expect(b.statusComment).toMatch(/at most 1 entities per cycle/);
  });

  it("refuses bad input with a clear error and changes nothing", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const entity = { level: "campaign" as const, id: "c1" };
    await refused(
      () =>
        gov.proposals.create(system, {
          accountId,
          entity: { level: "campaign", id: "nope" },
          change: budget(100),
          reason: "x",
        }),
      "not_found",
      /campaign nope does not exist in account/,
    );
    await refused(
      () => gov.proposals.create(system, { accountId, entity, change: budget(-5), reason: "x" }),
      "invalid_input",
      /non-negative integer number of minor units, got -5/,
    );
    await refused(
      () =>
        gov.proposals.create(system, {
          accountId,
          entity,
          change: budget(10_100),
          currency: "EUR",
          reason: "x",
        }),
      "invalid_input",
      /currency mismatch: account .* is in USD, the proposal says EUR/,
    );
    await refused(
      () =>
        gov.proposals.create(system, { accountId: "missing", entity, change: budget(10_100), reason: "x" }),
      "not_found",
      /ad account missing does not exist/,
    );
    await refused(
      () => gov.proposals.create(system, { accountId, entity, change: budget(10_100), reason: " " }),
      "invalid_input",
      /needs a reason/,
    );
  });

  it("approves, refuses approving twice, expired, own and cross-workspace approvals", async () => {
    const { accountId } = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
    ]);
    const p = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(10_300),
      reason: "scale",
    });
    await refused(
      () => gov.proposals.approve(people.analyst, p.id),
      "forbidden",
      /role analyst may not proposals.approve/,
    );
    await refused(() => gov.proposals.approve(people.outsider, p.id), "forbidden", /another workspace/);
    const approved = await gov.proposals.approve(people.approver, p.id, "looks right");
    expect(approved).toMatchObject({ status: "approved", statusChangedBy: "bob" });
    await refused(
      () => gov.proposals.approve(people.approver2, p.id),
      "conflict",
      /already approved \(by bob/,
    );
    const own = await gov.proposals.create(people.analyst, {
      accountId,
      entity: { level: "campaign", id: "c2" },
      change: budget(9_900),
      reason: "manual",
    });
    expect(own).toMatchObject({ status: "proposed", origin: "analyst", requiresApproval: true });
    const late = await gov.proposals.create(people.approver, {
      accountId,
      entity: { level: "campaign", id: "c2" },
      change: budget(9_800),
      reason: "mine",
    });
    await refused(
      () => gov.proposals.approve(people.approver, late.id),
      "forbidden",
      /cannot approve their own/,
    );
    clock.advance(25 * 3_600_000);
    await refused(
      () => gov.proposals.approve(people.approver2, own.id),
      "expired",
      /expired at .* can no longer be approved/,
    );
    const expired = await gov.proposals.expireDue();
    expect(expired.map((e) => e.id)).toEqual(expect.arrayContaining([own.id, late.id]));
    // approved in a live account: left to the executor, which looks at the platform first
    expect(expired.map((e) => e.id)).not.toContain(p.id);
    await refused(
      () => gov.proposals.approve(people.approver2, own.id),
      "conflict",
      /expired and cannot become approved/,
    );
  });

  it("never lists a proposal whose review window has passed as waiting: listing expires it first", async () => {
    const { accountId } = await seedAccount(store, [{ id: "q1", budget: 10_000 }]);
    const stale = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "q1" },
      change: budget(10_200),
      reason: "scale",
    });
    const waiting = async () =>
      (await gov.proposals.list(people.viewer, { accountId, status: "proposed" })).map((p) => p.id);
    expect(await waiting()).toEqual([stale.id]);
    clock.advance(25 * 3_600_000);
    // another workspace's listing leaves this one's proposals alone
    await gov.proposals.list(people.outsider, { status: "proposed" });
    const [row] = await store.query<{ status: string }>("SELECT status FROM proposals WHERE id = $1", [
      stale.id,
    ]);
    expect(row?.status).toBe("proposed");
    expect(await waiting()).toEqual([]);
    const [expired] = await gov.proposals.list(people.viewer, { accountId, status: "expired" });
    expect(expired).toMatchObject({
      id: stale.id,
      status: "expired",
      statusComment: expect.stringMatching(/not reviewed before/),
    });
    const { history } = await gov.proposals.show(people.viewer, stale.id);
    expect(history.map((h) => h.action)).toContain("proposal.expired");
  });

  it("rejects with a required comment; batch approval is all or nothing", async () => {
    const { accountId } = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: 10_000 },
      { id: "c3", budget: 10_000 },
    ]);
    const mk = (id: string) =>
      gov.proposals.create(system, {
        accountId,
        entity: { level: "campaign", id },
        change: budget(10_200),
        reason: "scale",
      });
    const [a, b, c] = [await mk("c1"), await mk("c2"), await mk("c3")];
    await refused(() => gov.proposals.reject(people.approver, a.id, ""), "invalid_input", /needs a comment/);
    expect(await gov.proposals.reject(people.approver, a.id, "not now")).toMatchObject({
      status: "rejected",
      statusComment: "not now",
    });
    await refused(
      () => gov.proposals.approveMany(people.approver, [b.id, a.id, c.id]),
      "conflict",
      /proposal \d+ is rejected/,
    );
    expect((await gov.proposals.approveMany(people.approver, [b.id, c.id])).map((p) => p.status)).toEqual([
      "approved",
      "approved",
    ]);
    const listed = await gov.proposals.list(people.viewer, { accountId, status: ["approved", "rejected"] });
    expect(listed.map((p) => [p.id, p.status])).toEqual([
      [c.id, "approved"],
      [b.id, "approved"],
      [a.id, "rejected"],
    ]);
    expect(await gov.proposals.list(people.outsider, { accountId })).toEqual([]);
  });

  it("a proposal changed after review needs review again", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const p = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(10_300),
      reason: "scale",
    });
    await gov.proposals.approve(people.approver, p.id);
    const revised = await gov.proposals.revise(system, p.id, budget(10_400), "re-planned");
    expect(revised).toMatchObject({ status: "proposed", revision: 2, after: { dailyBudgetMinor: 10_400 } });
    expect(revised.contentHash).not.toBe(p.contentHash);
    expect((await gov.proposals.approve(people.approver2, p.id)).status).toBe("approved");
  });

  it("re-using an idempotency key returns the same proposal; a different change under it is refused", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const input = {
      accountId,
      entity: { level: "campaign" as const, id: "c1" },
      change: budget(10_300),
      reason: "scale",
      idempotencyKey: `k-${accountId}`,
    };
    const first = await gov.proposals.create(system, input);
    expect((await gov.proposals.create(system, input)).id).toBe(first.id);
    await refused(
      () => gov.proposals.create(system, { ...input, change: budget(10_200) }),
      "conflict",
      /already used by proposal/,
    );
  });

  it("an active override blocks the optimizer; analysts cannot approve their own override", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    await expect(
      gov.overrides.add(people.analyst, {
        accountId,
        kind: "forbid",
        entity: { level: "campaign", id: "c1" },
        justification: "short",
        expiresAt: new Date(clock.now().getTime() + 86_400_000),
      }),
    ).rejects.toThrow(/justification of at least 10/);
    const { override, proposal } = await gov.overrides.add(people.analyst, {
      accountId,
      kind: "pin_budget",
      entity: { level: "campaign", id: "c1" },
      value: { dailyBudgetMinor: 10_400 },
      justification: "Launch week: hold spend steady",
      expiresAt: new Date(clock.now().getTime() + 7 * 86_400_000),
    });
    expect(proposal).toMatchObject({
      origin: "override",
      overrideId: override.id,
      status: "proposed",
      createdBy: "ana",
    });
    const blocked = await gov.proposals.create(system, {
      accountId,
      entity: { level: "campaign", id: "c1" },
      change: budget(9_600),
      reason: "cut",
    });
    expect(blocked).toMatchObject({
      status: "rejected",
      statusChangedBy: `override:${override.id}`,
      overrideId: override.id,
    });
    const analystAsApprover = { ...people.approver, userId: "ana" };
    await expect(gov.proposals.approve(analystAsApprover, proposal!.id)).rejects.toThrow(
      /cannot approve their own/,
    );
    await gov.overrides.end(people.analyst, override.id, "launch done");
    clock.advance(60_000);
    expect(await gov.overrides.list(people.viewer, { accountId, activeAt: clock.now() })).toEqual([]);
    expect(
      (
        await gov.proposals.create(system, {
          accountId,
          entity: { level: "campaign", id: "c1" },
          change: budget(9_600),
          reason: "cut",
        })
      ).status,
    ).toBe("approved");
  });

  it("records override impact and reports it per override and per analyst; stores domain hints", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }]);
    const { override } = await gov.overrides.add(people.analyst, {
      accountId,
      kind: "forbid",
      entity: { level: "campaign", id: "c1" },
      justification: "Brand campaign, legal hold",
      expiresAt: new Date(clock.now().getTime() + 86_400_000),
    });
    await gov.overrides.recordImpact({
      overrideId: override.id,
      periodFrom: "2026-03-02",
      periodTo: "2026-03-08",
      metric: "conversions",
      actual: 120,
      counterfactual: 100,
      modelVersion: "bandit-v1",
    });
    const report = await gov.overrides.impactReport(people.viewer, accountId);
    expect(report.perOverride).toEqual([
      {
        overrideId: override.id,
        analyst: "ana",
        kind: "forbid",
        metric: "conversions",
        actual: 120,
        counterfactual: 100,
        delta: 20,
      },
    ]);
    expect(report.perAnalyst[0]).toMatchObject({ analyst: "ana", overrides: 1, delta: 20, wins: 1 });
    const hint = await gov.hints.add(people.analyst, {
      accountId,
      channel: "search",
      multiplier: 1.3,
      dateFrom: "2026-10-01",
      dateTo: "2026-12-31",
      justification: "Q4 is always strong",
    });
    expect(await gov.hints.list({ accountId, from: "2026-11-01", to: "2026-11-30" })).toEqual([hint]);
    await expect(
      gov.hints.add(people.analyst, {
        accountId,
        channel: "search",
        multiplier: -1,
        dateFrom: "2026-10-01",
        dateTo: "2026-12-31",
        justification: "Q4 is always strong",
      }),
    ).rejects.toThrow(/multiplier must be in/);
  });

  it("switches modes only as admin, audited", async () => {
    const { accountId } = await seedAccount(store, [{ id: "c1", budget: 10_000 }], { mode: "shadow" });
    await refused(
      () => gov.setMode(people.approver, accountId, "live", "go"),
      "forbidden",
      /may not mode.set/,
    );
    expect(await gov.setMode(people.admin, accountId, "live", "two weeks of clean shadow runs")).toEqual({
      from: "shadow",
      to: "live",
    });
    const entries = await gov.audit.list(people.viewer, { accountId });
    expect(entries.at(-1)).toMatchObject({
      action: "account.mode_changed",
      actor: "dan",
      after: { mode: "live" },
    });
    expect(await gov.audit.verify(people.viewer)).toMatchObject({ ok: true });
  });
});
