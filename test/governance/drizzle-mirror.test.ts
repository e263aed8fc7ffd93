import { getTableConfig } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as governance from "../../src/store/schema/governance.js";
import { openTestStore, type TestStore } from "../support/stores.js";

/** The Drizzle tables must mirror migrations/0002_governance.sql column for column. */
describe("Drizzle mirror of the governance tables", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("pglite");
  });
  afterAll(() => store.close());

  it("has every column of every governance table, with the same nullability", async () => {
    const tables = Object.values(governance).map((t) => getTableConfig(t));
    expect(tables.map((t) => t.name).sort()).toEqual(
      [
        "applied_changes",
        "approvals",
        "audit_log",
        "domain_hints",
        "override_impacts",
        "overrides",
        "proposals",
      ].sort(),
    );
    for (const table of tables) {
      const rows = await store.query<{ column_name: string; is_nullable: string }>(
        "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()",
        [table.name],
      );
      const sql = Object.fromEntries(rows.map((r) => [r.column_name, r.is_nullable === "YES"]));
      const drizzle = Object.fromEntries(table.columns.map((c) => [c.name, !c.notNull]));
      expect(drizzle, table.name).toEqual(sql);
    }
  });

  it("reads proposals through the typed handle", async () => {
    const rows = await store.db.select().from(governance.proposals).limit(1);
    expect(rows).toEqual([]);
  });
});
