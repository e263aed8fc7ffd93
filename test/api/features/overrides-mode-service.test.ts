import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticatedRoutes } from "../../../src/api/index.js";
import { testEngines } from "../../support/stores.js";
import { bearer, type FeatureFixture, openFeatureFixture } from "./fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Json = Record<string, any>;

describe.each(testEngines())("overrides, mode and service accounts on %s", (engine) => {
  let f: FeatureFixture;
  beforeAll(async () => {
    f = await openFeatureFixture(engine);
  });
  afterAll(async () => f?.close());

  const call = async (method: "GET" | "POST" | "PUT", url: string, key: string, payload?: object) => {
    const res = await f.app.inject({ method, url, payload, headers: bearer(key) });
    return { status: res.statusCode, body: res.json() as Json };
  };
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all([
        f.store.query("SELECT id, ended_at FROM overrides ORDER BY id"),
        f.store.query("SELECT account_id, config FROM account_configs ORDER BY account_id"),
        f.store.query(
          "SELECT account_id, active, daily_budget_minor FROM service_accounts ORDER BY account_id",
        ),
        f.store.query("SELECT count(*)::int AS n FROM audit_log"),
      ]),
    );
  const inDays = (d: number) => new Date(f.now().getTime() + d * 86_400_000).toISOString();

  it("creates an override with justification and expiry, lists it, ends it with a reason", async () => {
    const before = await snapshot();
    const base = { accountId: "acc_a", kind: "pin_share", channel: "search", value: { share: 0.4 } };
    const refusals: [object, string, string][] = [
      [{ ...base, justification: "short", expiresAt: inDays(3) }, "body.justification", "viewer"],
      [{ ...base, justification: "holiday brand push", expiresAt: inDays(91) }, "body.expiresAt", "analyst"],
      [{ ...base, justification: "holiday brand push", expiresAt: inDays(-1) }, "body.expiresAt", "analyst"],
      [
        { ...base, value: {}, justification: "holiday brand push", expiresAt: inDays(3) },
        "body.value.share",
        "analyst",
      ],
      [
        { ...base, accountId: "acc_b", justification: "holiday brand push", expiresAt: inDays(3) },
        "body.accountId",
        "analyst",
      ],
    ];
    for (const [payload, field, role] of refusals) {
      const res = await call("POST", "/overrides", f.a.keys.analyst, payload);
      expect(res.status, `${field} ${role}`).toBe(field === "body.accountId" ? 404 : 400);
      expect(res.body.error.field).toBe(field);
    }
    expect(
      (
        await call("POST", "/overrides", f.a.keys.viewer, {
          ...base,
          justification: "x".repeat(12),
          expiresAt: inDays(3),
        })
      ).status,
    ).toBe(403);
    expect(await snapshot()).toBe(before);

    const created = await call("POST", "/overrides", f.a.keys.analyst, {
      ...base,
      justification: "holiday brand push",
      expiresAt: inDays(3),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      override: {
        kind: "pin_share",
        channel: "search",
        state: "active",
        createdBy: `key:${f.a.keyIds.analyst}`,
      },
      proposal: null,
    });
    const id = created.body.override.id;
    const listed = await call("GET", "/overrides?active=true", f.a.keys.viewer);
    expect(listed.body.overrides.map((o: Json) => o.id)).toEqual([id]);
    expect((await call("GET", "/overrides", f.b.keys.viewer)).body.overrides).toEqual([]);
    expect((await call("POST", `/overrides/${id}/end`, f.b.keys.admin, { reason: "not yours" })).status).toBe(
      404,
    );
    const noReason = await call("POST", `/overrides/${id}/end`, f.a.keys.analyst, {});
    expect(noReason.body.error.field).toBe("body.reason");
    const ended = await call("POST", `/overrides/${id}/end`, f.a.keys.analyst, { reason: "push is over" });
    expect(ended.status).toBe(200);
    expect(ended.body.override).toMatchObject({ state: "ended", endReason: "push is over" });
    const [row] = await f.store.query<{ end_reason: string }>(
      "SELECT end_reason FROM overrides WHERE id = $1",
      [id],
    );
    expect(row.end_reason).toBe("push is over");
    expect((await call("GET", "/overrides?active=true", f.a.keys.viewer)).body.overrides).toEqual([]);
  });

  it("reports each override's impact against the counterfactual", async () => {
    const [o] = await f.store.query<{ id: number }>(
      "SELECT id FROM overrides WHERE workspace_id = 'acme' LIMIT 1",
    );
    await f.governance.overrides.recordImpact({
      overrideId: Number(o.id),
      periodFrom: "2025-03-10",
      periodTo: "2025-03-11",
      metric: "conversions",
      actual: 12,
      counterfactual: 10,
      modelVersion: "test",
    });
    const res = await call("GET", "/overrides/impact?account=acc_a", f.a.keys.viewer);
    expect(res.status).toBe(200);
    expect(res.body.perOverride).toEqual([
      expect.objectContaining({ overrideId: Number(o.id), actual: 12, counterfactual: 10, delta: 2 }),
    ]);
    expect(res.body.perAnalyst[0]).toMatchObject({ overrides: 1, wins: 1 });
    expect((await call("GET", "/overrides/impact", f.b.keys.viewer)).body.perOverride).toEqual([]);
  });

  it("mode: admin only, justification required, live needs confirm", async () => {
    const before = await snapshot();
    expect(
      (await call("PUT", "/accounts/acc_a/mode", f.a.keys.approver, { mode: "canary", justification: "try" }))
        .status,
    ).toBe(403);
    const live = await call("PUT", "/accounts/acc_a/mode", f.a.keys.admin, {
      mode: "live",
      justification: "ready",
    });
    expect(live.status).toBe(400);
    expect(live.body.error.field).toBe("body.confirm");
    const noWhy = await call("PUT", "/accounts/acc_a/mode", f.a.keys.admin, { mode: "canary" });
    expect(noWhy.body.error.field).toBe("body.justification");
    expect(
      (await call("PUT", "/accounts/acc_b/mode", f.a.keys.admin, { mode: "canary", justification: "x" }))
        .status,
    ).toBe(404);
    expect(await snapshot()).toBe(before);
    const ok = await call("PUT", "/accounts/acc_a/mode", f.a.keys.admin, {
      mode: "live",
      justification: "ready",
      confirm: true,
    });
    expect(ok.body).toEqual({ accountId: "acc_a", from: "shadow", to: "live" });
    const [row] = await f.store.query<{ mode: string }>(
      "SELECT config->>'mode' AS mode FROM account_configs WHERE account_id = 'acc_a'",
    );
    expect(row.mode).toBe("live");
  });

  it("service accounts: admin adds, pauses and resumes; others see only their workspace", async () => {
    const before = await snapshot();
    const bad = await call("POST", "/service/accounts", f.a.keys.admin, {
      accountId: "acc_a",
      dailyBudgetMinor: -5,
    });
    expect(bad.body.error.field).toBe("body.dailyBudgetMinor");
    expect(
      (
        await call("POST", "/service/accounts", f.a.keys.approver, {
          accountId: "acc_a",
          dailyBudgetMinor: 1,
        })
      ).status,
    ).toBe(403);
    expect(
      (await call("POST", "/service/accounts", f.a.keys.admin, { accountId: "acc_b", dailyBudgetMinor: 1 }))
        .status,
    ).toBe(404);
    expect((await call("POST", "/service/accounts/acc_a/pause", f.a.keys.admin)).status).toBe(404);
    expect(await snapshot()).toBe(before);

    const added = await call("POST", "/service/accounts", f.a.keys.admin, {
      accountId: "acc_a",
      dailyBudgetMinor: 13_000,
      intervalSeconds: 600,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.account).toMatchObject({
      accountId: "acc_a",
      dailyBudgetMinor: 13_000,
      intervalSeconds: 600,
      active: true,
    });
    expect((await call("POST", "/service/accounts/acc_a/pause", f.a.keys.admin)).body.account.active).toBe(
      false,
    );
    const [row] = await f.store.query<{ active: boolean }>(
      "SELECT active FROM service_accounts WHERE account_id = 'acc_a'",
    );
    expect(row.active).toBe(false);
    expect((await call("POST", "/service/accounts/acc_a/resume", f.a.keys.admin)).body.account.active).toBe(
      true,
    );
    expect(
      (await call("GET", "/service/accounts", f.a.keys.viewer)).body.accounts.map((a: Json) => a.accountId),
    ).toEqual(["acc_a"]);
    expect((await call("GET", "/service/accounts", f.b.keys.viewer)).body.accounts).toEqual([]);
    expect((await call("POST", "/service/accounts/acc_a/pause", f.b.keys.admin)).status).toBe(404);
  });
});

describe("OpenAPI document with the feature routes", () => {
  it("documents every feature route with a summary, and every route declares an action", async () => {
    const f = await openFeatureFixture("pglite");
    try {
      const res = await f.app.inject({ url: "/openapi.json" });
      const doc = res.json() as { paths: Record<string, Record<string, { summary?: string }>> };
      const served = authenticatedRoutes(f.app).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`);
      const expected = [
        "GET /accounts/{accountId}/allocation",
        "GET /accounts/{accountId}/allocations",
        "GET /accounts/{accountId}/arms",
        "GET /accounts/{accountId}/decisions",
        "GET /accounts/{accountId}/cycles",
        "GET /proposals",
        "GET /proposals/{id}",
        "POST /proposals/{id}/approve",
        "POST /proposals/{id}/reject",
        "POST /proposals/approve",
        "GET /overrides",
        "POST /overrides",
        "POST /overrides/{id}/end",
        "GET /overrides/impact",
        "PUT /accounts/{accountId}/mode",
        "GET /accounts/{accountId}/mmm",
        "POST /accounts/{accountId}/mmm/fit",
        "GET /lab/scenarios",
        "POST /lab/runs",
        "GET /lab/runs",
        "GET /lab/runs/{id}",
        "GET /service/accounts",
        "POST /service/accounts",
        "POST /service/accounts/{accountId}/pause",
        "POST /service/accounts/{accountId}/resume",
      ];
      expect(served).toEqual(expect.arrayContaining(expected));
      for (const route of expected) {
        const [method, path] = route.split(" ");
        expect(doc.paths[path]?.[method.toLowerCase()]?.summary, route).toBeTruthy();
      }
    } finally {
      await f.close();
    }
  });
});
