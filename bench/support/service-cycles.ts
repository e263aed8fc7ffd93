// What runs the benchmark fleet's cycles: the cycle's dependencies over one store (governance, executor,
// instant platforms) and a loop that keeps `concurrency` cycles in flight, as a pg-boss worker does.
// Used in the benchmark's own process and in each of its worker threads (service-worker.ts).
import pino from "pino";
import { createGovernance } from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { type CycleDeps, runCycle } from "../../src/service/cycle/run-cycle.js";
import { createEventBus } from "../../src/service/event-bus.js";
import { governanceGateway } from "../../src/service/governance-gateway.js";
import type { Store } from "../../src/store/index.js";
import { type FleetShape, fleetRuntimes } from "./service-fleet.js";

/** The cycle's dependencies for the fleet's `accountIds`, on a clock the benchmark moves (`clock.hour`). */
export async function fleetCycleDeps(
  store: Store,
  shape: FleetShape,
  clock: { hour: number },
  accountIds: readonly string[],
): Promise<CycleDeps> {
  const runtimes = await fleetRuntimes(store, shape, clock, accountIds);
  const instant = () => new Date(`${shape.today}T${String(clock.hour).padStart(2, "0")}:00:00Z`);
  const governance = createGovernance({ store, clock: instant, rng: createRng(1) });
  const executor = governance.executor({
    connectorFor: async (accountId) => runtimes.get(accountId)!.connector,
    sleep: async () => {},
    workerId: "bench",
  });
  return {
    store,
    bus: createEventBus(),
    log: pino({ level: "error" }),
    runtimeFor: async (accountId) => {
      const runtime = runtimes.get(accountId);
      if (!runtime) throw new Error(`bench: no runtime for ${accountId}`);
      return runtime;
    },
    gateway: governanceGateway(governance, executor, () => "default"),
  };
}

/** Runs every account's cycle with at most `concurrency` in flight; returns each cycle's milliseconds. */
export async function cycleAll(
  deps: CycleDeps,
  accountIds: readonly string[],
  concurrency: number,
): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < accountIds.length) {
      const id = accountIds[next++]!;
      const started = performance.now();
      await runCycle(deps, id);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return durations;
}
