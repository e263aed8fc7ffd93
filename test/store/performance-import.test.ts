import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ImportEvent, RowRejection, StandardRow } from "../../src/connectors/csv/types.js";
import {
  ImportConflictError,
  ImportRejectedError,
  importPerformance,
} from "../../src/store/performance-import.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

function row(line: number, overrides: Partial<StandardRow> = {}): StandardRow {
  return {
    line,
    date: "2024-05-01",
    platform: "google",
    accountId: "123-456-7890",
    campaignId: "c1",
    adGroupId: "g1",
    adId: `a${line}`,
    campaignName: "Brand, search",
    adGroupName: null,
    adName: 'Ad "one"',
    impressions: 1000,
    clicks: 50,
    costMinor: 12_345,
    conversions: 2.5,
    revenueMinor: 40_000,
    currency: "USD",
    ...overrides,
  };
}

async function* events(...items: (StandardRow | RowRejection)[]): AsyncGenerator<ImportEvent> {
  for (const item of items) {
    yield "date" in item ? { kind: "row", row: item } : { kind: "reject", rejection: item };
  }
}

const reject: RowRejection = {
  file: "f.csv",
  line: 3,
  column: "cost",
  value: "-5",
  expected: "a non-negative amount",
  message: 'negative spend "-5"',
};

describe.each(testEngines())("performance import on %s", (engine) => {
  let store: TestStore;
  const snapshot = async () =>
    store.query<{ n: number; cost: number; accounts: number; runs: number }>(
      `SELECT (SELECT count(*)::int FROM performance_daily) AS n,
              (SELECT coalesce(sum(cost_minor), 0)::bigint FROM performance_daily) AS cost,
              (SELECT count(*)::int FROM ad_accounts) AS accounts,
              (SELECT count(*)::int FROM import_runs) AS runs`,
    );
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await store.query(
      "TRUNCATE performance_daily, ads, ad_groups, campaigns, import_runs, ad_accounts CASCADE",
    );
  });

  it("upserts on the natural key: a second import changes nothing, corrected numbers update rows", async () => {
    const opts = { file: "f.csv", preset: "standard" };
    const first = await importPerformance(store, events(row(2), row(3), row(4)), opts);
    expect(first).toMatchObject({ rowsRead: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.accounts).toEqual([
      expect.objectContaining({
        platform: "google",
        externalId: "123-456-7890",
        currency: "USD",
        created: true,
      }),
    ]);
    const again = await importPerformance(store, events(row(2), row(3), row(4)), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(again.accounts[0].created).toBe(false);
    const corrected = await importPerformance(store, events(row(2), row(3, { costMinor: 99 }), row(4)), opts);
    expect(corrected).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect((await snapshot())[0]).toMatchObject({ n: 3, cost: 12_345 * 2 + 99, accounts: 1, runs: 3 });
    const names = await store.query<{ name: string }>(
      "SELECT name FROM campaigns UNION ALL SELECT name FROM ads ORDER BY 1",
    );
    expect(names.map((n) => n.name)).toContain("Brand, search");
    expect(names.map((n) => n.name)).toContain('Ad "one"');
  });

  it("is all or nothing by default: one bad row and nothing is written", async () => {
    const attempt = importPerformance(store, events(row(2), reject, row(4)), {
      file: "f.csv",
      preset: "standard",
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportRejectedError);
    await expect(attempt).rejects.toThrow(
      /f\.csv, line 3, column "cost": negative spend "-5"\. Nothing was imported/,
    );
    expect((await snapshot())[0]).toMatchObject({ n: 0, accounts: 0, runs: 0 });
  });

  it("with skipInvalid imports the valid rows and hands every rejected one over", async () => {
    const rejected: RowRejection[] = [];
    const result = await importPerformance(store, events(row(2), reject, row(4)), {
      file: "f.csv",
      preset: "standard",
      skipInvalid: true,
      onReject: (r) => rejected.push(r),
    });
    expect(result).toMatchObject({ rowsRead: 3, inserted: 2, rejected: 1 });
    expect(rejected).toEqual([reject]);
  });

  it("reports a duplicate key inside the file with both line numbers and writes nothing", async () => {
    const attempt = importPerformance(store, events(row(2), row(3), row(7, { adId: "a2" })), {
      file: "f.csv",
      preset: "standard",
    });
    await expect(attempt).rejects.toThrow(
      /line 7: duplicate key inside the file: .*ad "a2" already appears on line 2/,
    );
    expect((await snapshot())[0].n).toBe(0);
    const rejected: RowRejection[] = [];
    const skipped = await importPerformance(store, events(row(2), row(3), row(7, { adId: "a2" })), {
      file: "f.csv",
      preset: "standard",
      skipInvalid: true,
      onReject: (r) => rejected.push(r),
    });
    expect(skipped).toMatchObject({ inserted: 2, rejected: 1 });
    expect(rejected[0].line).toBe(7);
  });

  it("refuses a currency that differs from the stored account's and changes nothing", async () => {
    await importPerformance(store, events(row(2)), { file: "a.csv", preset: "standard" });
    const before = (await snapshot())[0];
    const attempt = importPerformance(store, events(row(2, { currency: "EUR", costMinor: 1 })), {
      file: "b.csv",
      preset: "standard",
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportConflictError);
    await expect(attempt).rejects.toThrow(/stored in USD but the file reports EUR/);
    expect((await snapshot())[0]).toEqual(before);
  });
});
