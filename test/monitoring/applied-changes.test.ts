import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDataQuality } from "../../src/monitoring/checks/data-quality.js";
import { dataQualityInput } from "../../src/monitoring/collect/store-inputs.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { monitoredAccount, seedAccount } from "./support/seed.js";

const account = monitoredAccount;
const TODAY = "2025-08-20";
const NOW = new Date(`${TODAY}T13:00:00Z`);

/** A budget cut of campaign c1 applied at `at` (the proposal row it belongs to, then the change). */
async function applyCut(store: TestStore, at: string): Promise<void> {
  const [p] = await store.query<{ id: number }>(
    `INSERT INTO proposals (workspace_id, account_id, entity_level, entity_id, campaign_id, kind, currency,
       before_value, after_value, requested_value, reason, mode, origin, created_by, created_at, idempotency_key,
       content_hash, requires_approval, status, status_changed_at, status_changed_by, expires_at)
     VALUES ('default', 'acc_1', 'campaign', 'c1', 'c1', 'daily_budget', 'USD', '{"dailyBudgetMinor": 6000}',
       '{"dailyBudgetMinor": 1800}', '{"dailyBudgetMinor": 1800}', 'cut', 'live', 'optimizer', 'system', $1,
       'cut-c1', 'h', false, 'applied', $1, 'system', $1::timestamptz + interval '1 day') RETURNING id`,
    [at],
  );
  await store.query(
    `INSERT INTO applied_changes (proposal_id, account_id, entity_level, entity_id, campaign_id, kind, before_state,
       after_state, before_numeric, after_numeric, idempotency_key, applied_at, applied_by)
     VALUES ($1, 'acc_1', 'campaign', 'c1', 'c1', 'daily_budget', '{}', '{}', 6000, 1800, 'cut-c1', $2, 'system')`,
    [p!.id, at],
  );
}

describe.each(testEngines())("spend anomalies after a change we applied, on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccount(store);
    // 20 ordinary days of c1, then the last two at 30 % of the delivery (its budget was cut).
    await store.query(
      `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor)
       SELECT 'acc_1', d::date, 'c1', round(f * (20000 + i * 37)), round(f * (600 + i)), round(f * (6000 + (i * 977) % 400)),
              round(f * 30), round(f * (18000 + (i * 4409) % 2000))
         FROM generate_series(1, 20) i, LATERAL (SELECT $1::date - 21 + i AS d, CASE WHEN i > 18 THEN 0.3 ELSE 1 END AS f) x`,
      [TODAY],
    );
  });
  afterAll(async () => store?.close());

  const causes = async () =>
    checkDataQuality(
      await dataQualityInput(store, account, { date: TODAY, hour: 13 }, NOW, 0.5, {
        unchangedHours: 0,
        expectedShareMeanwhile: 0,
      }),
    ).findings.map((f) => f.cause);

  it("reports the drop while nothing explains it, and not once the budget cut we applied is known", async () => {
    expect(await causes()).toContain("data_quality:anomaly:spend:c1");
    await applyCut(store, "2025-08-17T22:00:00Z");
    expect(await causes()).not.toContain("data_quality:anomaly:spend:c1");
  });
});
