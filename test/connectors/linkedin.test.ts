import { afterEach, describe, expect, it } from "vitest";
import { type LinkedInConfig, LinkedInConnector } from "../../src/connectors/linkedin/index.js";
import {
  type LinkedInFake,
  type LinkedInFakeOptions,
  linkedinError,
  startLinkedInFake,
} from "../fakes/linkedin/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";

const ID = "502840441";
let fake: LinkedInFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Partial<LinkedInFakeOptions> = {}, config: Partial<LinkedInConfig> = {}) {
  const account = fakeAccount({
    id: ID,
    from: "2026-11-01",
    to: "2026-11-07",
    currency: "EUR",
    timeZone: "UTC",
    campaigns: 5,
  });
  fake = await startLinkedInFake({ accounts: [account], ...options });
  const sleeps: number[] = [];
  const connector = new LinkedInConnector({
    baseUrl: fake.origin,
    accessToken: "AQV-valid",
    pageSize: 2,
    sleep: async (ms) => void sleeps.push(ms),
    rng: () => 0,
    now: () => Date.parse("2026-11-22T18:00:00Z"),
    ...config,
  });
  return { account, connector, sleeps, fake };
}

describe("LinkedIn connector against the fake", () => {
  it("sends the version and Rest.li headers and pages campaigns with start/count", async () => {
    const { connector, fake } = await setup();
    const entities = await connector.listEntities(ID);
    expect(entities.map((e) => e.externalId)).toEqual([
      "17900000001",
      "17900000002",
      "17900000003",
      "17900000004",
      "17900000005",
    ]);
    expect(entities[0]).toMatchObject({ level: "campaign", dailyBudgetMinor: 5000, status: "active" });
    const pages = fake.requests.filter((r) => r.path.endsWith("/adCampaigns"));
    expect(pages.map((p) => p.query.get("start"))).toEqual(["0", "2", "4"]);
    expect(pages[0].headers["linkedin-version"]).toBe("202607");
    expect(pages[0].headers["x-restli-protocol-version"]).toBe("2.0.0");
  });

  it("reads adAnalytics with Rest.li dates and URN lists, rounding long decimal strings to minor units", async () => {
    const { connector, account, fake } = await setup();
    const facts = await connector.fetchPerformance({
      accountExternalId: ID,
      from: "2026-11-01",
      to: "2026-11-07",
      granularity: "day",
      level: "campaign",
    });
    const expected = aggregate(account, "campaign", "2026-11-01", "2026-11-07", false);
    expect(facts).toHaveLength(expected.length);
    expect(facts.map((f) => f.costMinor)).toEqual(expected.map((r) => r.totals.costMinor));
    expect(facts.map((f) => f.revenueMinor)).toEqual(expected.map((r) => r.totals.revenueMinor));
    const call = fake.requests.find((r) => r.path === "/rest/adAnalytics")!;
    expect(call.rawQuery).toContain(
      "dateRange=(start:(year:2026,month:11,day:1),end:(year:2026,month:11,day:7))",
    );
    expect(call.rawQuery).toContain(`accounts=List(urn%3Ali%3AsponsoredAccount%3A${ID})`);
  });

  it("a retired LinkedIn-Version answers 426 and the error says what to change", async () => {
    const { connector, fake, sleeps } = await setup({}, { version: "202401" });
    const error = await connector.listAccounts().catch((e) => e);
    expect(error.kind).toBe("invalid_request");
    expect(error.message).toContain("HTTP 426");
    expect(error.message).toContain("--api-version");
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("refreshes an expired token through the OAuth endpoint", async () => {
    const { connector, fake } = await setup(
      { accessTokens: ["AQV-old"], expiredTokens: ["AQV-old"] },
      { accessToken: "AQV-old", refreshToken: "AQX-refresh", clientId: "id", clientSecret: "secret" },
    );
    expect(await connector.listAccounts()).toHaveLength(1);
    expect(fake.requests.some((r) => r.path === "/oauth/v2/accessToken")).toBe(true);
    expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer AQV-fresh-1");
  });

  it("backs off a short 429 but surfaces a DAY-limit 429 (it lasts until midnight UTC)", async () => {
    const { connector, fake, sleeps } = await setup();
    fake.faults.inject("/rest/adAccounts", linkedinError(429, 101, "TOO_MANY_REQUESTS", "Too many requests"));
    await connector.listAccounts();
    expect(sleeps).toEqual([250]);
    fake.faults.inject(
      "/rest/adAccounts",
      linkedinError(
        429,
        101,
        "TOO_MANY_REQUESTS",
        "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
      ),
    );
    const error = await connector.listAccounts().catch((e) => e);
    expect(error.kind).toBe("rate_limit");
    expect(error.retryAfterMs).toBe(6 * 3600_000);
    expect(sleeps).toEqual([250]);
  });

  it("surfaces ACCESS_DENIED as a permission error", async () => {
    const { connector } = await setup({ forbiddenAccounts: [ID] });
    const error = await connector.listEntities(ID).catch((e) => e);
    expect(error.kind).toBe("permission");
    expect(error.message).toContain("linkedin: permission denied (HTTP 403 ACCESS_DENIED)");
  });

  it("updates a campaign daily budget by PARTIAL_UPDATE (204) with the amount as a decimal string", async () => {
    const { connector, fake } = await setup();
    const result = await connector.applyChange({
      kind: "daily_budget",
      accountExternalId: ID,
      level: "campaign",
      entityExternalId: "17900000002",
      value: { dailyBudgetMinor: 7500 },
      idempotencyKey: "k",
    });
    expect(result).toMatchObject({
      ok: true,
      after: { dailyBudgetMinor: 7500, status: "active" },
      platformResponse: { status: 204 },
    });
    const post = fake.requests.find((r) => r.method === "POST")!;
    expect(post.headers["x-restli-method"]).toBe("PARTIAL_UPDATE");
    expect(JSON.parse(post.body)).toEqual({
      patch: { $set: { dailyBudget: { amount: "75.00", currencyCode: "EUR" } } },
    });
  });

  it("refuses hourly reads: LinkedIn has no hourly data", async () => {
    const { connector } = await setup();
    await expect(
      connector.fetchPerformance({
        accountExternalId: ID,
        from: "2026-11-01",
        to: "2026-11-01",
        granularity: "hour",
        level: "campaign",
      }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
  });
});
