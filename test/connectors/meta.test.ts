import { afterEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../src/connectors/http/index.js";
import { type MetaConfig, MetaConnector } from "../../src/connectors/meta/index.js";
import { type MetaFake, type MetaFakeOptions, startMetaFake } from "../fakes/meta/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";

const ID = "2222222222";
let fake: MetaFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Partial<MetaFakeOptions> = {}, config: Partial<MetaConfig> = {}) {
  const account = fakeAccount({
    id: ID,
    from: "2026-11-01",
    to: "2026-11-07",
    timeZone: "Europe/Berlin",
    currency: "EUR",
  });
  fake = await startMetaFake({ accounts: [account], pageSize: 5, ...options });
  const sleeps: number[] = [];
  const f = fake;
  const connector = new MetaConnector({
    baseUrl: fake.origin,
    accessToken: "EAAB-valid",
    // a fake clock: sleeping a minute or more lets the platform's usage window pass
    sleep: async (ms) => {
      sleeps.push(ms);
      if (ms < 60_000) return;
      f.usage.callCount = 0;
      f.usage.regainMinutes = 0;
    },
    rng: () => 0.5,
    ...config,
  });
  return { account, connector, sleeps, fake };
}

const request = {
  accountExternalId: `act_${ID}`,
  from: "2026-11-01",
  to: "2026-11-07",
  granularity: "day",
  level: "ad",
} as const;

describe("Meta connector against the fake", () => {
  it("lists ad accounts as act_<id> with currency and time zone", async () => {
    const { connector } = await setup();
    expect(await connector.listAccounts()).toEqual([
      { externalId: `act_${ID}`, name: `Account ${ID}`, currency: "EUR", timeZone: "Europe/Berlin" },
    ]);
  });

  it("follows paging.next across pages and counts a purchase once across its action-type aliases", async () => {
    const { connector, account, fake } = await setup();
    const facts = await connector.fetchPerformance(request);
    const expected = aggregate(account, "ad", "2026-11-01", "2026-11-07", false);
    expect(facts).toHaveLength(expected.length);
    expect(fake.requests.filter((r) => r.path.endsWith("/insights")).length).toBe(
      Math.ceil(expected.length / 5),
    );
    const sum = (k: "costMinor" | "revenueMinor" | "conversions") => facts.reduce((t, f) => t + f[k], 0);
    expect(sum("costMinor")).toBe(expected.reduce((t, r) => t + r.totals.costMinor, 0));
    expect(sum("revenueMinor")).toBe(expected.reduce((t, r) => t + r.totals.revenueMinor, 0));
    expect(sum("conversions")).toBe(expected.reduce((t, r) => t + r.totals.conversions, 0));
    const first = fake.requests.find((r) => r.path.endsWith("/insights"))!;
    expect(first.query.get("level")).toBe("ad");
    expect(first.query.get("time_increment")).toBe("1");
    expect(JSON.parse(first.query.get("time_range")!)).toEqual({ since: "2026-11-01", until: "2026-11-07" });
  });

  it("reads hourly rows from the advertiser-time-zone hourly breakdown", async () => {
    const { connector } = await setup();
    const facts = await connector.fetchPerformance({
      ...request,
      from: "2026-11-03",
      to: "2026-11-03",
      granularity: "hour",
      level: "campaign",
    });
    expect(new Set(facts.map((f) => f.hour))).toEqual(new Set([9, 13, 20]));
  });

  it("slows down from the usage headers before Meta throttles", async () => {
    const { connector, fake, sleeps } = await setup({ usagePerCall: 40 });
    await connector.fetchPerformance(request); // 12 pages at 40% of the allowance each
    // 80%: spaced out by (0.80-0.75)/0.15 of 10 s; 120%: paused for the account's reset window (300 s)
    expect(connector.paceWaits).toContain(3333);
    expect(connector.paceWaits).toContain(300_000);
    expect(sleeps).toEqual(connector.paceWaits);
    expect((await connector.health()).rateLimitPressure).not.toBeNull();
    // never throttled: the fake would have answered #80004 and announced a regain time
    expect(fake.usage.regainMinutes).toBe(0);
  });

  it("without the slow-down, a #80004 throttle is retried after the announced regain time", async () => {
    const { connector, sleeps } = await setup(
      { usagePerCall: 40 },
      { usagePolicy: { slowFrom: 10, pauseAt: 10, maxPaceMs: 0, defaultPauseMs: 0 } },
    );
    const facts = await connector.fetchPerformance(request);
    expect(facts.length).toBeGreaterThan(0);
    expect(sleeps).toContain(5 * 60_000); // estimated_time_to_regain_access: 5 minutes
  });

  it("surfaces an expired token (190/463) with what to do, without retrying", async () => {
    const { connector, fake } = await setup({ expiredTokens: ["EAAB-valid"] });
    const error = await connector.listAccounts().catch((e) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("HTTP 400 190/463");
    expect(error.message).toContain("adpilot connect meta");
    expect(fake.requests).toHaveLength(1);
  });

  it("renews an expiring token with fb_exchange_token before it expires", async () => {
    const now = Date.parse("2026-11-22T00:00:00Z");
    const renewed: string[] = [];
    const { connector, fake } = await setup(
      { appId: "app", appSecret: "secret" },
      {
        appId: "app",
        appSecret: "secret",
        now: () => now,
        accessTokenExpiresAt: new Date(now + 2 * 86_400_000),
        onTokenRefresh: (s) => void renewed.push(s.accessToken),
      },
    );
    await connector.listAccounts();
    expect(renewed).toEqual(["EAAB-long-1"]);
    expect(fake.requests[0].path).toBe("/v26.0/oauth/access_token");
    expect(fake.requests[1].headers.authorization).toBe("Bearer EAAB-long-1");
    expect(fake.requests[1].query.get("appsecret_proof")).toMatch(/^[0-9a-f]{64}$/);
    expect((await connector.health()).tokenExpiresAt?.getTime()).toBe(now + 5183944 * 1000);
  });

  it("surfaces a missing permission clearly", async () => {
    const { connector } = await setup({ forbiddenAccounts: [ID] });
    const error = await connector.listEntities(ID).catch((e) => e);
    expect(error.kind).toBe("permission");
    expect(error.message).toContain("meta: permission denied (HTTP 403 200)");
    expect(error.message).toContain("ads_management");
  });

  it("lists entities with budgets in minor units", async () => {
    const { connector } = await setup();
    const entities = await connector.listEntities(ID);
    expect(entities.filter((e) => e.level === "campaign").map((e) => e.dailyBudgetMinor)).toEqual([
      5000, 10000,
    ]);
    expect(entities.filter((e) => e.level === "ad")).toHaveLength(8);
    expect(entities.find((e) => e.level === "ad")?.parentExternalId).toBe("1790000000101");
  });

  it("writes a daily budget in minor units and reads the state back; a too-low budget is refused with Meta's reason", async () => {
    const { connector, fake } = await setup();
    const base = {
      kind: "daily_budget",
      accountExternalId: ID,
      level: "ad_group",
      entityExternalId: "1790000000101",
    } as const;
    const ok = await connector.applyChange({
      ...base,
      value: { dailyBudgetMinor: 7550 },
      idempotencyKey: "a",
    });
    expect(ok).toMatchObject({
      ok: true,
      after: { dailyBudgetMinor: 7550, status: "active", bidMinor: 120 },
      platformResponse: { success: true },
    });
    expect(fake.updates).toEqual([{ id: "1790000000101", fields: { daily_budget: "7550" } }]);
    const low = await connector.applyChange({
      ...base,
      value: { dailyBudgetMinor: 50 },
      idempotencyKey: "b",
    });
    expect(low.ok).toBe(false);
    expect(low.error).toMatchObject({ kind: "invalid_request" });
    expect(low.error?.message).toContain("Your budget must be at least 1.00 EUR");
    const again = await connector.applyChange({
      ...base,
      value: { dailyBudgetMinor: 7550 },
      idempotencyKey: "a",
    });
    expect(again).toBe(ok);
    expect(fake.updates).toHaveLength(1);
  });
});
