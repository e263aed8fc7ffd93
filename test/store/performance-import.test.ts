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

  it("bumps the version of every day it writes, with or without the table's triggers", async () => {
    const opts = { file: "f.csv", preset: "standard" };
    const versions = () =>
      store.query<{ date: string; version: string }>(
        "SELECT to_char(date, 'YYYY-MM-DD') AS date, version::text FROM performance_versions ORDER BY date",
      );
    await importPerformance(store, events(row(2), row(3, { date: "2024-05-02" })), opts);
    const first = await versions();
    expect(first.map((v) => v.date)).toEqual(["2024-05-01", "2024-05-02"]);
    await importPerformance(store, events(row(2, { costMinor: 99_999 })), opts);
    const second = await versions();
    expect(BigInt(second[0]!.version)).toBeGreaterThan(BigInt(first[0]!.version));
    expect(second[1]).toEqual(first[1]);
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

  describe("across batches (two rows per batch)", () => {
    const small = { file: "f.csv", preset: "standard", batchRows: 2 };

    it("rejects a key repeated in a later batch, naming both lines, and writes nothing", async () => {
      const attempt = importPerformance(store, events(row(2), row(3), row(4), row(5, { adId: "a2" })), small);
      await expect(attempt).rejects.toThrow(
        /line 5: duplicate key inside the file: .*ad "a2" already appears on line 2/,
      );
      expect((await snapshot())[0]).toMatchObject({ n: 0, accounts: 0, runs: 0 });
    });

    it("rejects a repeated key on a re-import too, where batches are upserted, and changes nothing", async () => {
      await importPerformance(store, events(row(2), row(3), row(4)), small);
      const before = (await snapshot())[0];
      const attempt = importPerformance(
        store,
        events(row(2), row(3), row(4), row(9, { adId: "a2", costMinor: 1 })),
        small,
      );
      await expect(attempt).rejects.toThrow(
        /line 9: duplicate key inside the file: .*already appears on line 2/,
      );
      expect((await snapshot())[0]).toEqual(before);
    });

    it("counts new, changed and unchanged rows when only some batches overlap the stored data", async () => {
      await importPerformance(store, events(row(2), row(3)), small);
      const result = await importPerformance(
        store,
        events(row(2), row(3, { clicks: 7 }), row(4), row(5), row(6)),
        small,
      );
      expect(result).toMatchObject({ rowsRead: 5, inserted: 3, updated: 1, unchanged: 1, rejected: 0 });
      expect((await snapshot())[0]).toMatchObject({ n: 5, accounts: 1, runs: 2 });
    });

    it("refuses an account whose later rows switch currency and writes nothing", async () => {
      const attempt = importPerformance(store, events(row(2), row(3), row(4, { currency: "EUR" })), small);
      await expect(attempt).rejects.toBeInstanceOf(ImportConflictError);
      await expect(attempt).rejects.toThrow(
        /"123-456-7890" \(google\) has rows in several currencies \(EUR, USD\)/,
      );
      expect((await snapshot())[0]).toMatchObject({ n: 0, accounts: 0 });
    });

    it("with skipInvalid keeps the first occurrence of a key repeated in a later batch", async () => {
      const rejected: RowRejection[] = [];
      const result = await importPerformance(
        store,
        events(row(2), row(3), row(4), row(5, { adId: "a2", costMinor: 1 })),
        { ...small, skipInvalid: true, onReject: (r) => rejected.push(r) },
      );
      expect(result).toMatchObject({ rowsRead: 4, inserted: 3, rejected: 1 });
      expect(rejected.map((r) => r.line)).toEqual([5]);
      expect((await snapshot())[0]).toMatchObject({ n: 3, cost: 12_345 * 3 });
    });

    it("upserts the batches after the last savepoint-guarded insert the same way, duplicates included", async () => {
      const rows = Array.from({ length: 60 }, (_, i) => row(i + 2));
      const one = { file: "f.csv", preset: "standard", batchRows: 1 };
      const attempt = importPerformance(store, events(...rows, row(70, { adId: "a55", costMinor: 1 })), one);
      await expect(attempt).rejects.toThrow(
        /line 70: duplicate key inside the file: .*already appears on line 55/,
      );
      expect((await snapshot())[0]).toMatchObject({ n: 0, accounts: 0 });
      const result = await importPerformance(store, events(...rows), one);
      expect(result).toMatchObject({ rowsRead: 60, inserted: 60, updated: 0, unchanged: 0 });
      expect((await snapshot())[0]).toMatchObject({ n: 60, cost: 12_345 * 60 });
    });

    it("creates the campaigns, ad groups and ads of every batch, and accounts met in later batches", async () => {
      const result = await importPerformance(
        store,
        events(
          row(2, { adGroupName: "Group" }),
          row(3),
          row(4, { campaignId: "c2", campaignName: "Second" }),
          row(5, { accountId: "999", campaignId: "c3" }),
        ),
        small,
      );
      expect(result.accounts.map((a) => a.externalId)).toEqual(["123-456-7890", "999"]);
      const counts = await store.query<{ campaigns: number; groups: number; ads: number; names: string[] }>(
        `SELECT (SELECT count(*)::int FROM campaigns) AS campaigns, (SELECT count(*)::int FROM ad_groups) AS groups,
                (SELECT count(*)::int FROM ads) AS ads,
                (SELECT array_agg(coalesce(name, '-') ORDER BY external_id) FROM campaigns) AS names`,
      );
      expect(counts[0]).toEqual({
        campaigns: 3,
        groups: 2,
        ads: 4,
        names: ["Brand, search", "Second", "Brand, search"],
      });
      const [channel] = await store.query<{ channel: string }>("SELECT DISTINCT channel FROM campaigns");
      expect(channel.channel).toBe("search");
    });
  });

  it("fires every trigger someone adds to performance_daily (the foreign-key shortcut then stands aside)", async () => {
    await store.query(`CREATE TABLE IF NOT EXISTS import_trigger_log (n int NOT NULL)`);
    await store.query(`CREATE OR REPLACE FUNCTION import_trigger_log_row() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO import_trigger_log VALUES (1); RETURN NEW; END $$`);
    await store.query(`CREATE TRIGGER import_trigger_log_row AFTER INSERT ON performance_daily
      FOR EACH ROW EXECUTE FUNCTION import_trigger_log_row()`);
    try {
      const result = await importPerformance(store, events(row(2), row(3), row(4)), {
        file: "f.csv",
        preset: "standard",
        batchRows: 2,
      });
      expect(result.inserted).toBe(3);
      const [logged] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM import_trigger_log");
      expect(logged.n).toBe(3);
    } finally {
      await store.query("DROP TRIGGER import_trigger_log_row ON performance_daily");
      await store.query("DROP TABLE import_trigger_log");
    }
  });

  it("leaves no row without its account and the session's trigger setting as it was", async () => {
    await importPerformance(store, events(row(2), row(3), row(4, { accountId: "other" })), {
      file: "f.csv",
      preset: "standard",
      batchRows: 2,
    });
    const [orphans] = await store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM performance_daily p WHERE NOT EXISTS (SELECT 1 FROM ad_accounts a WHERE a.id = p.account_id)",
    );
    expect(orphans.n).toBe(0);
    const [role] = await store.query<{ session_replication_role: string }>("SHOW session_replication_role");
    expect(role.session_replication_role).toBe("origin");
  });
});
