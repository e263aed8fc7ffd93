import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadArmSnapshots } from "../../src/service/cycle/arm-snapshots.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const AS_OF = "2025-08-20";

describe.each(testEngines())("arm snapshots on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
    await store.query(
      `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
       VALUES ('acc_s', 'default', 'sandbox', 'ext-acc_s', 'Shop', 'USD', 'UTC')`,
    );
    await store.query(
      `INSERT INTO campaigns (account_id, external_id, name, channel, daily_budget_minor) VALUES
       ('acc_s', 'c1', 'Search', 'search', 3000), ('acc_s', 'c2', 'Social', 'social', 2000)`,
    );
    // c1: 30 days; 1,000 a day until 14 days ago, then 2,000 a day; today's partial row is ignored.
    await store.query(
      `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
       SELECT 'acc_s', $1::date - k, 'c1', 1000, 20, CASE WHEN k <= 14 THEN 2000 ELSE 1000 END, 1, 5000
         FROM generate_series(0, 30) k`,
      [AS_OF],
    );
  });
  afterAll(() => store.close());

  it("averages the plain spend of the guardrails' window and discounts the posterior's sums", async () => {
    const [c1, c2] = await loadArmSnapshots(store, {
      accountId: "acc_s",
      currency: "USD",
      asOf: AS_OF,
      hourOfDay: 10,
      level: "campaign",
    });
    expect(c1).toMatchObject({
      id: "c1",
      currentBudgetMinor: 3000,
      averageDailySpendMinor: 2000,
      ageHours: 30 * 24 + 10,
    });
    // 28 days weighted 0.97^(age-1): 14 at 2,000 and 14 at 1,000
    let discounted = 0;
    for (let age = 1; age <= 28; age++) discounted += (age <= 14 ? 2000 : 1000) * 0.97 ** (age - 1);
    expect(c1!.spendMinor).toBe(Math.round(discounted));
    expect(c2).toMatchObject({ id: "c2", averageDailySpendMinor: null, spendMinor: 0 });

    const week = await loadArmSnapshots(store, {
      accountId: "acc_s",
      currency: "USD",
      asOf: AS_OF,
      hourOfDay: 10,
      level: "campaign",
      spendWindowDays: 20,
    });
    expect(week[0]!.averageDailySpendMinor).toBe(Math.round((14 * 2000 + 6 * 1000) / 20));
  });

  it("reuses the statistics on the same date until a day before it changes", async () => {
    const load = () =>
      loadArmSnapshots(store, {
        accountId: "acc_s",
        currency: "USD",
        asOf: AS_OF,
        hourOfDay: 11,
        level: "campaign",
      });
    const fresh = await load();
    // mark the cached copy: a load that reuses it shows the mark
    await store.query(
      `UPDATE arm_stats_cache SET stats = jsonb_set(stats, '{c1,spend}', '123456789') WHERE account_id = 'acc_s'`,
    );
    expect((await load())[0]!.spendMinor).toBe(123_456_789);
    // today's row (the planning date) is not among the days the statistics read: still reused
    await store.query(
      "UPDATE performance_daily SET cost_minor = cost_minor + 1 WHERE account_id = 'acc_s' AND date = $1",
      [AS_OF],
    );
    expect((await load())[0]!.spendMinor).toBe(123_456_789);
    // a late conversion on yesterday's row: recomputed, and equal to a computation from scratch
    await store.query(
      "UPDATE performance_daily SET conversions = conversions + 1 WHERE account_id = 'acc_s' AND date = $1::date - 1",
      [AS_OF],
    );
    const after = await load();
    expect(after[0]!.spendMinor).toBe(fresh[0]!.spendMinor);
    expect(after[0]!.conversions).toBeGreaterThan(fresh[0]!.conversions);
    await store.query("DELETE FROM arm_stats_cache");
    expect(await load()).toEqual(after);
    // another date, or other options, compute their own
    const later = await loadArmSnapshots(store, {
      accountId: "acc_s",
      currency: "USD",
      asOf: "2025-08-21",
      hourOfDay: 0,
      level: "campaign",
    });
    expect(later[0]!.ageHours).toBe(31 * 24);
    // deleting an old day is a change too
    await store.query("DELETE FROM performance_daily WHERE account_id = 'acc_s' AND date = $1::date - 30", [
      AS_OF,
    ]);
    expect((await load())[0]!.ageHours).toBe(29 * 24 + 11);
  });

  it("caches ad-group arms too, with their first day of data", async () => {
    await store.query(
      `INSERT INTO ad_groups (account_id, external_id, campaign_external_id, name, status, daily_budget_minor) VALUES
       ('acc_s', 'g1', 'c2', 'Lookalikes', 'active', 1500), ('acc_s', 'g2', 'c2', 'Retargeting', 'active', 500)`,
    );
    await store.query(
      `INSERT INTO performance_daily (account_id, date, campaign_id, adgroup_id, impressions, clicks, cost_minor, conversions, revenue_minor)
       SELECT 'acc_s', $1::date - k, 'c2', 'g1', 500, 10, 700, 0.5, 2000 FROM generate_series(1, 5) k`,
      [AS_OF],
    );
    const load = () =>
      loadArmSnapshots(store, {
        accountId: "acc_s",
        currency: "USD",
        asOf: AS_OF,
        hourOfDay: 3,
        level: "ad_group",
      });
    const first = await load();
    expect(first.map((a) => [a.id, a.channel, a.ageHours, a.averageDailySpendMinor])).toEqual([
      ["g1", "social", 5 * 24 + 3, 700],
      ["g2", "social", 3, null],
    ]);
    expect(await load()).toEqual(first);
    const [cached] = await store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM arm_stats_cache WHERE account_id = 'acc_s' AND level = 'ad_group'",
    );
    expect(cached!.n).toBe(1);
  });
});
