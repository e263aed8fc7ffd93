import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo } from "../../../src/service/demo/run-demo.js";
import { testEngines } from "../../support/stores.js";
import { bearer, createKeys, type FeatureFixture, openFeatureFixture } from "./fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Json = Record<string, any>;

/** Four real cycles (one simulated day) of the sandbox demo: decisions, allocations, applied changes. */
describe.each(testEngines())("allocation, arms, decisions and cycles on %s (demo data)", (engine) => {
  let f: FeatureFixture;
  let accountId: string;
  beforeAll(async () => {
    f = await openFeatureFixture(engine, {
      seedA: async (store) => {
        const handle = await startDemo(
          store,
          {
            scenario: "ecommerce",
            seed: 1,
            speed: 100,
            hoursPerCycle: 6,
            days: 1,
            oracle: false,
            users: 2000,
          },
          () => {},
        );
        await handle.done;
        return {
          id: handle.workspaceId,
          accountId: handle.accountId,
          ...(await createKeys(store, handle.workspaceId)),
        };
      },
    });
    accountId = f.a.accountId;
  }, 120_000);
  afterAll(async () => f?.close());

  const get = async (url: string, key = f.a.keys.viewer) => {
    const res = await f.app.inject({ method: "GET", url, headers: bearer(key) });
    return { status: res.statusCode, body: res.json() as Json };
  };

  it("GET allocation: the latest cycle per arm and channel, matching the store and the current budgets", async () => {
    const { status, body } = await get(`/accounts/${accountId}/allocation`);
    expect(status, JSON.stringify(body)).toBe(200);
    const [{ max }] = await f.store.query<{ max: number }>(
      "SELECT max(cycle_no) AS max FROM allocations WHERE account_id = $1",
      [accountId],
    );
    expect(body.cycleNo).toBe(max);
    expect(body.currency).toBe("USD");
    const rows = await f.store.query<{ arm_id: string; budget_minor: number; share: number }>(
      "SELECT arm_id, budget_minor, share FROM allocations WHERE account_id = $1 AND cycle_no = $2 ORDER BY arm_id",
      [accountId, max],
    );
    const arms = [...body.arms].sort((x: Json, y: Json) => x.armId.localeCompare(y.armId));
    expect(arms.map((a: Json) => [a.armId, a.budgetMinor, a.share])).toEqual(
      rows.map((r) => [r.arm_id, r.budget_minor, r.share]),
    );
    const campaigns = await f.store.query<{ external_id: string; daily_budget_minor: number }>(
      "SELECT external_id, daily_budget_minor FROM campaigns WHERE account_id = $1",
      [accountId],
    );
    for (const c of campaigns)
      expect(arms.find((a: Json) => a.armId === c.external_id)?.currentBudgetMinor).toBe(
        c.daily_budget_minor,
      );
    expect(body.totalBudgetMinor).toBe(rows.reduce((s, r) => s + r.budget_minor, 0));
    const channelTotal = body.channels.reduce((s: number, c: Json) => s + c.budgetMinor, 0);
    expect(channelTotal).toBe(body.totalBudgetMinor);
    expect(body.channels.every((c: Json) => c.source === "bandit")).toBe(true);
  });

  it("GET allocations: one entry per cycle with channel shares; from/to filter by cycle day", async () => {
    const { status, body } = await get(`/accounts/${accountId}/allocations`);
    expect(status).toBe(200);
    const cycles = await f.store.query<{ cycle_no: number }>(
      "SELECT DISTINCT cycle_no FROM allocations WHERE account_id = $1 ORDER BY cycle_no",
      [accountId],
    );
    expect(body.cycles.map((c: Json) => c.cycleNo)).toEqual(cycles.map((c) => c.cycle_no));
    expect(body.channels).toEqual(["display", "search", "social", "video"]);
    for (const c of body.cycles) {
      const share = c.channels.reduce((s: number, x: Json) => s + x.share, 0);
      expect(share).toBeGreaterThan(0.99);
      expect(share).toBeLessThan(1.01);
    }
    const day = body.cycles[0].at.slice(0, 10);
    const sameDay = await get(`/accounts/${accountId}/allocations?from=${day}&to=${day}`);
    expect(sameDay.body.cycles.length).toBe(body.cycles.filter((c: Json) => c.at.startsWith(day)).length);
    expect(
      (await get(`/accounts/${accountId}/allocations?from=2001-01-01&to=2001-01-02`)).body.cycles,
    ).toEqual([]);
    const bad = await get(`/accounts/${accountId}/allocations?from=2025-13-01`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("query.from");
  });

  it("GET arms: latest decision with explanation, posterior ROAS and fatigue, and applied budget changes", async () => {
    const { status, body } = await get(`/accounts/${accountId}/arms`);
    expect(status).toBe(200);
    expect(body.arms.map((a: Json) => a.armId)).toEqual(["cmp-0", "cmp-1", "cmp-2", "cmp-3"]);
    for (const arm of body.arms) {
      const [latest] = await f.store.query<Json>(
        `SELECT cycle_no, action, confidence, explanation, numbers FROM decisions
          WHERE account_id = $1 AND arm_id = $2 ORDER BY cycle_no DESC LIMIT 1`,
        [accountId, arm.armId],
      );
      expect(arm.decision).toMatchObject({
        cycleNo: latest.cycle_no,
        action: latest.action,
        confidence: latest.confidence,
        explanation: latest.explanation,
      });
      expect(arm.decision.posterior.roas.mean).toBe(latest.numbers.roasPosteriorMean);
      expect(arm.decision.fatigue).toBe(latest.numbers.fatigue);
      expect(arm.decision.factors.length).toBeGreaterThan(0);
    }
    const applied = await f.store.query<{ entity_id: string; proposal_id: number; after_numeric: number }>(
      "SELECT entity_id, proposal_id, after_numeric FROM applied_changes WHERE account_id = $1 ORDER BY applied_at, id",
      [accountId],
    );
    expect(applied.length).toBeGreaterThan(0);
    const changes = body.arms.flatMap((a: Json) =>
      a.budgetChanges.map((c: Json) => [a.armId, c.proposalId, c.toMinor]),
    );
    expect(changes.sort()).toEqual(
      applied.map((r) => [r.entity_id, Number(r.proposal_id), r.after_numeric]).sort(),
    );
    expect(
      body.arms.flatMap((a: Json) => a.budgetChanges).every((c: Json) => c.approvedBy === "policy"),
    ).toBe(true);
  });

  it("GET decisions: filtered by cycle, arm and action, newest first", async () => {
    const all = await get(`/accounts/${accountId}/decisions`);
    expect(all.status).toBe(200);
    const [{ n }] = await f.store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM decisions WHERE account_id = $1",
      [accountId],
    );
    expect(all.body.decisions.length).toBe(n);
    const cycleNos = all.body.decisions.map((d: Json) => d.cycleNo);
    expect(cycleNos).toEqual([...cycleNos].sort((x, y) => y - x));
    const arm = await get(`/accounts/${accountId}/decisions?arm=cmp-1&cycle=2`);
    expect(arm.body.decisions).toHaveLength(1);
    expect(arm.body.decisions[0]).toMatchObject({ armId: "cmp-1", cycleNo: 2, channel: "social" });
    const action = all.body.decisions[0].action;
    const byAction = await get(`/accounts/${accountId}/decisions?action=${action}&limit=2`);
    expect(byAction.body.decisions.every((d: Json) => d.action === action)).toBe(true);
    expect(byAction.body.decisions.length).toBeLessThanOrEqual(2);
    const bad = await get(`/accounts/${accountId}/decisions?action=PANIC`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("query.action");
    const tooMany = await get(`/accounts/${accountId}/decisions?limit=100000`);
    expect(tooMany.body.error.field).toBe("query.limit");
  });

  it("GET cycles: status, duration and summary from the store", async () => {
    const { status, body } = await get(`/accounts/${accountId}/cycles?limit=2`);
    expect(status).toBe(200);
    const rows = await f.store.query<Json>(
      "SELECT cycle_no, status, duration_ms, summary FROM cycles WHERE account_id = $1 ORDER BY cycle_no DESC LIMIT 2",
      [accountId],
    );
    expect(body.cycles.map((c: Json) => [c.cycleNo, c.status, c.durationMs])).toEqual(
      rows.map((r) => [r.cycle_no, r.status, r.duration_ms]),
    );
    expect(body.cycles[0].summary).toEqual(rows[0].summary);
    expect(body.cycles[0].simTime).toMatch(/^2025-\d\d-\d\dT/);
  });

  it("another workspace's key gets 404 on every account route; an unknown account too", async () => {
    for (const path of ["allocation", "allocations", "arms", "decisions", "cycles"]) {
      const foreign = await get(`/accounts/${accountId}/${path}`, f.b.keys.admin);
      expect(foreign.status, path).toBe(404);
      expect(foreign.body.error.field).toBe("params.accountId");
      expect((await get(`/accounts/nope/${path}`)).status).toBe(404);
    }
  });

  it("an account with no cycles yet answers with empty lists", async () => {
    const res = await get(`/accounts/${f.b.accountId}/allocation`, f.b.keys.viewer);
    expect(res.body).toMatchObject({ cycleNo: null, arms: [], channels: [] });
    const arms = await get(`/accounts/${f.b.accountId}/arms`, f.b.keys.viewer);
    expect(arms.body.arms.map((a: Json) => [a.armId, a.decision, a.budgetChanges])).toEqual([
      ["c1", null, []],
      ["c2", null, []],
    ]);
  });
});
