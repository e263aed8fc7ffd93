import { afterEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../src/connectors/http/index.js";
import { type TikTokConfig, TikTokConnector } from "../../src/connectors/tiktok/index.js";
import {
  envelope,
  startTikTokFake,
  type TikTokFake,
  type TikTokFakeOptions,
} from "../fakes/tiktok/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";

const ID = "7012345678901234567";
let fake: TikTokFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Partial<TikTokFakeOptions> = {}, config: Partial<TikTokConfig> = {}) {
  const account = fakeAccount({ id: ID, from: "2026-10-01", to: "2026-11-07", timeZone: "Asia/Singapore" });
  fake = await startTikTokFake({ accounts: [account], ...options });
  const sleeps: number[] = [];
  const connector = new TikTokConnector({
    baseUrl: fake.origin,
    accessToken: "act.valid",
    appId: "app",
    secret: "secret",
    pageSize: 7,
    sleep: async (ms) => void sleeps.push(ms),
    rng: () => 0,
    ...config,
  });
  return { account, connector, sleeps, fake };
}

const reportCalls = (f: TikTokFake) => f.requests.filter((r) => r.path.endsWith("report/integrated/get/"));

describe("TikTok connector against the fake", () => {
  it("lists authorised advertisers with currency and time zone", async () => {
    const { connector } = await setup();
    expect(await connector.listAccounts()).toEqual([
      { externalId: ID, name: `Account ${ID}`, currency: "USD", timeZone: "Asia/Singapore" },
    ]);
  });

  it("pages through the integrated report and chunks a long range to the 30-day cap", async () => {
    const { connector, account, fake } = await setup();
    const facts = await connector.fetchPerformance({
      accountExternalId: ID,
      from: "2026-10-01",
      to: "2026-11-07",
      granularity: "day",
      level: "ad_group",
    });
    const expected = aggregate(account, "ad_group", "2026-10-01", "2026-11-07", false);
    expect(facts).toHaveLength(expected.length);
    expect(facts.reduce((t, f) => t + f.costMinor, 0)).toBe(
      expected.reduce((t, r) => t + r.totals.costMinor, 0),
    );
    expect(facts.reduce((t, f) => t + f.revenueMinor, 0)).toBe(
      expected.reduce((t, r) => t + r.totals.revenueMinor, 0),
    );
    expect(facts.every((f) => f.campaignId !== "" && f.adGroupId !== "" && f.hour === -1)).toBe(true);
    const calls = reportCalls(fake);
    expect(new Set(calls.map((c) => `${c.query.get("start_date")}..${c.query.get("end_date")}`))).toEqual(
      new Set(["2026-10-01..2026-10-30", "2026-10-31..2026-11-07"]),
    );
    expect(calls.length).toBeGreaterThan(2); // several pages per chunk
    expect(JSON.parse(calls[0].query.get("dimensions")!)).toEqual(["adgroup_id", "stat_time_day"]);
    expect(calls[0].headers["access-token"]).toBe("act.valid");
  });

  it("treats code 40100 inside an HTTP 200 as a rate limit and backs off", async () => {
    const { connector, fake, sleeps } = await setup();
    fake.faults.inject("campaign/get/", envelope(40100, "Too many requests. Please retry in some time."), 2);
    const entities = await connector.listEntities(ID);
    expect(entities.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([250, 500]); // equal jitter with rng 0: half of 500, 1000
  });

  it("refreshes an expired token (40105) with the refresh token and retries", async () => {
    const refreshed: string[] = [];
    const { connector, fake } = await setup(
      { accessTokens: ["act.old"], expiredTokens: ["act.old"] },
      {
        accessToken: "act.old",
        refreshToken: "rft.valid",
        onTokenRefresh: (s) => void refreshed.push(s.accessToken),
      },
    );
    expect(await connector.listAccounts()).toHaveLength(1);
    expect(refreshed).toEqual(["act.fresh-1"]);
    expect(fake.requests.at(-1)!.headers["access-token"]).toBe("act.fresh-1");
  });

  it("surfaces 40001 as a permission error", async () => {
    const { connector } = await setup({ forbiddenAdvertisers: [ID] }, { advertiserIds: [ID] });
    await connector.listAccounts();
    const error = await connector.listEntities(ID).catch((e) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.kind).toBe("permission");
    expect(error.message).toContain("tiktok: permission denied (HTTP 200 40001)");
  });

  it("retries 50002 system errors and never retries 40002 invalid parameters", async () => {
    const { connector, fake, sleeps } = await setup();
    fake.faults.inject("campaign/get/", envelope(50002, "System error"));
    await connector.listEntities(ID);
    expect(sleeps).toHaveLength(1);
    fake.faults.inject("campaign/get/", envelope(40002, "page_size: invalid"));
    await expect(connector.listEntities(ID)).rejects.toMatchObject({ kind: "invalid_request" });
    expect(sleeps).toHaveLength(1);
  });

  it("updates budgets in major units and reads the state back", async () => {
    const { connector, fake } = await setup();
    const base = { kind: "daily_budget", accountExternalId: ID, idempotencyKey: "x" } as const;
    const campaign = await connector.applyChange({
      ...base,
      level: "campaign",
      entityExternalId: "17900000001",
      value: { dailyBudgetMinor: 15000 },
    });
    expect(campaign).toMatchObject({ ok: true, after: { dailyBudgetMinor: 15000 } });
    const body = JSON.parse(fake.requests.find((r) => r.path.endsWith("campaign/update/"))!.body);
    expect(body).toEqual({ advertiser_id: ID, campaign_id: "17900000001", budget: 150 });
    const group = await connector.applyChange({
      ...base,
      idempotencyKey: "y",
      level: "ad_group",
      entityExternalId: "1790000000101",
      value: { dailyBudgetMinor: 6025 },
    });
    expect(group).toMatchObject({ ok: true, after: { dailyBudgetMinor: 6025 } });
    const groupBody = JSON.parse(fake.requests.find((r) => r.path.endsWith("adgroup/budget/update/"))!.body);
    expect(groupBody.budget).toEqual([{ adgroup_id: "1790000000101", budget: 60.25 }]);
    const low = await connector.applyChange({
      ...base,
      idempotencyKey: "z",
      level: "campaign",
      entityExternalId: "17900000001",
      value: { dailyBudgetMinor: 100 },
    });
    expect(low.ok).toBe(false);
    expect(low.error?.message).toContain("cannot be less than 50.00 USD");
  });

  it("pauses an ad group", async () => {
    const { connector, fake } = await setup();
    const result = await connector.applyChange({
      kind: "status",
      accountExternalId: ID,
      level: "ad_group",
      entityExternalId: "1790000000102",
      value: { status: "paused" },
      idempotencyKey: "s",
    });
    expect(result).toMatchObject({ ok: true, after: { status: "paused" } });
    expect(
      JSON.parse(fake.requests.find((r) => r.path.endsWith("adgroup/status/update/"))!.body).operation_status,
    ).toBe("DISABLE");
  });

  it("reads hourly rows one day per request", async () => {
    const { connector } = await setup();
    const facts = await connector.fetchPerformance({
      accountExternalId: ID,
      from: "2026-11-01",
      to: "2026-11-02",
      granularity: "hour",
      level: "campaign",
    });
    expect(new Set(facts.map((f) => `${f.date} ${f.hour}`)).size).toBe(6);
  });
});
