// One benchmark worker thread: its own pool on the benchmark database and its share of the fleet's
// accounts, cycled when the main thread says (`{ hour }`), answering with each cycle's milliseconds.
// Several of them are several service workers (`adpilot serve --no-api`) sharing one PostgreSQL.
import { parentPort, workerData } from "node:worker_threads";
import { openStore } from "../../src/store/index.js";
import { cycleAll, fleetCycleDeps } from "./service-cycles.js";
import type { FleetShape } from "./service-fleet.js";

const { databaseUrl, shape, accountIds, concurrency } = workerData as {
  databaseUrl: string;
  shape: FleetShape;
  accountIds: string[];
  concurrency: number;
};
const port = parentPort!;
const store = await openStore({ databaseUrl, poolSize: concurrency + 2, migrate: false });
const clock = { hour: 0 };
const deps = await fleetCycleDeps(store, shape, clock, accountIds);
port.on("message", async (message: { hour: number } | "close") => {
  if (message === "close") {
    await store.close();
    port.close();
    return;
  }
  clock.hour = message.hour;
  try {
    port.postMessage({ durations: await cycleAll(deps, accountIds, concurrency) });
  } catch (error) {
    port.postMessage({ error: (error as Error).stack ?? String(error) });
  }
});
port.postMessage("ready");
