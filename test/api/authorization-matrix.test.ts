import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../src/api/auth/roles.js";
import { API_ACTIONS, type ApiAction, authenticatedRoutes, isPermitted } from "../../src/api/index.js";
import { testEngines } from "../support/stores.js";
import { type ApiFixture, bearer, openApiFixture } from "./fixture.js";
import { ROUTE_CASES, STREAM_ROUTES, snapshotWorkspace } from "./route-cases.js";

/** Written out by hand, independently of permissions.ts: the least role allowed to do each action. */
const LEAST_ROLE: Record<ApiAction, Role> = {
  "workspaces.read": "viewer",
  "workspaces.create": "admin",
  "accounts.read": "viewer",
  "accounts.write": "admin",
  "campaigns.read": "viewer",
  "metrics.read": "viewer",
  "config.read": "viewer",
  "config.write": "admin",
  "status.read": "viewer",
  "events.read": "viewer",
  "keys.read": "admin",
  "keys.write": "admin",
  "proposals.read": "viewer",
  "proposals.decide": "approver",
  "overrides.read": "viewer",
  "overrides.write": "analyst",
  "mode.set": "admin",
  "alerts.read": "viewer",
  "alerts.write": "approver",
  "mmm.read": "viewer",
  "mmm.fit": "analyst",
  "lab.read": "viewer",
  "lab.run": "analyst",
  "crm.read": "viewer",
  "crm.write": "analyst",
};

describe("the permissions table", () => {
  it("grants each action to its least role and every role above it, nobody below", () => {
    for (const action of API_ACTIONS) {
      const least = ROLES.indexOf(LEAST_ROLE[action]);
      for (const [rank, role] of ROLES.entries())
        expect(isPermitted(role, action), `${role} ${action}`).toBe(rank >= least);
    }
  });
});

describe.each(testEngines())("authorization matrix on %s", (engine) => {
  let f: ApiFixture;
  let counter = 0;
  const tag = () => `${engine}-${++counter}`;
  const actionOf = (method: string, route: string): ApiAction => {
    const found = authenticatedRoutes(f.app).find((r) => r.method === method && r.url === route);
    if (!found) throw new Error(`${method} ${route} is not a route of the server`);
    return found.action;
  };

  beforeAll(async () => {
    f = await openApiFixture(engine);
    await f.app.ready();
  });
  afterAll(async () => f?.close());

  it("covers every authenticated route of the server", () => {
    const tested = [...ROUTE_CASES, ...STREAM_ROUTES].map((c) => `${c.method} ${c.route}`).sort();
    const served = authenticatedRoutes(f.app)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(tested).toEqual(served);
  });

  for (const role of ROLES) {
    for (const c of ROUTE_CASES) {
      it(`${role}: ${c.method} ${c.route} in its own workspace`, async () => {
        const permitted = isPermitted(role, actionOf(c.method, c.route));
        const { url, payload } = await c.request(f, f.a, tag());
        const before = await snapshotWorkspace(f.store, f.a.id);
        const res = await f.app.inject({ method: c.method, url, payload, headers: bearer(f.a.keys[role]) });
        if (permitted) {
          expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
          expect(res.statusCode, res.body).toBeLessThan(300);
          if (c.method === "GET") expect(await snapshotWorkspace(f.store, f.a.id)).toBe(before);
        } else {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().error).toMatchObject({ code: "forbidden", field: null });
          expect(res.json().error.message).toMatch(new RegExp(`role ${role} may not`));
          expect(await snapshotWorkspace(f.store, f.a.id)).toBe(before);
        }
      });

      it(`${role} of another workspace: ${c.method} ${c.route} never reads or changes workspace A`, async () => {
        const permitted = isPermitted(role, actionOf(c.method, c.route));
        const { url, payload } = await c.request(f, f.a, tag());
        const before = await snapshotWorkspace(f.store, f.a.id);
        const res = await f.app.inject({ method: c.method, url, payload, headers: bearer(f.b.keys[role]) });
        expect(await snapshotWorkspace(f.store, f.a.id)).toBe(before);
        if (!permitted) expect(res.statusCode, res.body).toBe(403);
        else if (c.targeted) {
          expect(res.statusCode, res.body).toBe(404);
          expect(res.json().error.code).toBe("not_found");
        } else expect(res.statusCode, res.body).toBeLessThan(300);
        // Nothing of workspace A appears in the answer, apart from the ids the caller sent itself.
        let body = res.body;
        for (const segment of url.split("?")[0].split("/"))
          if (segment) body = body.replaceAll(segment, "<sent>");
        expect(body).not.toContain(f.a.accountId);
        expect(body).not.toContain(f.a.keyIds.admin);
        expect(body).not.toContain('"default"');
        expect(body).not.toContain("acc_tmp_");
      });
    }
  }
});
