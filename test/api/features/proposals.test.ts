import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEngines } from "../../support/stores.js";
import { bearer, type FeatureFixture, openFeatureFixture, propose } from "./fixture.js";

/** Everything governance writes, for "a refused request changes nothing". */
async function governanceSnapshot(f: FeatureFixture): Promise<string> {
  return JSON.stringify(
    await Promise.all([
      f.store.query(
        "SELECT id, status, status_changed_by, status_comment, revision FROM proposals ORDER BY id",
      ),
      f.store.query("SELECT proposal_id, decision, actor, comment FROM approvals ORDER BY id"),
      f.store.query("SELECT count(*)::int AS n FROM audit_log"),
      f.store.query("SELECT id, ended_at FROM overrides ORDER BY id"),
    ]),
  );
}

describe.each(testEngines())("proposal routes on %s", (engine) => {
  let f: FeatureFixture;
  beforeAll(async () => {
    f = await openFeatureFixture(engine);
  });
  afterAll(async () => f?.close());

  const get = (url: string, key = f.a.keys.viewer) =>
    f.app.inject({ method: "GET", url, headers: bearer(key) });
  const post = (url: string, payload: object | undefined, key = f.a.keys.approver) =>
    f.app.inject({ method: "POST", url, payload, headers: bearer(key) });

  it("lists the queue with before/after, guardrail clips and reason; filters by status and account", async () => {
    const p1 = await propose(f, f.a, "c1", 5200);
    const p2 = await propose(f, f.a, "c2", 8400);
    const other = await propose(f, f.b, "c1", 5100);
    expect([p1.status, p2.status, other.status]).toEqual(["proposed", "proposed", "proposed"]);

    const res = await get("/proposals?status=proposed");
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().proposals.map((p: { id: number }) => p.id);
    expect(ids).toEqual([p2.id, p1.id]);
    const shown = res.json().proposals[1];
    expect(shown).toMatchObject({
      id: p1.id,
      accountId: "acc_a",
      entityId: "c1",
      status: "proposed",
      reason: "test: c1 to 5200",
      budgetChange: {
        beforeMinor: 5000,
        afterMinor: (p1.after as { dailyBudgetMinor: number }).dailyBudgetMinor,
      },
      clipped: p1.guardrailReasons.length > 0,
      createdBy: "system",
    });
    const [row] = await f.store.query<{ after: { dailyBudgetMinor: number } }>(
      "SELECT after_value AS after FROM proposals WHERE id = $1",
      [p1.id],
    );
    expect(shown.budgetChange.afterMinor).toBe(row.after.dailyBudgetMinor);

    const byAccount = await get("/proposals?account=acc_a&limit=1");
    expect(byAccount.json().proposals.map((p: { id: number }) => p.id)).toEqual([p2.id]);
    // another workspace's proposals never show, and its account is unknown here
    expect(
      (await get("/proposals", f.b.keys.viewer)).json().proposals.map((p: { id: number }) => p.id),
    ).toEqual([other.id]);
    const foreign = await get("/proposals?account=acc_b");
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.field).toBe("query.account");
  });

  it("shows one proposal with its audit history; another workspace's id is 404", async () => {
    const p = await propose(f, f.a, "c1", 5100, "acc_a:show");
    const res = await get(`/proposals/${p.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().proposal.id).toBe(p.id);
    expect(res.json().history.map((h: { action: string }) => h.action)).toContain("proposal.created");
    expect((await get(`/proposals/${p.id}`, f.b.keys.admin)).statusCode).toBe(404);
    expect((await get("/proposals/999999")).statusCode).toBe(404);
    const bad = await get("/proposals/abc");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("params.id");
  });

  it("approves: status changes, it leaves the queue, the approval and an event are recorded", async () => {
    const p = await propose(f, f.a, "c2", 8200, "acc_a:approve");
    const res = await post(`/proposals/${p.id}/approve`, { comment: "looks right" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().proposal).toMatchObject({ id: p.id, status: "approved", statusComment: "looks right" });
    const [approval] = await f.store.query<{ actor: string; decision: string }>(
      "SELECT actor, decision FROM approvals WHERE proposal_id = $1",
      [p.id],
    );
    expect(approval).toEqual({ actor: `key:${f.a.keyIds.approver}`, decision: "approved" });
    const queue = (await get("/proposals?status=proposed")).json().proposals.map((q: { id: number }) => q.id);
    expect(queue).not.toContain(p.id);
    expect(f.published.at(-1)).toMatchObject({
      type: "proposal.approved",
      workspaceId: "acme",
      accountId: "acc_a",
      data: { proposalId: p.id, status: "approved" },
    });
    // twice: conflict, nothing changes
    const before = await governanceSnapshot(f);
    const again = await post(`/proposals/${p.id}/approve`, {});
    expect(again.statusCode).toBe(409);
    expect(await governanceSnapshot(f)).toBe(before);
  });

  it("rejects only with a comment; the rejection leaves the queue", async () => {
    const p = await propose(f, f.a, "c1", 5150, "acc_a:reject");
    const before = await governanceSnapshot(f);
    const missing = await post(`/proposals/${p.id}/reject`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe("body.comment");
    const blank = await post(`/proposals/${p.id}/reject`, { comment: "   " });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.field).toBe("body.comment");
    expect(await governanceSnapshot(f)).toBe(before);

    const res = await post(`/proposals/${p.id}/reject`, { comment: "brand week, keep it" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().proposal).toMatchObject({ status: "rejected", statusComment: "brand week, keep it" });
    const [row] = await f.store.query<{ status: string }>("SELECT status FROM proposals WHERE id = $1", [
      p.id,
    ]);
    expect(row.status).toBe("rejected");
    expect(f.published.at(-1)).toMatchObject({ type: "proposal.rejected", data: { proposalId: p.id } });
  });

  it("batch-approves all or nothing", async () => {
    const p1 = await propose(f, f.a, "c1", 5050, "acc_a:batch");
    const p2 = await propose(f, f.a, "c2", 8100, "acc_a:batch");
    const foreign = await propose(f, f.b, "c2", 8100, "acc_b:batch");
    const before = await governanceSnapshot(f);
    const mixed = await post("/proposals/approve", { ids: [p1.id, foreign.id] });
    expect(mixed.statusCode).toBe(404);
    expect(mixed.json().error.field).toBe("body.ids.1");
    const dup = await post("/proposals/approve", { ids: [p1.id, p1.id] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.field).toBe("body.ids");
    const empty = await post("/proposals/approve", { ids: [] });
    expect(empty.statusCode).toBe(400);
    expect(await governanceSnapshot(f)).toBe(before);

    const res = await post("/proposals/approve", { ids: [p2.id, p1.id], comment: "batch" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().proposals.map((p: { status: string }) => p.status)).toEqual(["approved", "approved"]);
    const rows = await f.store.query<{ status: string }>(
      "SELECT status FROM proposals WHERE id = ANY($1::bigint[]) ORDER BY id",
      [[p1.id, p2.id]],
    );
    expect(rows.map((r) => r.status)).toEqual(["approved", "approved"]);
  });

  it("role matrix: viewer and analyst cannot decide (403), another workspace's approver gets 404", async () => {
    const p = await propose(f, f.a, "c2", 8050, "acc_a:roles");
    const before = await governanceSnapshot(f);
    for (const role of ["viewer", "analyst"] as const) {
      const res = await post(`/proposals/${p.id}/approve`, {}, f.a.keys[role]);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe("forbidden");
    }
    expect((await post(`/proposals/${p.id}/approve`, {}, f.b.keys.approver)).statusCode).toBe(404);
    expect((await post(`/proposals/${p.id}/reject`, { comment: "no" }, f.b.keys.admin)).statusCode).toBe(404);
    expect((await post("/proposals/approve", { ids: [p.id] }, f.b.keys.admin)).statusCode).toBe(404);
    expect(await governanceSnapshot(f)).toBe(before);
    // admin may
    expect((await post(`/proposals/${p.id}/approve`, {}, f.a.keys.admin)).statusCode).toBe(200);
  });

  it("an approver cannot approve the proposal of their own override; another approver can", async () => {
    const res = await post(
      "/overrides",
      {
        accountId: "acc_a",
        kind: "pin_budget",
        entity: { level: "campaign", id: "c1" },
        value: { dailyBudgetMinor: 5100 },
        justification: "brand campaign launch week",
        expiresAt: new Date(f.now().getTime() + 3 * 86_400_000).toISOString(),
      },
      f.a.keys.approver,
    );
    expect(res.statusCode, res.body).toBe(201);
    const proposalId = res.json().proposal.id;
    expect(res.json().proposal.createdBy).toBe(`key:${f.a.keyIds.approver}`);
    const before = await governanceSnapshot(f);
    const own = await post(`/proposals/${proposalId}/approve`, {}, f.a.keys.approver);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/own/);
    expect(await governanceSnapshot(f)).toBe(before);
    expect((await post(`/proposals/${proposalId}/approve`, {}, f.a.keys.admin)).statusCode).toBe(200);
  });

  it("an expired proposal cannot be approved (409), and stays as it was", async () => {
    const p = await propose(f, f.a, "c2", 8020, "acc_a:expiry");
    expect(p.status).toBe("proposed");
    const before = await governanceSnapshot(f);
    f.setNow(new Date(p.expiresAt.getTime() + 1000));
    try {
      const res = await post(`/proposals/${p.id}/approve`, {});
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe("expired");
    } finally {
      f.setNow(new Date("2025-03-10T12:00:00.000Z"));
    }
    expect(await governanceSnapshot(f)).toBe(before);
  });
});
