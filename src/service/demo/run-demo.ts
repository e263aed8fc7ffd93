import pino from "pino";
import { createGovernance } from "../../governance/index.js";
import type { FaultKind } from "../../lab/faults.js";
import { createRng } from "../../models/random/index.js";
import { type MonitoringDeps, runMonitoringPass } from "../../monitoring/run-pass.js";
import type { Store } from "../../store/index.js";
import { type CycleDeps, runCycle } from "../cycle/run-cycle.js";
import { createEventBus, type EventBus } from "../event-bus.js";
import { governanceGateway } from "../governance-gateway.js";
import { SandboxRuntime } from "../sandbox-runtime.js";
import { DEMO_WORKSPACE, demoAccountId, ensureDemoAccount } from "./demo-setup.js";
import { type DemoDaySummary, summariseDay } from "./demo-summary.js";
import { OracleTracker } from "./oracle-tracker.js";

export interface DemoOptions {
  scenario: string;
  seed: number;
  /** Simulated days per real second. */
  speed: number;
  hoursPerCycle: number;
  users?: number;
  /** Stop after this many simulated days (tests); default: run until stopped. */
  days?: number;
  /** Compare with the lab oracle (costs ~1 s at start). */
  oracle?: boolean;
  /** Switch a sandbox fault on after this many simulated days (to see monitoring alert). */
  fault?: { kind: FaultKind; afterDays: number; rate?: number };
  /** Monitoring dependencies; when given, every check runs after each cycle. */
  monitoring?: Omit<MonitoringDeps, "store" | "bus" | "connectorFor" | "localNow">;
  /** Wait for `resume()` before the first cycle (so the API can start first). */
  paused?: boolean;
}

export interface DemoHandle {
  accountId: string;
  workspaceId: string;
  bus: EventBus;
  currency: string;
  /** The simulated clock (governance decisions made through the API must use it too). */
  clock: () => Date;
  /** Resolves when the demo stops (after `stop()` or `days`). */
  done: Promise<void>;
  /** Starts the cycles of a demo created with `paused: true`. */
  resume(): void;
  stop(): Promise<void>;
}

/** The demo's account, runtime and cycle dependencies, ready for `runCycle` (tests drive it directly). */
export async function createDemoService(
  store: Store,
  options: Pick<DemoOptions, "scenario" | "seed" | "users" | "hoursPerCycle">,
  bus: EventBus = createEventBus(),
): Promise<{ accountId: string; runtime: SandboxRuntime; deps: CycleDeps }> {
  const accountId = demoAccountId(options.scenario);
  const runtime = await SandboxRuntime.open(store, accountId, {
    scenario: options.scenario,
    seed: options.seed,
    users: options.users,
    hoursPerCycle: options.hoursPerCycle,
  });
  const clock = () => runtime.now().instant;
  const governance = createGovernance({ store, clock, rng: createRng(options.seed) });
  await ensureDemoAccount(store, governance, runtime, {
    accountId,
    scenario: options.scenario,
    seed: options.seed,
    intervalSeconds: options.hoursPerCycle * 3600,
  });
  // Simulated time: the executor's jitter between mutations passes on the simulated clock, not the wall.
  const executor = governance.executor({
    connectorFor: async () => runtime.connector,
    sleep: async () => {},
    workerId: "demo",
  });
  const deps: CycleDeps = {
    store,
    bus,
    log: pino({ level: process.env.LOG_LEVEL ?? "warn" }),
    runtimeFor: async () => runtime,
    gateway: governanceGateway(governance, executor, () => DEMO_WORKSPACE),
  };
  return { accountId, runtime, deps };
}

/**
 * The live demo: one sandbox account of the chosen scenario, optimised cycle after cycle on a
 * simulated clock, every change a proposal through the guardrails, auto-approved inside them. State
 * lives in the store, so running it again resumes the same world where it stopped.
 */
export async function startDemo(
  store: Store,
  options: DemoOptions,
  onDay: (summary: DemoDaySummary) => void,
  bus: EventBus = createEventBus(),
): Promise<DemoHandle> {
  const { accountId, runtime, deps } = await createDemoService(store, options, bus);
  const tracker = options.oracle === false ? null : new OracleTracker(() => runtime.world, options.seed);
  const periodMs = 1000 / (options.speed * (24 / options.hoursPerCycle));
  let stopping = false;
  let wake: (() => void) | null = null;
  let resume = () => {};
  const started = options.paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
  const loop = async () => {
    await started;
    let lastDay = runtime.world.world.day;
    const startDay = lastDay;
    while (!stopping) {
      const started = Date.now();
      const before = runtime.now();
      // Set again every cycle: a failed cycle restores the last saved world, which may predate the switch.
      if (options.fault && runtime.world.world.day - startDay >= options.fault.afterDays) {
        runtime.world.faults.set(options.fault.kind, { rate: options.fault.rate ?? 1 });
      }
      await runCycle(deps, accountId).catch(() => {
        // Already recorded as a failed cycle with backoff; the demo keeps going.
      });
      if (options.monitoring) {
        await runMonitoringPass(
          {
            ...options.monitoring,
            store,
            bus,
            connectorFor: async () => runtime.connector,
            localNow: () => {
              const { date, hour } = runtime.now();
              return { date, hour };
            },
          },
          runtime.now().instant,
          { scope: "all", accountIds: [accountId] },
        ).catch(() => {});
      }
      const day = runtime.world.world.day;
      if (day !== lastDay) {
        tracker?.catchUp();
        onDay(await summariseDay(store, accountId, before.date, lastDay, tracker?.percentOfOracle() ?? null));
        lastDay = day;
        if (options.days !== undefined && day - startDay >= options.days) break;
      }
      const wait = periodMs - (Date.now() - started);
      if (wait > 0 && !stopping)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, wait);
        });
    }
  };
  const done = loop();
  return {
    accountId,
    workspaceId: DEMO_WORKSPACE,
    bus,
    currency: runtime.world.scenario.currency,
    clock: () => runtime.now().instant,
    done,
    resume: () => resume(),
    async stop() {
      stopping = true;
      resume();
      wake?.();
      await done;
    },
  };
}
