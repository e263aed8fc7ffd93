import { openStore, type Store } from "../store/index.js";

/**
 * Opens the store for one CLI command and closes it however the command ends — including Ctrl-C and
 * SIGTERM, so the embedded database is never left with a stale lock by an interrupted command.
 */
export async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ schema: process.env.ADPILOT_DB_SCHEMA });
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal} received: closing the database cleanly...\n`);
    store.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await work(store);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await store.close();
  }
}
