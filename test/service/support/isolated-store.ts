import { openStore } from "../../../src/store/index.js";
import { type EngineName, openTestStore, type TestStore } from "../../support/stores.js";
import { createScratchDatabase, dropScratchDatabase } from "./kill-restart.js";

let databases = 0;

/**
 * A store of its own; on PostgreSQL a database of its own, not just a schema: governance's advisory
 * locks are per database and keyed by account, and other suites run the same demo account (whose id
 * comes from the scenario) at the same time — the executor would skip the account while another
 * suite holds its lock, and a run compared with another would differ.
 */
export async function openIsolatedStore(engine: EngineName): Promise<TestStore> {
  const url = process.env.TEST_DATABASE_URL;
  if (engine === "pglite" || !url) return openTestStore(engine);
  const name = `adpilot_service_${process.pid}_${databases++}`;
  const store = await openStore({ databaseUrl: await createScratchDatabase(url, name), poolSize: 4 });
  return {
    ...store,
    schemaName: null,
    async close() {
      await store.close();
      await dropScratchDatabase(url, name);
    },
  };
}
