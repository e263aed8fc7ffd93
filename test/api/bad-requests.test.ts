import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiApp } from "../../src/api/deps.js";
import { buildApiServer, revokeApiKey } from "../../src/api/index.js";
import { createEventBus } from "../../src/service/event-bus.js";
import type { Store } from "../../src/store/index.js";
import { testEngines } from "../support/stores.js";
import { type ApiFixture, bearer, NOW, openApiFixture } from "./fixture.js";
import { snapshotWorkspace } from "./route-cases.js";

type Method = "GET" | "POST" | "PUT" | "DELETE";

interface BadCase {
  name: string;
  method: Method;
  url: string;
  payload?: unknown;
  /** Raw body text instead of JSON (for malformed JSON). */
  raw?: string;
  rawType?: string;
  headers?: (f: ApiFixture) => Record<string, string>;
  status: number;
  code: string;
  field: string | null;
  message: RegExp;
}

const admin = (f: ApiFixture) => bearer(f.a.keys.admin);

const CASES: BadCase[] = [
  {
    name: "no key",
    method: "GET",
    url: "/accounts",
    headers: () => ({}),
    status: 401,
    code: "unauthorized",
    field: null,
    message: /Authorization: Bearer/,
  },
  {
    name: "not a bearer header",
    method: "GET",
    url: "/accounts",
    headers: () => ({ authorization: "Basic dXNlcjpwYXNz" }),
    status: 401,
    code: "unauthorized",
    field: null,
    message: /Bearer adp_/,
  },
  {
    name: "unknown key",
    method: "GET",
    url: "/accounts",
    headers: () => bearer(`adp_${"0".repeat(16)}_${"1".repeat(64)}`),
    status: 401,
    code: "unauthorized",
    field: null,
    message: /unknown, mistyped or revoked/,
  },
  {
    name: "right id, wrong secret",
    method: "GET",
    url: "/accounts",
    headers: (f) => bearer(`${f.a.keys.viewer.slice(0, 21)}${"f".repeat(64)}`),
    status: 401,
    code: "unauthorized",
    field: null,
    message: /unknown, mistyped or revoked/,
  },
  {
    name: "?key= outside /events",
    method: "GET",
    url: "/accounts?key=KEY",
    headers: () => ({}),
    status: 401,
    code: "unauthorized",
    field: null,
    message: /Authorization/,
  },
  {
    name: "wrong enum",
    method: "POST",
    url: "/accounts",
    payload: { platform: "myspace", externalId: "x", name: "x", currency: "USD" },
    status: 400,
    code: "validation_failed",
    field: "body.platform",
    message: /body\.platform: .*"google"/,
  },
  {
    name: "wrong type",
    method: "POST",
    url: "/accounts",
    payload: { platform: "meta", externalId: 42, name: "x", currency: "USD" },
    status: 400,
    code: "validation_failed",
    field: "body.externalId",
    message: /expected string, received number/,
  },
  {
    name: "lowercase currency",
    method: "POST",
    url: "/accounts",
    payload: { platform: "meta", externalId: "x", name: "x", currency: "usd" },
    status: 400,
    code: "validation_failed",
    field: "body.currency",
    message: /ISO 4217/,
  },
  {
    name: "unknown time zone",
    method: "POST",
    url: "/accounts",
    payload: { platform: "meta", externalId: "x", name: "x", currency: "USD", timeZone: "Mars/Olympus" },
    status: 400,
    code: "validation_failed",
    field: "body.timeZone",
    message: /IANA/,
  },
  {
    name: "unexpected field",
    method: "POST",
    url: "/keys",
    payload: { role: "viewer", name: "x", workspaceId: "other" },
    status: 400,
    code: "validation_failed",
    field: "body",
    message: /workspaceId/,
  },
  {
    name: "unknown role",
    method: "POST",
    url: "/keys",
    payload: { role: "owner", name: "x" },
    status: 400,
    code: "validation_failed",
    field: "body.role",
    message: /"viewer"/,
  },
  {
    name: "malformed JSON",
    method: "POST",
    url: "/keys",
    raw: '{"role": "viewer", name: }',
    status: 400,
    code: "invalid_json",
    field: "body",
    message: /not valid JSON/,
  },
  {
    name: "not JSON",
    method: "POST",
    url: "/keys",
    raw: "role=viewer&name=x",
    rawType: "application/x-www-form-urlencoded",
    status: 415,
    code: "unsupported_media_type",
    field: "headers.content-type",
    message: /Content-Type: application\/json/,
  },
  {
    name: "config value out of range",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: { killRoas: -1 } },
    status: 400,
    code: "invalid_config",
    field: "values.killRoas",
    message: /expected a number >= 0/,
  },
  {
    name: "config: a bad key after a good one writes nothing",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: { killRoas: 0.9, "guardrails.velocity6h": 5 } },
    status: 400,
    code: "invalid_config",
    field: "values.guardrails.velocity6h",
    message: /<= 1/,
  },
  {
    name: "unknown config key",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: { killRoass: 1 } },
    status: 400,
    code: "invalid_config",
    field: "values.killRoass",
    message: /unknown configuration key "killRoass".*Valid keys: .*killRoas/,
  },
  {
    name: "wrong enum in config",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: { blendingCurve: "zigzag" } },
    status: 400,
    code: "invalid_config",
    field: "values.blendingCurve",
    message: /one of "linear"/,
  },
  {
    name: "mode through config",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: { mode: "live" } },
    status: 400,
    code: "mode_needs_governance",
    field: "values.mode",
    message: /audited governance action/,
  },
  {
    name: "empty config change",
    method: "PUT",
    url: "/accounts/acc_a/config",
    payload: { values: {} },
    status: 400,
    code: "validation_failed",
    field: "body.values",
    message: /at least one key/,
  },
  {
    name: "bad metrics dimension",
    method: "GET",
    url: "/accounts/acc_a/metrics?by=color",
    status: 400,
    code: "validation_failed",
    field: "query.by",
    message: /"channel"/,
  },
  {
    name: "not a date",
    method: "GET",
    url: "/accounts/acc_a/metrics?from=2025-02-30x",
    status: 400,
    code: "validation_failed",
    field: "query.from",
    message: /YYYY-MM-DD/,
  },
  {
    name: "from after to",
    method: "GET",
    url: "/accounts/acc_a/metrics?from=2025-03-05&to=2025-03-01",
    status: 400,
    code: "validation_failed",
    field: "query.from",
    message: /after to/,
  },
  {
    name: "unknown account",
    method: "GET",
    url: "/accounts/acc_nope/campaigns",
    status: 404,
    code: "not_found",
    field: "params.accountId",
    message: /GET \/accounts lists the ids/,
  },
  {
    name: "unknown key id",
    method: "DELETE",
    url: `/keys/${"a".repeat(16)}`,
    status: 404,
    code: "not_found",
    field: "params.keyId",
    message: /GET \/keys/,
  },
  {
    name: "malformed key id",
    method: "DELETE",
    url: "/keys/xyz",
    status: 400,
    code: "validation_failed",
    field: "params.keyId",
    message: /16 hex/,
  },
  {
    name: "unknown route",
    method: "GET",
    url: "/acounts",
    status: 404,
    code: "route_not_found",
    field: null,
    message: /no route GET \/acounts/,
  },
  {
    name: "duplicate account",
    method: "POST",
    url: "/accounts",
    payload: { platform: "google", externalId: "ext-acc_a", name: "again", currency: "USD" },
    status: 409,
    code: "conflict",
    field: "body.externalId",
    message: /already has the google account/,
  },
  {
    name: "existing workspace id",
    method: "POST",
    url: "/workspaces",
    payload: { id: "other", name: "Mine now" },
    status: 409,
    code: "conflict",
    field: "body.id",
    message: /already exists/,
  },
  {
    name: "oversized body (over 1 MiB)",
    method: "POST",
    url: "/keys",
    payload: { role: "viewer", name: "x".repeat(1_100_000) },
    status: 413,
    code: "body_too_large",
    field: null,
    message: /limit of 1048576 bytes/,
  },
];

async function everything(store: Store): Promise<string> {
  return JSON.stringify([await snapshotWorkspace(store, "default"), await snapshotWorkspace(store, "other")]);
}

describe.each(testEngines())("bad requests on %s", (engine) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture(engine);
  });
  afterAll(async () => f?.close());

  for (const c of CASES) {
    it(`${c.name}: ${c.status} ${c.code}, nothing changes`, async () => {
      const before = await everything(f.store);
      const headers = { ...(c.headers ? c.headers(f) : admin(f)) };
      const url = c.url.replace("KEY", f.a.keys.admin);
      const res = await f.app.inject({
        method: c.method,
        url,
        headers: c.raw ? { ...headers, "content-type": c.rawType ?? "application/json" } : headers,
        payload: c.raw ?? (c.payload as object | undefined),
      });
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.headers["content-type"]).toMatch(/application\/json/);
      const { error } = res.json();
      expect(error.code).toBe(c.code);
      expect(error.field).toBe(c.field);
      expect(error.message).toMatch(c.message);
      expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(await everything(f.store)).toBe(before);
    });
  }

  it("a revoked key is refused at once", async () => {
    const url = "/accounts";
    expect((await f.app.inject({ url, headers: bearer(f.b.keys.analyst) })).statusCode).toBe(200);
    await revokeApiKey(f.store, "other", f.b.keyIds.analyst, NOW);
    const res = await f.app.inject({ url, headers: bearer(f.b.keys.analyst) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/revoked/);
  });

  it("a key cannot revoke itself", async () => {
    const res = await f.app.inject({
      method: "DELETE",
      url: `/keys/${f.a.keyIds.admin}`,
      headers: bearer(f.a.keys.admin),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.field).toBe("params.keyId");
  });
});

describe("limits and failures", () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture("pglite", {
      limits: { rateLimitMax: 3, rateLimitWindowMs: 60_000, bodyLimit: 2_048 },
      deps: {
        routes: [
          (app: ApiApp) => {
            app.get("/boom", { config: { action: "status.read" } }, async () => {
              throw new Error("password=hunter2 at /srv/secret.ts:12");
            });
          },
        ],
      },
    });
  });
  afterAll(async () => f?.close());

  it("rate limits per key: the 4th request in the window gets 429 with Retry-After; other keys go on", async () => {
    const get = (key: string) => f.app.inject({ url: "/workspaces", headers: bearer(key) });
    for (let i = 0; i < 3; i++) expect((await get(f.a.keys.viewer)).statusCode).toBe(200);
    const limited = await get(f.a.keys.viewer);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.json().error).toMatchObject({ code: "rate_limited", field: null });
    expect(limited.json().error.message).toMatch(/more than 3 requests/);
    expect((await get(f.a.keys.analyst)).statusCode).toBe(200);
    // Health checks are never limited.
    for (let i = 0; i < 5; i++) expect((await f.app.inject({ url: "/healthz" })).statusCode).toBe(200);
  });

  it("the body limit is configurable", async () => {
    const res = await f.app.inject({
      method: "POST",
      url: "/keys",
      headers: bearer(f.a.keys.admin),
      payload: { role: "viewer", name: "y".repeat(3_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(/limit of 2048 bytes/);
  });

  it("an unexpected error is a 500 that reveals nothing", async () => {
    const res = await f.app.inject({ url: "/boom", headers: bearer(f.b.keys.admin) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: {
        code: "internal_error",
        message: "something went wrong on the server; it has been logged",
        field: null,
      },
    });
  });

  it("a route module without an action is refused when the server starts", async () => {
    const built = buildApiServer({
      store: f.store,
      events: createEventBus(),
      clock: () => NOW,
      routes: [(api: ApiApp) => void api.get("/open", async () => "oops")],
    });
    await expect(built).rejects.toThrow(/GET \/open declares no action/);
  });

  it("readyz answers 503 when the store does not, healthz still 200", async () => {
    const broken = {
      ...f.store,
      query: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.1:5432")),
    };
    const app = await buildApiServer({ store: broken as Store, events: createEventBus(), clock: () => NOW });
    try {
      const ready = await app.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.code).toBe("store_unavailable");
      expect(ready.body).not.toContain("10.0.0.1");
      expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
      expect((await f.app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
    } finally {
      await app.close();
    }
  });
});
