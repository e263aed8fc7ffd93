import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "../../src/store/index.js";
import { pgliteFromTemplate } from "./pglite-template.js";

export type EngineName = "pglite" | "postgres";

/** Engines the store suites run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export function testEngines(): EngineName[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestStore extends Store {
  /** The Postgres schema this store lives in (postgres engine only). */
  readonly schemaName: string | null;
}

/**
 * An isolated, migrated store: a PGlite instance of its own from the template, or a schema of its own
 * on the real PostgreSQL (dropped again on close), so test files can run in parallel.
 */
export async function openTestStore(engine: EngineName): Promise<TestStore> {
  if (engine === "pglite") {
    const pglite = await pgliteFromTemplate();
    const store = await openStore({ pglite });
    return {
      ...store,
      schemaName: null,
      async close() {
        await store.close();
        await pglite.close();
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: the postgres engine is unavailable");
  const schemaName = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl: url, schema: schemaName, poolSize: 4 });
  return {
    ...store,
    schemaName,
    async close() {
      await store.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
