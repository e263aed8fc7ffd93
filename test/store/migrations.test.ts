import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationStatus, readMigrationFiles } from "../../src/store/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

describe.each(testEngines())("migrations on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("applies every migration once and reports them as applied", async () => {
    const status = await migrationStatus(store);
    expect(status.length).toBe(readMigrationFiles().length);
    expect(status.every((m) => m.state === "applied" && m.appliedAt instanceof Date)).toBe(true);
    expect(await migrate(store)).toBe(0);
  });

  it("refuses an applied migration whose text changed, and leaves the schema unchanged", async () => {
    const files = readMigrationFiles();
    const edited = files.map((f, i) =>
      i === 0 ? { ...f, sql: `${f.sql}\n-- edit`, checksum: "different" } : f,
    );
    await expect(migrate(store, edited)).rejects.toThrow(/was changed after it was applied/);
    const status = await migrationStatus(store, edited);
    expect(status[0].state).toBe("changed");
  });

  it("rolls back a failing migration completely", async () => {
    const files = readMigrationFiles();
    const broken = [
      ...files,
      {
        version: 9999,
        name: "9999_broken",
        checksum: "x",
        sql: "CREATE TABLE half_written (x int); SELECT nope_fn();",
      },
    ];
    await expect(migrate(store, broken)).rejects.toThrow(/migration 9999_broken failed/);
    const tables = await store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_written'",
    );
    expect(tables[0].n).toBe(0);
    expect((await migrationStatus(store, broken)).at(-1)?.state).toBe("pending");
  });

  it("returns bigint minor units as numbers and dates as calendar strings", async () => {
    const rows = await store.query<{ big: number; day: string }>(
      "SELECT 9007199254740991::bigint AS big, DATE '2024-03-31' AS day",
    );
    expect(rows[0]).toEqual({ big: 9007199254740991, day: "2024-03-31" });
  });
});
