import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDataQuality } from "../../src/monitoring/checks/data-quality.js";
import {
  dataQualityInput,
  freshnessInput,
  recordSpendSample,
} from "../../src/monitoring/collect/store-inputs.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { monitoredAccount, seedAccount } from "./support/seed.js";

const account = monitoredAccount;
const TODAY = "2025-08-20";
const at = (hour: number) => new Date(`${TODAY}T${String(hour).padStart(2, "0")}:00:00Z`);

/**
 * 14 earlier days of samples: impressions grow by 140–200 every hour from 3 o'clock (deterministic
 * spread), spend by one click (500) every third hour; today's samples up to 12 o'clock the same way.
 */
async function seedSamples(store: TestStore, withImpressions: boolean): Promise<void> {
  await store.query("DELETE FROM monitor_spend_samples");
  await store.query(
    `INSERT INTO monitor_spend_samples (account_id, date, hour, spend_minor, impressions, sampled_at)
     SELECT 'acc_1', d::date, h, 500 * (greatest(h - 2, 0) / 3),
            CASE WHEN $2 THEN (SELECT coalesce(sum(140 + (i * 7 + extract(day FROM d)::int * 13) % 61), 0)
                               FROM generate_series(3, h) i) END,
            d + h * interval '1 hour'
     FROM generate_series($1::date - 14, $1::date, '1 day') d, generate_series(0, 23) h
     WHERE d < $1::date OR h <= 12`,
    [TODAY, withImpressions],
  );
}

/** Today's reported totals in performance_daily (what the next sample reads). */
async function reportToday(store: TestStore, impressions: number, costMinor: number): Promise<void> {
  await store.query("DELETE FROM performance_daily WHERE date = $1", [TODAY]);
  await store.query(
    `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
     VALUES ('acc_1', $1, 'c1', $2, 1, $3, 0, 0)`,
    [TODAY, impressions, costMinor],
  );
}

describe.each(testEngines())("spend samples with impressions on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccount(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  async function staleAt13(): Promise<string[]> {
    const local = { date: TODAY, hour: 13 };
    await recordSpendSample(store, account, local, at(13));
    const freshness = await freshnessInput(store, account, local);
    const input = await dataQualityInput(store, account, local, at(13), 0.5, freshness);
    return checkDataQuality(input).findings.map((f) => f.cause);
  }

  it("records today's impressions with the spend; rows from before the column read as unknown", async () => {
    await seedSamples(store, false);
    await reportToday(store, 1234, 2000);
    await recordSpendSample(store, account, { date: TODAY, hour: 13 }, at(13));
    const rows = await store.query<{ hour: number; spend: number; impressions: number | null }>(
      `SELECT hour, spend_minor AS spend, impressions FROM monitor_spend_samples
       WHERE date = $1 AND hour IN (12, 13) ORDER BY hour`,
      [TODAY],
    );
    expect(rows).toEqual([
      { hour: 12, spend: 1500, impressions: null },
      { hour: 13, spend: 2000, impressions: 1234 },
    ]);
    expect((await freshnessInput(store, account, { date: TODAY, hour: 13 })).impressions).toBeNull();
  });

  it("flags a feed whose impressions froze for one poll (spend unchanged too, which alone is ordinary)", async () => {
    await seedSamples(store, true);
    const [noon] = await store.query<{ impressions: number; spend: number }>(
      "SELECT impressions, spend_minor AS spend FROM monitor_spend_samples WHERE date = $1 AND hour = 12",
      [TODAY],
    );
    await reportToday(store, noon!.impressions, noon!.spend);
    expect(await staleAt13()).toEqual(["data_quality:stale"]);
  });

  it("does not flag the same unchanged spend while impressions keep arriving", async () => {
    await seedSamples(store, true);
    const [noon] = await store.query<{ impressions: number; spend: number }>(
      "SELECT impressions, spend_minor AS spend FROM monitor_spend_samples WHERE date = $1 AND hour = 12",
      [TODAY],
    );
    await reportToday(store, noon!.impressions + 150, noon!.spend);
    expect(await staleAt13()).toEqual([]);
  });
});
