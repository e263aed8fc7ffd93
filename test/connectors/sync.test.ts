import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCredentials, saveCredentials } from "../../src/connectors/credentials/index.js";
import { GoogleAdsConnector } from "../../src/connectors/google/index.js";
import { connectorFromStore } from "../../src/connectors/registry.js";
import { adAccountId, syncAccount, syncStatus } from "../../src/connectors/sync.js";
import { type GoogleFake, quotaExhausted, startGoogleFake } from "../fakes/google/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const CID = "1234567890";
const KEY = Buffer.alloc(32, 7);

describe.each(testEngines())("syncing an account into the store on %s", (engine) => {
  let store: TestStore;
  let fake: GoogleFake;
  const world = fakeAccount({ id: CID, from: "2026-10-01", to: "2026-11-21", timeZone: "America/New_York" });
  beforeAll(async () => {
    store = await openTestStore(engine);
    fake = await startGoogleFake({
      accounts: [world],
      accessTokens: ["ya29.old"],
      expiredTokens: ["ya29.old"],
    });
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  const snapshot = async () => ({
    facts: await store.query(
      "SELECT date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor FROM performance_daily ORDER BY date, campaign_id",
    ),
    campaigns: await store.query(
      "SELECT external_id, name, status, daily_budget_minor FROM campaigns ORDER BY external_id",
    ),
    ads: await store.query(
      "SELECT external_id, ad_group_external_id, campaign_external_id FROM ads ORDER BY external_id",
    ),
  });

  it("backfills N days, is idempotent, then syncs incrementally from the stored credentials", async () => {
    await saveCredentials(store, KEY, {
      platform: "google",
      secrets: { accessToken: "ya29.old", refreshToken: "1//refresh", clientSecret: "s" },
      settings: { baseUrl: fake.origin, clientId: "c" },
    });
    const connector = await connectorFromStore(store, KEY, "google", { sleep: async () => {} });
    const [account] = await connector.listAccounts();
    // the expired token was refreshed and the new one stored encrypted
    const stored = await loadCredentials(store, KEY, "google");
    expect(stored?.secrets.accessToken).toBe("ya29.fresh-1");
    expect(stored?.settings.accessTokenExpiresAt).toBeDefined();

    const now = () => new Date("2026-11-21T20:00:00Z"); // 15:00 in New York
    const progress: number[] = [];
    const first = await syncAccount(store, connector, account, {
      days: 30,
      now,
      onProgress: (d) => progress.push(d),
    });
    expect(first).toMatchObject({
      accountId: adAccountId("default", "google", CID),
      from: "2026-10-23",
      to: "2026-11-21",
    });
    expect(progress.at(-1)).toBe(30);
    const expected = aggregate(world, "campaign", "2026-10-23", "2026-11-21", false);
    const once = await snapshot();
    expect(once.facts).toHaveLength(expected.length);
    expect(once.facts.reduce((t, r) => t + Number(r.cost_minor), 0)).toBe(
      expected.reduce((t, r) => t + r.totals.costMinor, 0),
    );
    expect(once.campaigns).toEqual([
      { external_id: "17900000001", name: "Campaign 1", status: "active", daily_budget_minor: 5000 },
      { external_id: "17900000002", name: "Campaign 2", status: "active", daily_budget_minor: 10000 },
    ]);
    expect(once.ads).toHaveLength(8);

    await syncAccount(store, connector, account, { days: 30, now });
    expect(await snapshot()).toEqual(once);

    fake.requests.length = 0;
    const later = await syncAccount(store, connector, account, {
      days: 30,
      lookbackDays: 3,
      now: () => new Date("2026-11-23T20:00:00Z"),
    });
    expect(later.from).toBe("2026-11-18");
    const query = JSON.parse(fake.requests.filter((r) => r.path.endsWith(":searchStream")).at(-1)!.body)
      .query as string;
    expect(query).toContain("BETWEEN '2026-11-18' AND '2026-11-23'");

    const [status] = await syncStatus(store);
    expect(status).toMatchObject({
      platform: "google",
      externalId: CID,
      credentialsPresent: true,
      errorCount: 0,
    });
    expect(status.rows).toBe((await snapshot()).facts.length);
    expect(status.lastSuccessAt?.toISOString()).toBe("2026-11-23T20:00:00.000Z");
  });

  it("records a failed sync in the status and keeps the rows already stored", async () => {
    const before = (await snapshot()).facts.length;
    const connector = new GoogleAdsConnector({
      baseUrl: fake.origin,
      accessToken: "ya29.fresh-1",
      sleep: async () => {},
      http: { maxAttempts: 1 },
    });
    fake.faults.inject(":searchStream", quotaExhausted("86400s"), 5);
    const account = { externalId: CID, name: "x", currency: "USD", timeZone: "America/New_York" };
    await expect(
      syncAccount(store, connector, account, { now: () => new Date("2026-11-24T20:00:00Z") }),
    ).rejects.toMatchObject({
      kind: "rate_limit",
    });
    const [status] = await syncStatus(store);
    expect(status.errorCount).toBe(1);
    expect(status.lastError).toContain("rate limited");
    expect((await snapshot()).facts.length).toBe(before);
  });
});
