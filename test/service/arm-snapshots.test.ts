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
});
