import { afterEach, describe, expect, it } from "vitest";
import { type GoogleAdsConfig, GoogleAdsConnector } from "../../src/connectors/google/index.js";
import { PlatformError } from "../../src/connectors/http/index.js";
import { ConnectorFailure } from "../../src/connectors/port.js";
import {
  budgetIdOf,
  type GoogleFake,
  type GoogleFakeOptions,
  quotaExhausted,
  startGoogleFake,
} from "../fakes/google/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";

const CID = "1234567890";
let fake: GoogleFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Partial<GoogleFakeOptions> = {}, config: Partial<GoogleAdsConfig> = {}) {
  const account = fakeAccount({ id: CID, from: "2026-11-01", to: "2026-11-07" });
  fake = await startGoogleFake({ accounts: [account], batchSize: 5, ...options });
  const sleeps: number[] = [];
  const connector = new GoogleAdsConnector({
    baseUrl: fake.origin,
    accessToken: "ya29.valid",
    sleep: async (ms) => void sleeps.push(ms),
    rng: () => 0.5,
    ...config,
  });
  return { account, connector, sleeps, fake };
}

const streamCalls = (f: GoogleFake) => f.requests.filter((r) => r.path.endsWith(":searchStream"));

describe("Google Ads connector against the fake", () => {
  it("lists the accessible customer with its currency and time zone", async () => {
    const { connector } = await setup();
    expect(await connector.listAccounts()).toEqual([
      { externalId: CID, name: `Account ${CID}`, currency: "USD", timeZone: "America/New_York" },
    ]);
  });

  it("reads every batch of a searchStream answer and maps micros to minor units", async () => {
    const { connector, account, fake } = await setup();
    const facts = await connector.fetchPerformance({
      accountExternalId: "123-456-7890",
      from: "2026-11-01",
      to: "2026-11-07",
      granularity: "day",
      level: "ad",
    });
    const expected = aggregate(account, "ad", "2026-11-01", "2026-11-07", false);
    expect(facts).toHaveLength(expected.length);
    expect(expected.length).toBeGreaterThan(5); // more than one batch of 5
    expect(facts.reduce((t, f) => t + f.costMinor, 0)).toBe(
      expected.reduce((t, r) => t + r.totals.costMinor, 0),
    );
    expect(facts.reduce((t, f) => t + f.revenueMinor, 0)).toBe(
      expected.reduce((t, r) => t + r.totals.revenueMinor, 0),
    );
    const first = facts[0];
    expect(first).toMatchObject({ accountId: CID, hour: -1, currency: "USD" });
    expect(first.adId).not.toBe("");
    expect(first.adGroupId).not.toBe("");
    const query = JSON.parse(streamCalls(fake).at(-1)!.body).query as string;
    expect(query).toContain("segments.date BETWEEN '2026-11-01' AND '2026-11-07'");
  });

  it("reads hourly rows with segments.hour", async () => {
    const { connector, account } = await setup();
    const facts = await connector.fetchPerformance({
      accountExternalId: CID,
      from: "2026-11-02",
      to: "2026-11-02",
      granularity: "hour",
      level: "campaign",
    });
    expect(facts).toHaveLength(aggregate(account, "campaign", "2026-11-02", "2026-11-02", true).length);
    expect(new Set(facts.map((f) => f.hour))).toEqual(new Set([9, 13, 20]));
  });

  it("lists campaigns with budgets, ad groups with bids and ads with parents", async () => {
    const { connector } = await setup();
    const entities = await connector.listEntities(CID);
    expect(entities.filter((e) => e.level === "campaign")).toEqual([
      expect.objectContaining({
        externalId: "17900000001",
        dailyBudgetMinor: 5000,
        status: "active",
        channel: "search",
      }),
      expect.objectContaining({ externalId: "17900000002", dailyBudgetMinor: 10000 }),
    ]);
    expect(entities.find((e) => e.level === "ad_group")).toMatchObject({
      parentExternalId: "17900000001",
      bidMinor: 120,
    });
    expect(entities.filter((e) => e.level === "ad")).toHaveLength(8);
  });

  it("waits the retryDelay of a 429 RESOURCE_EXHAUSTED, then succeeds", async () => {
    const { connector, sleeps, fake } = await setup();
    fake.faults.inject(":searchStream", quotaExhausted("7s"));
    const entities = await connector.listEntities(CID);
    expect(entities.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([7000]);
  });

  it("surfaces a daily-quota 429 whose retryDelay is hours instead of sleeping through it", async () => {
    const { connector, sleeps, fake } = await setup();
    fake.faults.inject(":searchStream", quotaExhausted("86400s"));
    const error = await connector.listEntities(CID).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorFailure);
    expect(error.kind).toBe("rate_limit");
    expect(error.retryAfterMs).toBe(86_400_000);
    expect(sleeps).toEqual([]);
  });

  it("retries 5xx and CONCURRENT_MODIFICATION with exponential backoff and jitter", async () => {
    const { connector, sleeps, fake } = await setup();
    fake.faults.inject(":searchStream", {
      status: 500,
      body: { error: { code: 500, message: "Internal error", status: "INTERNAL" } },
    });
    fake.faults.inject(":searchStream", {
      status: 409,
      body: {
        error: {
          code: 409,
          status: "ABORTED",
          message: "Multiple requests were attempting to modify the same resource at once.",
          details: [
            {
              errors: [
                {
                  errorCode: { databaseError: "CONCURRENT_MODIFICATION" },
                  message: "Concurrent modification",
                },
              ],
            },
          ],
        },
      },
    });
    await connector.listAccounts();
    // base 500 ms doubling, equal jitter with rng 0.5: 375, 750
    expect(sleeps).toEqual([375, 750]);
  });

  it("does not retry an invalid query and names the field", async () => {
    const { connector, fake, sleeps } = await setup();
    const error = await connector.search(CID, "SELECT metrics.cost FROM campaign").catch((e) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.kind).toBe("invalid_request");
    expect(error.message).toContain("queryError.UNRECOGNIZED_FIELD");
    expect(error.message).toContain("metrics.cost");
    expect(streamCalls(fake)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("refreshes an expired access token once and retries with the new one", async () => {
    const refreshed: string[] = [];
    const { connector, fake } = await setup(
      { accessTokens: ["ya29.old"], expiredTokens: ["ya29.old"], clientId: "cid", clientSecret: "secret" },
      {
        accessToken: "ya29.old",
        refreshToken: "1//refresh",
        clientId: "cid",
        clientSecret: "secret",
        onTokenRefresh: (s) => void refreshed.push(s.accessToken),
      },
    );
    expect(await connector.listAccounts()).toHaveLength(1);
    expect(fake.tokensIssued).toBe(1);
    expect(refreshed).toEqual(["ya29.fresh-1"]);
    const tokenCall = fake.requests.find((r) => r.path === "/token")!;
    expect(new URLSearchParams(tokenCall.body).get("grant_type")).toBe("refresh_token");
    expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer ya29.fresh-1");
  });

  it("says to reconnect when the refresh token was revoked", async () => {
    const { connector } = await setup(
      { accessTokens: [], refreshTokens: [] },
      { accessToken: undefined, refreshToken: "1//revoked", clientId: "cid", clientSecret: "secret" },
    );
    const error = await connector.listAccounts().catch((e) => e);
    expect(error.kind).toBe("auth");
    expect(error.message).toMatch(/invalid_grant.*adpilot connect google/);
  });

  it("surfaces a permission error clearly and does not retry it", async () => {
    const { connector, fake, sleeps } = await setup({ forbiddenCustomers: [CID] });
    const error = await connector.listEntities(CID).catch((e) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(
      "google: permission denied (HTTP 403 authorizationError.USER_PERMISSION_DENIED)",
    );
    expect(error.message).toContain("login-customer-id");
    expect(streamCalls(fake)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("sends login-customer-id for a manager account and developer-token only when configured", async () => {
    const { connector, fake } = await setup({ managerId: "9876543210" }, { loginCustomerId: "987-654-3210" });
    await connector.listAccounts();
    expect(fake.requests.at(-1)!.headers["login-customer-id"]).toBe("9876543210");
    expect(fake.requests.at(-1)!.headers["developer-token"]).toBeUndefined();
    const withToken = new GoogleAdsConnector({
      baseUrl: fake.origin,
      accessToken: "ya29.valid",
      loginCustomerId: "9876543210",
      developerToken: "dev-token",
    });
    await withToken.listAccounts();
    expect(fake.requests.at(-1)!.headers["developer-token"]).toBe("dev-token");
  });

  it("reports a partial failure in a batch budget mutate per change", async () => {
    const { connector, fake } = await setup({ minBudgetMicros: 1_000_000 });
    const base = { kind: "daily_budget", accountExternalId: CID, level: "campaign" } as const;
    const results = await connector.applyBudgetChanges([
      { ...base, entityExternalId: "17900000001", value: { dailyBudgetMinor: 7500 }, idempotencyKey: "a" },
      { ...base, entityExternalId: "17900000002", value: { dailyBudgetMinor: 50 }, idempotencyKey: "b" },
    ]);
    expect(results[0]).toMatchObject({ ok: true, after: { dailyBudgetMinor: 7500, status: "active" } });
    expect(results[1].ok).toBe(false);
    expect(results[1].error?.kind).toBe("invalid_request");
    expect(results[1].error?.message).toContain("BUDGET_BELOW_PER_DAY_MINIMUM");
    expect(fake.budgets.get(`${CID}/${budgetIdOf("17900000001")}`)!.amountMicros).toBe(75_000_000);
    expect(fake.budgets.get(`${CID}/${budgetIdOf("17900000002")}`)!.amountMicros).toBe(100_000_000);
    const mutate = JSON.parse(fake.requests.find((r) => r.path.endsWith("campaignBudgets:mutate"))!.body);
    expect(mutate.partialFailure).toBe(true);
    expect(mutate.operations[0]).toEqual({
      updateMask: "amountMicros",
      update: {
        resourceName: `customers/${CID}/campaignBudgets/${budgetIdOf("17900000001")}`,
        amountMicros: "75000000",
      },
    });
  });

  it("refuses to change a budget shared by several campaigns", async () => {
    const { connector, fake } = await setup();
    fake.budgets.get(`${CID}/${budgetIdOf("17900000001")}`)!.referenceCount = 3;
    const result = await connector.applyChange({
      kind: "daily_budget",
      accountExternalId: CID,
      level: "campaign",
      entityExternalId: "17900000001",
      value: { dailyBudgetMinor: 9000 },
      idempotencyKey: "k",
    });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toContain("shared by 3 campaigns");
    expect(fake.requests.some((r) => r.path.endsWith("campaignBudgets:mutate"))).toBe(false);
  });

  it("pauses a campaign and sets an ad-group bid, reporting the state after", async () => {
    const { connector } = await setup();
    const paused = await connector.applyChange({
      kind: "status",
      accountExternalId: CID,
      level: "campaign",
      entityExternalId: "17900000001",
      value: { status: "paused" },
      idempotencyKey: "p1",
    });
    expect(paused).toMatchObject({ ok: true, after: { status: "paused" } });
    const bid = await connector.applyChange({
      kind: "bid",
      accountExternalId: CID,
      level: "ad_group",
      entityExternalId: "1790000000101",
      value: { bidMinor: 155 },
      idempotencyKey: "b1",
    });
    expect(bid).toMatchObject({ ok: true, after: { bidMinor: 155, status: "active" } });
    const entities = await connector.listEntities(CID);
    expect(entities.find((e) => e.externalId === "17900000001")?.status).toBe("paused");
  });

  it("maps a zero-decimal currency: micros of JPY land as whole yen", async () => {
    const account = fakeAccount({
      id: "5550001111",
      currency: "JPY",
      timeZone: "Asia/Tokyo",
      from: "2026-11-01",
      to: "2026-11-01",
    });
    fake = await startGoogleFake({ accounts: [account] });
    const connector = new GoogleAdsConnector({ baseUrl: fake.origin, accessToken: "ya29.valid" });
    const facts = await connector.fetchPerformance({
      accountExternalId: "5550001111",
      from: "2026-11-01",
      to: "2026-11-01",
      granularity: "day",
      level: "campaign",
    });
    const expected = aggregate(account, "campaign", "2026-11-01", "2026-11-01", false);
    expect(facts.map((f) => f.costMinor)).toEqual(expected.map((r) => r.totals.costMinor));
    expect(facts[0].currency).toBe("JPY");
  });
});
