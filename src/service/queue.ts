import { fromPglite, PgBoss } from "pg-boss";
import type { Store } from "../store/index.js";

export const CYCLE_QUEUE = "optimize-cycle";

/**
 * pg-boss on the same database as everything else: in-process on PGlite (the embedded default) or
 * shared by many worker processes on PostgreSQL. The cycle queue is `stately` with the account as
 * singleton key — at most one queued and one active cycle per account, so a cycle for an account
 * never runs twice at once — and jobs carry a heartbeat, so a worker that dies mid-cycle has its job
 * failed over and retried by another.
 */
export async function startQueue(store: Store): Promise<PgBoss> {
  const schema = store.schema ? `${store.schema}_pgboss` : "pgboss";
  // Dead workers' jobs are noticed by the supervisor: every 10 s (pg-boss's default is 60 s).
  const superviseIntervalSeconds = Number(process.env.ADPILOT_QUEUE_SUPERVISE_SECONDS ?? 10);
  const boss =
    store.kind === "pglite" && store.pglite
      ? new PgBoss({ db: fromPglite(store.pglite), backend: "pglite", schema, superviseIntervalSeconds })
      : new PgBoss({ connectionString: store.databaseUrl, schema, max: 4, superviseIntervalSeconds });
  boss.on("error", () => {
    // Reported through job failures and monitoring; an idle connection error must not crash the worker.
  });
  await boss.start();
  const existing = await boss.getQueue(CYCLE_QUEUE);
  if (!existing) {
    await boss.createQueue(CYCLE_QUEUE, {
      policy: "stately",
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 600,
      heartbeatSeconds: 10,
    });
  }
  return boss;
}

export interface CycleJob {
  accountId: string;
}
