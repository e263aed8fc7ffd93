import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanDropFolder } from "../../src/connectors/csvdrop/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const HEADER =
  "date,platform,account_id,campaign_id,adgroup_id,ad_id,impressions,clicks,cost,conversions,revenue,currency";

describe.each(testEngines())("CSV drop folder on %s", (engine) => {
  let store: TestStore;
  const folder = mkdtempSync(join(tmpdir(), "adpilot-drop-"));
  const later = () => Date.now() + 60_000;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("imports new files once, records rejected ones, and waits for files still being written", async () => {
    writeFileSync(join(folder, "a.csv"), `${HEADER}\n2026-11-01,google,123,c1,,,100,10,12.50,1,40.00,USD\n`);
    writeFileSync(
      join(folder, "bad.csv"),
      `${HEADER}\n2026-11-01,google,123,c1,,,many,10,12.50,1,40.00,USD\n`,
    );
    writeFileSync(join(folder, "notes.txt"), "ignored");
    const first = await scanDropFolder(store, { folder, now: later });
    expect(first.map((r) => [r.file, r.status])).toEqual([
      ["a.csv", "imported"],
      ["bad.csv", "rejected"],
    ]);
    expect(first[1].error).toContain("line 2");
    const [row] = await store.query<{ cost_minor: number }>("SELECT cost_minor FROM performance_daily");
    expect(Number(row.cost_minor)).toBe(1250);

    const minuteAgo = new Date(Date.now() - 60_000);
    for (const f of ["a.csv", "bad.csv"]) utimesSync(join(folder, f), minuteAgo, minuteAgo);
    writeFileSync(join(folder, "b.csv"), `${HEADER}\n2026-11-02,google,123,c1,,,100,10,7.00,0,0,USD\n`);
    const second = await scanDropFolder(store, { folder, now: Date.now });
    expect(second.map((r) => [r.file, r.status])).toEqual([
      ["a.csv", "skipped"],
      ["b.csv", "unsettled"],
      ["bad.csv", "skipped"],
    ]);
    const third = await scanDropFolder(store, { folder, now: later, move: true });
    expect(third.find((r) => r.file === "b.csv")?.status).toBe("imported");
    const [count] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM performance_daily");
    expect(count.n).toBe(2);
  });
});
