/**
 * One worker process of the multi-process test: proposes for its own two campaigns, has them approved,
 * and executes whatever is due on the shared account, until its quota is done and nothing is pending.
 * The parent kills it with SIGKILL at random moments and starts it again; it resumes from the database.
 */
import { createGovernance, systemActor } from "../../../src/governance/index.js";
import { createRng } from "../../../src/models/random/index.js";
import { openStore } from "../../../src/store/index.js";
import { PgPlatform } from "./pg-platform.js";

const env = process.env;
const worker = Number(env.MP_WORKER);
const accountId = env.MP_ACCOUNT!;
const quota = Number(env.MP_QUOTA);
const t0 = Number(env.MP_T0);
const start = Number(env.MP_START);
const speed = Number(env.MP_SPEED);
const clock = () => new Date(t0 + (Date.now() - start) * speed);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const store = await openStore({
  databaseUrl: env.MP_DB_URL,
  schema: env.MP_SCHEMA,
  migrate: false,
  poolSize: 3,
});
const platform = new PgPlatform(
  store,
  { externalId: env.MP_EXTERNAL!, name: "mp", currency: "USD", timeZone: "UTC" },
  clock,
  () => process.stdout.write("platform-applied\n"),
);
const gov = createGovernance({ store, clock, rng: createRng(worker * 7919 + process.pid) });
const executor = gov.executor({
  connectorFor: () => platform,
  sleep: (ms) => realSleep(ms / speed),
  workerId: `process:${worker}:${process.pid}`,
});
const approver = { userId: `approver-${worker}`, role: "approver" as const, workspaceId: "default" };
const mine = [`c${worker}`, `c${worker + Number(env.MP_WORKERS)}`];
const rng = createRng(worker);

for (;;) {
  const [{ made }] = await store.query<{ made: number }>(
    "SELECT count(*)::int AS made FROM proposals WHERE account_id = $1 AND reason = $2",
    [accountId, `worker ${worker}`],
  );
  // sent back for review (the guardrails clip it now) or left unapproved by a kill: a person looks again
  const waiting = await store.query<{ id: number }>(
    "SELECT id FROM proposals WHERE account_id = $1 AND entity_id = ANY($2::text[]) AND status = 'proposed'",
    [accountId, mine],
  );
  for (const w of waiting) await gov.proposals.approve(approver, w.id).catch(() => {});
  if (made < quota) {
    const id = mine[made % 2];
    const [open] = await store.query<{ id: number; status: string }>(
      "SELECT id, status FROM proposals WHERE account_id = $1 AND entity_id = $2 AND status IN ('proposed', 'approved')",
      [accountId, id],
    );
    if (!open) {
      const [row] = await store.query<{ daily_budget_minor: number }>(
        "SELECT daily_budget_minor FROM campaigns WHERE account_id = $1 AND external_id = $2",
        [accountId, id],
      );
      const factor = rng.nextFloat() < 0.6 ? 1.04 : 0.97;
      const p = await gov.proposals.create(systemActor("default"), {
        accountId,
        entity: { level: "campaign", id },
        change: { kind: "daily_budget", dailyBudgetMinor: Math.round(row.daily_budget_minor * factor) },
        reason: `worker ${worker}`,
        idempotencyKey: `worker-${worker}-${made}`,
      });
      if (p.status === "proposed") await gov.proposals.approve(approver, p.id).catch(() => {});
    }
  }
  await executor.drain(accountId, 3);
  await gov.proposals.expireDue();
  const [{ pending }] = await store.query<{ pending: number }>(
    "SELECT count(*)::int AS pending FROM proposals WHERE account_id = $1 AND status IN ('proposed', 'approved')",
    [accountId],
  );
  if (made >= quota && pending === 0) break;
  await realSleep(10);
}
await store.close();
process.exit(0);
