import { openStore, type Store } from "../store/index.js";

/** How long an interrupted command gets to roll back before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * Opens the store for one CLI command and closes it however the command ends. On Ctrl-C or SIGTERM —
 * even while the store is still opening — the command's `signal` aborts, its transaction rolls back,
 * the store closes and the process exits 130/143: never locked, never half-written.
 */
export async function withStore<T>(work: (store: Store, signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let store: Store | undefined;
  let running: Promise<unknown> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal} received: stopping and closing the database cleanly...\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
    const grace = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    grace.unref();
    Promise.resolve(running)
      .catch(() => {})
      .then(() => store?.close())
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    store = await openStore({ schema: process.env.ADPILOT_DB_SCHEMA });
    if (controller.signal.aborted) return await new Promise<never>(() => {});
    const result = work(store, controller.signal);
    running = result;
    return await result;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (!controller.signal.aborted) await store?.close();
  }
}
