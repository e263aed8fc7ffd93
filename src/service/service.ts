import { hostname } from "node:os";
import type { PgBoss } from "pg-boss";
import pino, { type Logger } from "pino";
import { createGovernance } from "../governance/index.js";
import { createRng } from "../models/random/index.js";
import type { MonitoringMetrics } from "../monitoring/metrics.js";
import { notifiersFromEnv } from "../monitoring/notify/config.js";
import { type MonitoringDeps, runMonitoringPass } from "../monitoring/run-pass.js";
import type { Store } from "../store/index.js";
import { type CycleDeps, runCycle } from "./cycle/run-cycle.js";
import { dueAccounts, listServiceAccounts, loadServiceAccount } from "./cycle/service-accounts.js";
import type { EventBus } from "./event-bus.js";
import { governanceGateway } from "./governance-gateway.js";
import { CYCLE_QUEUE, type CycleJob, startQueue } from "./queue.js";
import { createRuntimeFactory } from "./runtimes.js";

export interface ServiceOptions {
  /** Enqueue due cycles (one process should; several may — the queue de-duplicates). */
  scheduler?: boolean;
  /** Run cycles from the queue in this process. */
  worker?: boolean;
  /** Cycles this process runs at once (default 4 on PostgreSQL; 1 on PGlite, which has one connection). */
  concurrency?: number;
  /** How often the scheduler looks for due accounts. */
  tickMs?: number;
  log?: Logger;
  /** Prometheus metrics fed from the service's events. */
  metrics?: MonitoringMetrics;
}

export interface RunningService {
  readonly workerId: string;
  status(workspaceId: string): Promise<{ state: string; accounts: unknown[] }>;
  /** Stops taking jobs and waits up to `timeoutMs` for in-flight cycles to finish. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The continuous optimization service: a scheduler that enqueues each active account's cycle when it
 * is due, and workers that run them from the queue (pg-boss). Everything it knows is in the store, so
 * any process can stop, crash or join at any time.
 */
export async function startService(
  store: Store,
  bus: EventBus,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const log = options.log ?? pino({ level: process.env.LOG_LEVEL ?? "info" });
  const workerId = `worker:${hostname()}:${process.pid}`;
  const runtimeFor = createRuntimeFactory(store);
  const governance = createGovernance({ store, clock: () => new Date(), rng: createRng(process.pid) });
  const executor = governance.executor({
    connectorFor: async (accountId) => (await runtimeFor(accountId)).connector,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    workerId,
  });
  const workspaceOf = new Map<string, string>();
  const deps: CycleDeps = {
    store,
    bus,
    log,
    runtimeFor,
    gateway: governanceGateway(governance, executor, (accountId) => workspaceOf.get(accountId) ?? "default"),
  };
  const monitoring: MonitoringDeps = {
    store,
    bus,
    log,
    connectorFor: async (accountId) => (await runtimeFor(accountId)).connector,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...notifiersFromEnv(),
  };
  const boss: PgBoss = await startQueue(store);
  if (options.worker !== false) {
    const localConcurrency = options.concurrency ?? (store.kind === "postgres" ? 4 : 1);
    const workOptions = { batchSize: 1, pollingIntervalSeconds: 1, localConcurrency };
    await boss.work<CycleJob>(CYCLE_QUEUE, workOptions, async ([job]) => {
      // Only this job's account: listing every account per job would make a round of N cycles read N² rows.
      const account = await loadServiceAccount(store, job.data.accountId).catch(() => null);
      if (account) workspaceOf.set(account.accountId, account.workspaceId);
      try {
        await runCycle(deps, job.data.accountId);
      } finally {
        await runMonitoringPass(monitoring, new Date(), {
          scope: "all",
          accountIds: [job.data.accountId],
        }).catch((error) => log.warn({ err: (error as Error).message }, "monitoring pass failed"));
      }
    });
  }
  let timer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;
  if (options.scheduler !== false) {
    const tick = async () => {
      try {
        for (const accountId of await dueAccounts(store, new Date())) {
          await boss.send(CYCLE_QUEUE, { accountId } satisfies CycleJob, { singletonKey: accountId });
        }
      } catch (error) {
        log.warn({ err: (error as Error).message }, "scheduler tick failed");
      }
    };
    await tick();
    timer = setInterval(tick, options.tickMs ?? 5_000);
    healthTimer = setInterval(() => {
      runMonitoringPass(monitoring, new Date(), { scope: "health" }).catch((error) =>
        log.warn({ err: (error as Error).message }, "health pass failed"),
      );
    }, 60_000);
  }
  return {
    workerId,
    async status(workspaceId) {
      const accounts = await listServiceAccounts(store, workspaceId);
      return {
        state: "running",
        accounts: accounts.map((a) => ({
          accountId: a.accountId,
          active: a.active,
          nextCycleNo: a.nextCycleNo,
          nextRunAt: a.nextRunAt,
          consecutiveFailures: a.consecutiveFailures,
          lastError: a.lastError,
        })),
      };
    },
    async stop(timeoutMs = 30_000) {
      if (timer) clearInterval(timer);
      if (healthTimer) clearInterval(healthTimer);
      await boss.stop({ graceful: true, timeout: timeoutMs });
    },
  };
}
